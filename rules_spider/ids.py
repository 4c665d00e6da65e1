"""Stable identifiers derived from where a rule comes from, not from its wording."""

from __future__ import annotations

import hashlib


def normalise_text(text: str) -> str:
    """Collapse whitespace so ids do not change when a page is re-indented (the one copy of this)."""
    # str.split() splits on exactly what re's \s+ matches: re.sub(r"\s+", " ", text).strip(), 4x faster.
    return " ".join(text.split())


def rule_id(url: str, evidence: str) -> str:
    """Id of the rule quoting ``evidence`` from the page at ``url``.

    Stable across runs and generators: rewording a rule's body keeps its id,
    so feedback recorded against it keeps applying.
    """
    digest = hashlib.sha1(f"{url}\n{normalise_text(evidence)}".encode()).hexdigest()
    return digest[:16]


def content_hash(text: str) -> str:
    return hashlib.sha1(normalise_text(text).encode()).hexdigest()
