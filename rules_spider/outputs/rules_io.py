"""Reading ``O/C/rules.jsonl`` (one JSON object per rule) line by line.

Lines that are not JSON objects or lack a required field are skipped and
counted, never fatal: a crash half-way through writing the file must not stop
the outputs of every good rule from being built. Keys the Rule dataclass does
not know are ignored (newer writers may add fields).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rules_spider.items import RULE_FIELDS, Rule, rule_dict

logger = logging.getLogger(__name__)

REQUIRED_TEXT_FIELDS = ("id", "title", "body", "technology", "source_name", "url", "evidence")
_LIST_FIELDS = ("section", "keywords", "urls")
_SCORE_FIELDS = ("heuristic_score", "quality_score")
_RULE_FIELDS = frozenset(RULE_FIELDS)
_UNIT_KEY = ', "unit": '


class InvalidRuleError(ValueError):
    """A rules.jsonl object that cannot become a Rule."""


@dataclass(frozen=True, slots=True)
class RulesFileStats:
    lines: int
    rules: int
    invalid: int
    duplicates: int


def rule_from_mapping(data: Mapping[str, Any]) -> Rule:
    """A Rule from one rules.jsonl object; raises InvalidRuleError saying what is wrong."""
    for name in REQUIRED_TEXT_FIELDS:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidRuleError(f"field {name!r} must be a non-empty string")
    values = {k: v for k, v in data.items() if k in _RULE_FIELDS}
    for name in _LIST_FIELDS:
        value = values.get(name)
        if value is None:
            values.pop(name, None)
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidRuleError(f"field {name!r} must be a list of strings")
    for name in _SCORE_FIELDS:
        value = values.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InvalidRuleError(f"field {name!r} must be a number or null")
        if value is not None:
            values[name] = float(value)
    cluster = values.get("cluster")
    if cluster is not None and (isinstance(cluster, bool) or not isinstance(cluster, int)):
        values["cluster"] = None
    if "source_priority" in values and not isinstance(values["source_priority"], int):
        values.pop("source_priority")
    values.setdefault("framework", None)
    return Rule(**values)


def rule_line(rule: Rule, *, cluster: int | None, unit: str | None) -> str:
    """One line of rules.jsonl or of a part file: the rule's fields in their order, ``cluster`` filled in,
    ``unit`` (its ``unit_json`` text, or None) last, where ``unit_text`` finds it again."""
    data = rule_dict(rule)
    data["cluster"] = cluster
    del data["unit"]
    return f"{json.dumps(data, ensure_ascii=False)[:-1]}{_UNIT_KEY}{'null' if unit is None else unit}}}\n"


def unit_text(line: str, data: Mapping[str, Any]) -> str | None:
    """The JSON text of the ``unit`` of ``line`` (``data`` is the line decoded), taken out of the line
    instead of encoded again, when ``rule_line`` wrote the line; None when the line has no unit or
    another writer wrote it.

    Its keys being the rule's fields in their order, every value before ``unit`` is a string, number,
    null or list of strings, and a string holds no bare quote: the first ``, "unit": `` is the key's.
    """
    if not isinstance(data.get("unit"), dict) or tuple(data) != RULE_FIELDS:
        return None
    end = line.rstrip()
    return end[end.index(_UNIT_KEY) + len(_UNIT_KEY) : -1]


def iter_rule_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, str, Rule | None]]:
    """(line number, raw line, Rule or None if invalid) for each non-blank line."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise InvalidRuleError("not a JSON object")
                rule = rule_from_mapping(data)
            except (ValueError, TypeError) as exc:
                logger.warning("%s:%d: skipping rule line: %s", path, number, exc)
                yield number, line, None
                continue
            yield number, line, rule


def read_rules(path: str | os.PathLike[str]) -> tuple[list[Rule], RulesFileStats]:
    """Every valid rule of ``path`` (first occurrence of an id per technology) and counts."""
    rules: list[Rule] = []
    seen: set[tuple[str, str]] = set()
    lines = invalid = duplicates = 0
    if not Path(path).exists():
        logger.warning("No rules file at %s; building empty outputs", path)
        return rules, RulesFileStats(0, 0, 0, 0)
    for _, _, rule in iter_rule_lines(path):
        lines += 1
        if rule is None:
            invalid += 1
            continue
        key = (rule.technology, rule.id)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        rules.append(rule)
    return rules, RulesFileStats(lines, len(rules), invalid, duplicates)


def write_annotated_rules(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    cluster_of: Mapping[tuple[str, str], int],
) -> None:
    """Copy ``source`` line by line with each rule's ``cluster`` filled in.

    Invalid lines are copied unchanged; key order of each object is kept.
    """
    with open(destination, "w", encoding="utf-8", newline="\n") as out:
        if Path(source).exists():
            for _, line, rule in iter_rule_lines(source):
                if rule is None:
                    out.write(line if line.endswith("\n") else line + "\n")
                    continue
                data = json.loads(line)
                data["cluster"] = cluster_of.get((rule.technology, rule.id))
                out.write(json.dumps(data, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())
