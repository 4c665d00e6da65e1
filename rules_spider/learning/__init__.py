"""The self-improving side of rules-spider: feedback store, engine, retraining the rule model from users.

Front ends (``scrapy feedback``, a review page, an MCP server) write
feedback through :class:`FeedbackStore` or :class:`SelfImprovingEngine`;
the crawl scores rules with :meth:`SelfImprovingEngine.score_rules` /
:meth:`SelfImprovingEngine.adjusted_score`.

Names are imported on first use, so ``rules_spider.learning.store`` alone
does not pay for importing scikit-learn and scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rules_spider.learning.engine import EngineConfig, SelfImprovingEngine
    from rules_spider.rulemodel.persistence import RuleModelError
    from rules_spider.learning.engine_results import QualityPrediction, Recommendation, ScoreBreakdown
    from rules_spider.learning.signals import (
        BUILTIN_SIGNAL_TYPES,
        FeedbackSignal,
        InvalidSignalError,
    )
    from rules_spider.learning.store import FeedbackStore

_EXPORTS = {
    "BUILTIN_SIGNAL_TYPES": "signals",
    "EngineConfig": "engine",
    "FeedbackSignal": "signals",
    "FeedbackStore": "store",
    "InvalidSignalError": "signals",
    "QualityPrediction": "engine_results",
    "Recommendation": "engine_results",
    "ScoreBreakdown": "engine_results",
    "SelfImprovingEngine": "engine",
}
__all__ = [
    "BUILTIN_SIGNAL_TYPES",
    "EngineConfig",
    "FeedbackSignal",
    "FeedbackStore",
    "InvalidSignalError",
    "RuleModelError",
    "QualityPrediction",
    "Recommendation",
    "ScoreBreakdown",
    "SelfImprovingEngine",
]


def __getattr__(name: str) -> Any:
    if name == "RuleModelError":
        return importlib.import_module("rules_spider.rulemodel.persistence").RuleModelError
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
