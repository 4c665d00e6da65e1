"""Pages whose bytes are not in the charset they declare (pure).

Old documentation servers often send Windows-1252 (or Latin-1) pages labelled
UTF-8. Decoded as UTF-8, every accented letter becomes U+FFFD, and a rule
quoting that text would carry the damage into every rule file. Such a page is
decoded again as Windows-1252, which is what browsers use for Latin-1 labels
(WHATWG Encoding Standard) and which covers Latin-1's printable characters.
"""

from __future__ import annotations

REPLACEMENT = "\ufffd"
_UTF8_NAMES = frozenset({"utf-8", "utf8"})


def redecode_mislabelled(body: bytes, text: str, encoding: str) -> str | None:
    """``body`` decoded as Windows-1252 when ``text`` (its decoding as ``encoding``, UTF-8) lost
    characters because the bytes are not UTF-8 at all; None when ``text`` is right."""
    if REPLACEMENT not in text or encoding.lower().replace("_", "-") not in _UTF8_NAMES:
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; those become U+FFFD, like any decoder would.
        return body.decode("cp1252", errors="replace")
    return None  # valid UTF-8 that really contains U+FFFD
