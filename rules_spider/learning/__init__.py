"""The self-improving side of rules-spider: feedback store, quality model, engine.

Front ends (``scrapy feedback``, a review page, an MCP server) write
feedback through :class:`FeedbackStore` or :class:`SelfImprovingEngine`;
the crawl scores rules with :meth:`SelfImprovingEngine.score_rules` /
:meth:`SelfImprovingEngine.adjusted_score`.
"""

from __future__ import annotations

from rules_spider.learning.engine import EngineConfig, SelfImprovingEngine
from rules_spider.learning.persistence import ModelVersionError
from rules_spider.learning.results import QualityPrediction, Recommendation, ScoreBreakdown
from rules_spider.learning.signals import BUILTIN_SIGNAL_TYPES, FeedbackSignal, InvalidSignalError
from rules_spider.learning.store import FeedbackStore

__all__ = [
    "BUILTIN_SIGNAL_TYPES",
    "EngineConfig",
    "FeedbackSignal",
    "FeedbackStore",
    "InvalidSignalError",
    "ModelVersionError",
    "QualityPrediction",
    "Recommendation",
    "ScoreBreakdown",
    "SelfImprovingEngine",
]
