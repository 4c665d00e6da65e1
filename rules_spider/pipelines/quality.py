"""Pipeline: score every rule and drop those under RULES_QUALITY_THRESHOLD.

The score is the learned quality model's (trained on feedback, loaded from
RULES_STATE_DIR) when one is saved there, otherwise the documented heuristic
(``rules_spider.quality.heuristic``). Each rule records which model scored it.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from rules_spider.config import rules_config
from rules_spider.items import DocPage
from rules_spider.learning.scoring import LearnedScorer, load_learned_scorer
from rules_spider.quality.heuristic import heuristic_quality

logger = logging.getLogger(__name__)


class QualityPipeline:
    def __init__(self, crawler: Crawler):
        config = rules_config(crawler)
        self.stats = crawler.stats
        self.threshold = config.quality_threshold
        self.scorer: LearnedScorer | None = (
            load_learned_scorer(config.state_dir) if config.use_learned_model else None
        )
        model = self.scorer.model_version if self.scorer else None
        crawler.stats.set_value("rules/quality_model", model or "heuristic")
        if self.scorer:
            logger.info("Scoring rules with learned quality model %s", model)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QualityPipeline:
        return cls(crawler)

    def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage) or not item.rules:
            return item
        for rule in item.rules:
            if rule.heuristic_score is None:
                rule.heuristic_score = heuristic_quality(rule, item.text)
            rule.quality_score = rule.heuristic_score
        if self.scorer is not None:
            self.scorer.score(item.rules)
        kept = []
        for rule in item.rules:
            if rule.quality_score is not None and rule.quality_score >= self.threshold:
                kept.append(rule)
            else:
                self.stats.inc_value("rules/dropped/low_quality")
        item.rules = kept
        self.stats.inc_value("rules/kept", len(kept))
        self.stats.inc_value(f"source/{item.source_name}/rules", len(kept))
        return item
