"""Stable identifiers derived from where a rule comes from, not from its wording."""

from __future__ import annotations

import hashlib
import re

_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Collapse whitespace so ids do not change when a page is re-indented."""
    return _WS.sub(" ", text).strip()


def rule_id(url: str, evidence: str) -> str:
    """Id of the rule quoting ``evidence`` from the page at ``url``.

    Stable across runs and generators: rewording a rule's body keeps its id,
    so feedback recorded against it keeps applying.
    """
    digest = hashlib.sha1(f"{url}\n{normalise_text(evidence)}".encode()).hexdigest()
    return digest[:16]


def content_hash(text: str) -> str:
    return hashlib.sha1(normalise_text(text).encode()).hexdigest()
