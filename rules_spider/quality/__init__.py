"""Rule quality: a documented heuristic (``heuristic``); the learned model lives in ``rules_spider.learning``."""
