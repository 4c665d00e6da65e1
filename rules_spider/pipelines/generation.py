"""Pipeline: rules written by an LLM generator from the rule model's candidate units of each page.

Passes pages through unchanged unless ``RULES_GENERATOR`` names an LLM generator: the default
extractive rules are composed in the worker pool by the page-rules pipeline. LLM generators run off
the reactor thread with bounded concurrency; every rule they write must quote the page and pass the
safety check; a page whose LLM output stays invalid keeps the rules composed from its units (counted).
Each LLM rule takes the unit it quotes (and that unit's probability) so feedback on it trains the model.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy.crawler import Crawler
from scrapy.utils.asyncio import run_in_thread

from rules_spider.analysis.grounding import is_grounded_in_page
from rules_spider.analysis.safety import is_unsafe_rule
from rules_spider.config import rules_config
from rules_spider.generation.base import GeneratorOutputError, RuleGenerator
from rules_spider.generation.registry import make_generator
from rules_spider.ids import normalise_text
from rules_spider.items import DocPage, Rule
from rules_spider.units.stored import unit_context

logger = logging.getLogger(__name__)


class RuleGenerationPipeline:
    def __init__(self, crawler: Crawler):
        config = rules_config(crawler)
        self.stats = crawler.stats
        crawler.stats.set_value("rules/generator", config.generator)
        self.llm: RuleGenerator | None = None
        if config.generator == "extractive":
            return
        self.llm = make_generator(
            config.generator,
            {"max_rules_per_page": config.max_rules_per_page, **config.generator_config,
             "max_concurrent": config.llm_max_concurrent},
            self.stats,
            config.llm_cache_dir,
        )
        # The one bound on LLM calls: pages whose generate() runs in a thread at once (each makes one
        # request at a time), so waiting pages hold no thread of the reactor's pool.
        self._llm_slots = asyncio.Semaphore(config.llm_max_concurrent)
        if self.llm.model:
            crawler.stats.set_value("rules/generator_model", self.llm.model)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RuleGenerationPipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        if self.llm is not None:
            self.llm.close()

    async def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage) or self.llm is None:
            return item
        if item.units:
            async with self._llm_slots:
                try:
                    rules = await run_in_thread(self.llm.generate, item)
                except GeneratorOutputError as exc:
                    self.stats.inc_value("rules/llm/fallback")
                    logger.warning("Keeping the rules composed from units for %s: %s", item.url, exc)
                else:
                    self.stats.inc_value("rules/generated", len(rules) - len(item.rules))
                    self.stats.inc_value(f"source/{item.source_name}/rules_generated", len(rules) - len(item.rules))
                    item.rules = self._keep_grounded_and_safe(item, rules)
        item.units, item.sections, item.text = [], [], ""  # not needed past here, not kept in memory
        return item

    def _keep_grounded_and_safe(self, page: DocPage, rules: list[Rule]) -> list[Rule]:
        kept = []
        for rule in rules:
            if not rule.title.strip() or not rule.body.strip():
                self.stats.inc_value("rules/dropped/empty_text")
                continue
            if not is_grounded_in_page(rule, page):
                self.stats.inc_value("rules/dropped/ungrounded")
                continue
            unsafe = is_unsafe_rule(rule)
            if unsafe:
                self.stats.inc_value("rules/dropped/unsafe")
                logger.warning("Dropped unsafe rule from %s: %s", page.url, unsafe)
                continue
            self._attach_unit(page, rule)
            kept.append(rule)
        return kept

    def _attach_unit(self, page: DocPage, rule: Rule) -> None:
        evidence = normalise_text(rule.evidence)
        quoted = [s for s in page.units if normalise_text(s.unit.text) in evidence]
        if not quoted:
            self.stats.inc_value("rules/llm/unscored")  # quotes no unit the model scored
            return
        best = max(quoted, key=lambda s: s.probability)
        rule.unit = unit_context(best.unit, page.url)
        rule.quality_score = round(best.probability, 4)
