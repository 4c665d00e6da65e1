"""Pure analysis of extracted pages: directives, anti-patterns, code patterns,
subjects, technology, keywords; plus the checks every rule passes (grounding,
safety) and near-duplicate merging."""

from rules_spider.analysis.patterns import PagePatterns, find_patterns

__all__ = ["PagePatterns", "find_patterns"]
