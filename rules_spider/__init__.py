"""rules-spider: documentation sites -> grounded rule files for AI coding assistants."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "BatchResult",
    "DocumentationSource",
    "MLBatchProcessor",
    "RuleFormat",
    "SelfImprovingEngine",
    "process_popular_frameworks",
]

if TYPE_CHECKING:
    from rules_spider.api import BatchResult, MLBatchProcessor, RuleFormat, process_popular_frameworks
    from rules_spider.catalog import DocumentationSource
    from rules_spider.learning.engine import SelfImprovingEngine

_LAZY = {
    "BatchResult": "rules_spider.api",
    "MLBatchProcessor": "rules_spider.api",
    "RuleFormat": "rules_spider.api",
    "process_popular_frameworks": "rules_spider.api",
    "DocumentationSource": "rules_spider.catalog",
    "SelfImprovingEngine": "rules_spider.learning.engine",
}


def __getattr__(name: str) -> Any:
    # Lazy, so `scrapy` loading the settings module does not import scikit-learn and friends.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rules_spider' has no attribute {name!r}")
