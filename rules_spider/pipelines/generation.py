"""Pipeline: candidate rules for each page from the configured generator, grounded and safety-checked.

LLM generators run off the reactor thread with bounded concurrency; a page whose
LLM output stays invalid falls back to the extractive generator (counted).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from scrapy.crawler import Crawler
from scrapy.utils.asyncio import run_in_thread

from rules_spider.analysis.grounding import is_grounded_in_page
from rules_spider.analysis.safety import is_unsafe_rule
from rules_spider.config import rules_config
from rules_spider.generation.base import GeneratorOutputError, RuleGenerator
from rules_spider.generation.extractive import ExtractiveGenerator
from rules_spider.generation.registry import make_generator
from rules_spider.items import DocPage, Rule
from rules_spider.workers import page_pool

logger = logging.getLogger(__name__)


class _StatCounts(Counter):
    """Stats counted in a worker process, added to the crawl's stats when the page comes back."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count


def generate_extractive(page: DocPage, max_rules_per_page: int) -> tuple[list[Rule], dict[str, int]]:
    """Extractive rules for a page and the generator's counts (runs in a worker process)."""
    counts = _StatCounts()
    rules = ExtractiveGenerator(max_rules_per_page=max_rules_per_page, stats=counts).generate(page)
    return rules, dict(counts)


class RuleGenerationPipeline:
    def __init__(self, crawler: Crawler):
        config = rules_config(crawler)
        self.stats = crawler.stats
        self.pool = page_pool(crawler)
        self.max_rules_per_page = config.max_rules_per_page
        # None: the extractive generator, run in the page pool; otherwise an LLM generator,
        # which falls back to the extractive one for pages whose output stays invalid.
        self.llm: RuleGenerator | None = (
            None
            if config.generator == "extractive"
            else make_generator(
                config.generator,
                {
                    "max_rules_per_page": config.max_rules_per_page,
                    **config.generator_config,
                    "max_concurrent": config.llm_max_concurrent,
                },
                self.stats,
                config.llm_cache_dir,
            )
        )
        # The one bound on LLM calls: pages whose generate() runs in a thread at once (each makes one
        # request at a time), so waiting pages hold no thread of the reactor's pool.
        self._llm_slots = asyncio.Semaphore(config.llm_max_concurrent)
        crawler.stats.set_value("rules/generator", self.llm.name if self.llm else ExtractiveGenerator.name)
        if self.llm is not None and self.llm.model:
            crawler.stats.set_value("rules/generator_model", self.llm.model)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RuleGenerationPipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        if self.llm is not None:
            self.llm.close()

    async def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage):
            return item
        candidates = await self._generate(item)
        item.rules = self._keep_grounded_and_safe(item, candidates)
        self.stats.inc_value("rules/generated", len(item.rules))
        self.stats.inc_value(f"source/{item.source_name}/rules_generated", len(item.rules))
        return item

    async def _generate(self, page: DocPage) -> list[Rule]:
        if self.llm is not None:
            async with self._llm_slots:
                try:
                    return await run_in_thread(self.llm.generate, page)
                except GeneratorOutputError as exc:
                    self.stats.inc_value("rules/llm/fallback")
                    logger.warning("Falling back to extractive rules for %s: %s", page.url, exc)
        rules, counts = await self.pool.run(generate_extractive, page, self.max_rules_per_page)
        for key, count in counts.items():
            self.stats.inc_value(key, count)
        return rules

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
            kept.append(rule)
        return kept
