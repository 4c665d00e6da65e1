"""Pure analysis of extracted pages: directives, anti-patterns, code patterns,
subjects, technology, keywords; plus the checks every rule passes (grounding,
safety) and near-duplicate merging. Import the module you need: this package
imports nothing, so the crawl process does not load scikit-learn through it."""
