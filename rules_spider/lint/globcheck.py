"""Glob syntax as the assistants read it: relative POSIX patterns with ``*``, ``**``, ``?``, ``[]``, ``{a,b}``."""

from __future__ import annotations


def _balanced(pattern: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in pattern:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def glob_problems(pattern: str) -> list[str]:
    """What is wrong with one glob (empty list when nothing is)."""
    if not pattern.strip():
        return ["an empty glob matches nothing"]
    problems = []
    if pattern != pattern.strip():
        problems.append(f"glob {pattern!r} has spaces around it, which become part of the pattern")
    stripped = pattern.strip()
    if stripped.startswith("/") or (len(stripped) > 1 and stripped[1] == ":"):
        problems.append(f"glob {stripped!r} is absolute; patterns are relative to the project root")
    if "\\" in stripped:
        problems.append(f"glob {stripped!r} uses a backslash; use / between directories")
    if not _balanced(stripped, "[", "]"):
        problems.append(f"glob {stripped!r} has an unclosed [ ]")
    if not _balanced(stripped, "{", "}"):
        problems.append(f"glob {stripped!r} has an unclosed {{ }}")
    if "***" in stripped:
        problems.append(f"glob {stripped!r} has ***; use ** for any depth")
    return problems


def split_globs(value: str | list[str], one_string: bool) -> list[str]:
    """The patterns of a globs value; a comma-separated string is split outside braces."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if not one_string and "," not in value:
        return [value]
    patterns, current, depth = [], "", 0
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if char == "," and depth == 0:
            patterns.append(current)
            current = ""
        else:
            current += char
    patterns.append(current)
    return patterns
