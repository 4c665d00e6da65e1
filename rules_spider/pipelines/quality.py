"""Pipeline: what users said about a rule moves its score; rules that fall under the threshold drop.

A rule's score is the rule model's P(guidance) of its unit (set in the worker pool). Feedback already
recorded for the rule id moves it up or down (``learning.awards``: ``clip(p + adjustment + trend, 0,
1)``), and a rule that ends under the threshold (``RULES_RULE_THRESHOLD``, else the model's) is dropped
as ``rules/dropped/low_quality``. The feedback window is read once, when the crawl opens: no query
runs per page; with no feedback in the window, pages pass through unchanged.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from rules_spider.config import rules_config
from rules_spider.items import DocPage
from rules_spider.learning.engine_results import QualityPrediction
from rules_spider.learning.scoring import score_breakdown, signal_history, window_start
from rules_spider.learning.store import FeedbackStore

logger = logging.getLogger(__name__)


class QualityPipeline:
    def __init__(self, crawler: Crawler):
        self.config = config = rules_config(crawler)
        self.stats = crawler.stats
        with FeedbackStore(config.state_dir) as store:
            self.history = signal_history(store, None, since=window_start(config.feedback_window_hours))
        self.threshold: float | None = None
        if self.history:
            # Only with feedback to apply: the engine loads the rule model (and scikit-learn), which the
            # crawl process otherwise leaves to the workers.
            from rules_spider.learning.engine import SelfImprovingEngine

            with SelfImprovingEngine.from_config(config) as engine:
                self.threshold = engine.threshold
            logger.info("Applying feedback on %d rules (threshold %s)", len(self.history), self.threshold)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QualityPipeline:
        return cls(crawler)

    def process_item(self, item: object) -> object:
        if not isinstance(item, DocPage) or not item.rules or not self.history:
            return item
        kept = []
        for rule in item.rules:
            points = self.history.get(rule.id)
            if points and rule.quality_score is not None:
                breakdown = score_breakdown(
                    QualityPrediction(rule_id=rule.id, predicted_quality=rule.quality_score, confidence_interval=None,
                                      interval_level=None, model=rule.quality_model, basis="model", detail=""),
                    points,
                    learning_rate=self.config.feedback_learning_rate,
                    min_signals=self.config.min_feedback_signals,
                    window_days=self.config.feedback_window_hours / 24,
                    quality_threshold=self.threshold,
                )
                self.stats.inc_value("rules/feedback_applied")
                if breakdown.score is not None:
                    rule.quality_score = round(breakdown.score, 4)
                if breakdown.meets_threshold is False:
                    self.stats.inc_value("rules/dropped/low_quality")
                    continue
            kept.append(rule)
        item.rules = kept
        return item
