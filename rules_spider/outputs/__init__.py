"""Everything written after a crawl: the output tree, batch metrics, the report, exports.

Submodules keep one job each: ``paths`` (safe names), ``atomic`` (crash-safe
writes), ``rules_io`` (reading rules.jsonl), ``metrics`` (batch quality
metrics), ``build`` (the output tree), ``report`` (report.html) and
``export`` (writing rule files into a user's project).
"""
