"""Review: the decisions people make on rules (accept, reject, edit, pin), how writers honour them, and
the local review page (``scrapy review``)."""
