"""YAML frontmatter that each assistant's own reader and a strict YAML parser agree on."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

logger = logging.getLogger(__name__)

_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_PLAIN_UNSAFE = re.compile(r"[^A-Za-z0-9 .,()/_+-]")


def yaml_frontmatter(data: Mapping[str, Any]) -> str:
    """``---`` block written by a real YAML emitter (quotes wherever YAML needs them)."""
    body = yaml.safe_dump(
        dict(data),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    )
    return f"---\n{body}---\n"


def _round_trips(key: str, value: str) -> bool:
    try:
        loaded = yaml.safe_load(f"{key}: {value}\n")
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and loaded.get(key) == value


def plain_scalar(text: str, key: str = "description") -> str:
    """``text`` as an unquoted YAML scalar on one line.

    Cursor keeps quote characters as part of a value, so its frontmatter must
    be unquoted; this rewrites the few character sequences YAML would read
    differently (``": "``, ``" #"``, a leading indicator) and, if the result
    still does not read back unchanged, keeps only plain punctuation.
    """
    value = " ".join(text.split())
    value = value.replace(": ", " - ").replace(" #", " ").rstrip(":")
    value = value.lstrip(_INDICATORS + " ")
    if _round_trips(key, value):
        return value
    value = _PLAIN_UNSAFE.sub(" ", value)
    value = " ".join(value.split()).lstrip(_INDICATORS + " ")
    if _round_trips(key, value):
        return value
    return ""


def cursor_globs_value(globs: Sequence[str]) -> str | None:
    """Globs as ONE comma-separated, unquoted string that also parses as YAML.

    A plain YAML value may not start with ``*``, so a glob that does not is
    moved to the front. ``None`` when no order makes the value valid YAML.
    """
    patterns = [g.strip() for g in globs if g.strip()]
    if not patterns:
        return None
    safe_first = [g for g in patterns if g[0] not in _INDICATORS]
    if not safe_first:
        logger.warning("No glob of %s can start an unquoted YAML value; leaving globs out", patterns)
        return None
    ordered = [safe_first[0]] + [g for g in patterns if g != safe_first[0]]
    value = ",".join(ordered)
    if not _round_trips("globs", value):
        logger.warning("Globs %r do not read back as YAML; leaving globs out", value)
        return None
    return value


def cursor_frontmatter(description: str, globs: Sequence[str]) -> str:
    """Cursor ``.mdc`` frontmatter: description, globs (if any), ``alwaysApply: false``.

    ``alwaysApply`` is never true: with globs Cursor would ignore them, and
    without globs the description lets the agent decide.
    """
    lines = ["---", f"description: {plain_scalar(description)}"]
    value = cursor_globs_value(globs)
    if value is not None:
        lines.append(f"globs: {value}")
    lines += ["alwaysApply: false", "---", ""]
    return "\n".join(lines)


_FRONTMATTER = re.compile(r"\A---\n(.*?\n)?---\n", re.DOTALL)


def split_frontmatter(text: str) -> tuple[dict[str, Any] | None, str]:
    """(parsed frontmatter or None, the rest). Raises yaml.YAMLError on bad YAML."""
    match = _FRONTMATTER.match(text)
    if not match:
        return None, text
    data = yaml.safe_load(match.group(1) or "") or {}
    return data, text[match.end() :]
