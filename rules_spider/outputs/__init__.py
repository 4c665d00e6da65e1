"""Everything written after a crawl: the output tree, batch metrics, the report, exports.

One job per module, among them: ``paths`` (safe names and joins), ``atomic``
(crash-safe files and tree swaps), ``rules_io`` (reading rules.jsonl),
``metrics`` (batch quality metrics), ``results`` (batch_results.json),
``build`` (the output tree), ``report`` (report.html) and ``export``
(rule files written into a user's project).
"""
