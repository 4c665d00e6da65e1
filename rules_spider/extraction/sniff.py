"""Is a response an HTML page? Decided from its Content-Type and first bytes."""

from __future__ import annotations

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Types a server only sends for something that is not a page; the body is not consulted.
_NOT_HTML_TYPES = frozenset(
    {
        "application/json", "application/ld+json", "application/pdf", "application/zip", "application/gzip",
        "application/x-gzip", "application/x-tar", "application/javascript", "application/x-javascript",
        "application/wasm", "application/rss+xml", "application/atom+xml", "text/plain", "text/css",
        "text/javascript", "text/csv", "text/markdown", "text/x-markdown", "text/x-rst",
    }
)
_NOT_HTML_PREFIXES = ("image/", "audio/", "video/", "font/", "model/")
_BINARY_MAGIC = (
    b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"\xfd7zXZ",
    b"7z\xbc\xaf", b"Rar!", b"RIFF", b"OggS", b"\x00asm", b"wOFF", b"wOF2", b"\x7fELF",
)
_BOMS = (b"\xef\xbb\xbf",)
_HTML_MARKERS = (
    b"<!doctype html", b"<html", b"<head", b"<body", b"<title", b"<meta", b"<div", b"<p>", b"<p ",
    b"<h1", b"<h2", b"<script", b"<link", b"<main", b"<article", b"<section", b"<table", b"<ul",
)
_SNIFF_BYTES = 1024


def is_html(content_type: str | bytes | None, body_start: bytes) -> bool:
    """True when the response is an HTML document worth parsing.

    Binary files, PDFs and JSON are rejected even when served as text/html or from a
    URL ending in .html. Without a useful Content-Type (none, octet-stream, XML) the
    first bytes must look like HTML markup. An empty body is never a page.
    """
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in _NOT_HTML_TYPES or mime.startswith(_NOT_HTML_PREFIXES):
        return False
    head = body_start[:_SNIFF_BYTES]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
    head = head.lstrip()
    if not head or head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return False
    if head[:1] in (b"{", b"["):
        return False
    if mime in _HTML_TYPES:
        return True
    lowered = head.lower()
    if lowered.startswith(b"<?xml") and not (b"<html" in lowered or b"<!doctype html" in lowered):
        return False
    return any(marker in lowered for marker in _HTML_MARKERS)
