"""Decode and parse an HTML document into an lxml tree."""

from __future__ import annotations

import logging
import re
import threading

from lxml import etree
from w3lib.encoding import html_to_unicode

logger = logging.getLogger(__name__)

# lxml refuses str input that carries an XML encoding declaration.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_local = threading.local()


def _parser() -> etree.HTMLParser:
    # lxml parsers must not be shared between threads; pipelines parse off the reactor thread.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
        _local.parser = parser
    return parser


def decode_html(html: str | bytes, encoding: str | None = None) -> str:
    """The document as text: ``encoding`` wins, then BOM, ``<meta charset>``, UTF-8, cp1252."""
    if isinstance(html, str):
        return html
    header = f"text/html; charset={encoding}" if encoding else None
    _, text = html_to_unicode(header, html, auto_detect_fun=_guess_encoding)
    return text


def _guess_encoding(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def parse_html(html: str | bytes, encoding: str | None = None) -> etree._Element | None:
    """Root ``<html>`` element, or None when there is no markup to parse."""
    text = decode_html(html, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.lstrip()[:5].lower() == "<?xml":
        text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        root = etree.fromstring(text, _parser())
    except etree.ParserError as exc:  # lxml's "Document is empty" and friends
        logger.debug("Unparseable HTML: %s", exc)
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


def document_language(root: etree._Element) -> str | None:
    lang = root.get("lang") or root.get("xml:lang")
    lang = (lang or "").strip()
    return lang or None
