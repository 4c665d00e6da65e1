"""A documented heuristic rule score (``heuristic``), kept for the cue-word extractor that bench/quality.py
compares the rule model with; rules are scored by the rule model (``rules_spider.rulemodel``)."""
