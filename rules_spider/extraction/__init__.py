"""HTML -> documentation structure (sections, code blocks, admonitions). Pure functions."""

from __future__ import annotations

from rules_spider.extraction.page import ExtractedPage, extract_page, page_content_hash
from rules_spider.extraction.sniff import is_html

__all__ = ["ExtractedPage", "extract_page", "is_html", "page_content_hash"]
