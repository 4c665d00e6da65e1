"""Pipeline: score every rule and drop those under RULES_QUALITY_THRESHOLD.

The base score is the learned quality model's prediction when one has been
trained on feedback (saved in RULES_STATE_DIR), otherwise the documented
heuristic (``rules_spider.quality.heuristic``). Feedback already recorded for a
rule id then moves it up or down (``learning.awards``), so rules users found
poor are demoted or dropped and rules they found good are kept and boosted.
Each rule records which model scored it.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from rules_spider.config import rules_config
from rules_spider.items import DocPage
from rules_spider.learning.engine import SelfImprovingEngine
from rules_spider.quality.heuristic import heuristic_quality

logger = logging.getLogger(__name__)


class QualityPipeline:
    def __init__(self, crawler: Crawler):
        config = rules_config(crawler)
        self.stats = crawler.stats
        self.threshold = config.quality_threshold
        self.engine: SelfImprovingEngine | None = None
        model = "heuristic"
        if config.use_learned_model:
            self.engine = SelfImprovingEngine.from_config(config)
            loaded, why_not = self.engine.usable_model()
            if loaded is not None:
                model = loaded[1].model_version
                logger.info("Scoring rules with learned quality model %s", model)
            else:
                logger.info("Scoring rules with the heuristic: %s", why_not)
        crawler.stats.set_value("rules/quality_model", model)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QualityPipeline:
        return cls(crawler)

    def close_spider(self) -> None:
        if self.engine is not None:
            self.engine.close()

    def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage) or not item.rules:
            return item
        for rule in item.rules:
            if rule.heuristic_score is None:
                rule.heuristic_score = heuristic_quality(rule, item.text)
            rule.quality_score = rule.heuristic_score
        if self.engine is not None:
            for rule, breakdown in zip(item.rules, self.engine.score_breakdowns(item.rules), strict=True):
                if breakdown.score is not None:
                    rule.quality_score = round(breakdown.score, 4)
                rule.quality_model = breakdown.model
                if breakdown.n_signals:
                    self.stats.inc_value("rules/feedback_applied")
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
