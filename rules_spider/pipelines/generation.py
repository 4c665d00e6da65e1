"""Pipeline: candidate rules for each page from the configured generator, grounded and safety-checked.

LLM generators run off the reactor thread with bounded concurrency; a page whose
LLM output stays invalid falls back to the extractive generator (counted).
"""

from __future__ import annotations

import asyncio
import logging

from scrapy.crawler import Crawler
from scrapy.utils.asyncio import run_in_thread

from rules_spider.analysis.grounding import is_grounded
from rules_spider.analysis.safety import is_unsafe_rule
from rules_spider.config import rules_config
from rules_spider.generation.base import GeneratorOutputError, RuleGenerator
from rules_spider.generation.extractive import ExtractiveGenerator
from rules_spider.generation.registry import make_generator
from rules_spider.items import DocPage, Rule
from rules_spider.workers import page_pool

_extractive_by_cap: dict[int, ExtractiveGenerator] = {}


def generate_extractive(page: DocPage, max_rules_per_page: int) -> list[Rule]:
    """Extractive rules for a page (runs in a worker process; one generator per process)."""
    generator = _extractive_by_cap.get(max_rules_per_page)
    if generator is None:
        generator = _extractive_by_cap[max_rules_per_page] = ExtractiveGenerator(max_rules_per_page=max_rules_per_page)
    return generator.generate(page)

logger = logging.getLogger(__name__)


class RuleGenerationPipeline:
    def __init__(self, crawler: Crawler):
        config = rules_config(crawler)
        self.stats = crawler.stats
        self.pool = page_pool(crawler)
        self.max_rules_per_page = config.max_rules_per_page
        self.extractive = ExtractiveGenerator(max_rules_per_page=config.max_rules_per_page)
        self.generator: RuleGenerator = (
            self.extractive
            if config.generator == "extractive"
            else make_generator(
                config.generator,
                {
                    "max_rules_per_page": config.max_rules_per_page,
                    "max_concurrent": config.llm_max_concurrent,
                    **config.generator_config,
                },
                self.stats,
                config.llm_cache_dir,
            )
        )
        self._llm_slots = asyncio.Semaphore(config.llm_max_concurrent)
        crawler.stats.set_value("rules/generator", self.generator.name)
        if self.generator.model:
            crawler.stats.set_value("rules/generator_model", self.generator.model)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RuleGenerationPipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        self.generator.close()

    async def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage):
            return item
        candidates = await self._generate(item)
        item.rules = self._keep_grounded_and_safe(item, candidates)
        self.stats.inc_value("rules/generated", len(item.rules))
        self.stats.inc_value(f"source/{item.source_name}/rules_generated", len(item.rules))
        return item

    async def _generate(self, page: DocPage) -> list[Rule]:
        if self.generator is not self.extractive:
            async with self._llm_slots:
                try:
                    return await run_in_thread(self.generator.generate, page)
                except GeneratorOutputError as exc:
                    self.stats.inc_value("rules/llm/fallback")
                    logger.warning("Falling back to extractive rules for %s: %s", page.url, exc)
        return await self.pool.run(generate_extractive, page, self.max_rules_per_page)

    def _keep_grounded_and_safe(self, page: DocPage, rules: list[Rule]) -> list[Rule]:
        kept = []
        for rule in rules:
            if not is_grounded(rule, page.text):
                self.stats.inc_value("rules/dropped/ungrounded")
                continue
            unsafe = is_unsafe_rule(rule)
            if unsafe:
                self.stats.inc_value("rules/dropped/unsafe")
                logger.warning("Dropped unsafe rule from %s: %s", page.url, unsafe)
                continue
            kept.append(rule)
        return kept
