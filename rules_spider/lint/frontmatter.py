"""A rule file's frontmatter: parsed strictly as YAML, with the line of every key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


@dataclass
class Frontmatter:
    """``data`` is None when there is no frontmatter; ``error`` says why it could not be read."""

    data: dict[str, Any] | None = None
    raw: str = ""
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    error: tuple[int, str] | None = None

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def read_frontmatter(text: str) -> Frontmatter:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Frontmatter(body=text)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return Frontmatter(body=text, error=(1, "frontmatter starts with --- but has no closing --- line"))
    raw = "\n".join(lines[1:end])
    result = Frontmatter(raw=raw, body="\n".join(lines[end + 1 :]), body_line=end + 2)
    for number, line in enumerate(lines[1:end], start=2):
        match = _KEY.match(line)
        if match:
            result.key_lines.setdefault(match.group(1), number)
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc)
        result.error = (line, f"frontmatter is not valid YAML ({problem}); quote values that contain ': ' or ' #'")
        return result
    if data is None:
        data = {}
    if not isinstance(data, dict):
        result.error = (2, "frontmatter is not a YAML mapping of keys to values")
        return result
    result.data = {str(k): v for k, v in data.items()}
    return result
