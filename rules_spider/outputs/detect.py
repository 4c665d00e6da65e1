"""Which documentation sources a project uses, read from its dependency files.

Reads ``pyproject.toml`` (PEP 621 dependencies, optional dependencies and
dependency groups, Poetry's tables), ``requirements*.txt``, ``package.json``
(dependencies, dev, peer and optional), ``go.mod`` (require) and
``Cargo.toml`` (dependency tables) at the project root, and matches each
dependency to a source by name: the source's name or framework, compared
without case or punctuation (``scikit-learn`` is ``Scikit-Learn``), npm
scopes and Go module paths reduced to their names, plus ``aliases``
(``RULES_DETECT_ALIASES``: dependency name -> source name).
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_GO_REQUIRE = re.compile(r"^\s*(?:require\s+)?([A-Za-z0-9][\w.\-/~]*\.[\w.\-/~]+)\s+v\d", re.MULTILINE)
_PUNCT = re.compile(r"[^a-z0-9]+")


def normalise(name: str) -> str:
    return _PUNCT.sub("", name.lower())


@dataclass
class Detection:
    """Sources found, in the order of the dependency files, with what named each."""

    sources: list[str] = field(default_factory=list)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def _requirement_names(lines: Iterable[str]) -> list[str]:
    names = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = _NAME.match(line)
        if match:
            names.append(match.group(1))
    return names


def _pyproject(data: Mapping[str, Any]) -> list[str]:
    project = data.get("project") or {}
    specs = list(project.get("dependencies") or [])
    for extra in (project.get("optional-dependencies") or {}).values():
        specs.extend(extra or [])
    for group in (data.get("dependency-groups") or {}).values():
        specs.extend(s for s in group or [] if isinstance(s, str))
    names = _requirement_names(str(s) for s in specs)
    poetry = (data.get("tool") or {}).get("poetry") or {}
    tables = [poetry.get("dependencies") or {}, poetry.get("dev-dependencies") or {}]
    tables += [g.get("dependencies") or {} for g in (poetry.get("group") or {}).values()]
    names += [n for t in tables for n in t if n.lower() != "python"]
    return names


def _package_json(data: Mapping[str, Any]) -> list[str]:
    names = []
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        names.extend((data.get(key) or {}).keys())
    return names


def _cargo(data: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for key in ("dependencies", "dev-dependencies", "build-dependencies"):
        names.extend((data.get(key) or {}).keys())
    names.extend(((data.get("workspace") or {}).get("dependencies") or {}).keys())
    return names


def dependency_names(root: Path) -> list[tuple[str, str]]:
    """(file, dependency) pairs from the project's dependency files, in a fixed order."""
    found: list[tuple[str, str]] = []
    readers = [("pyproject.toml", lambda t: _pyproject(tomllib.loads(t)))]
    readers += [(p.name, lambda t: _requirement_names(t.splitlines())) for p in sorted(root.glob("requirements*.txt"))]
    readers += [
        ("package.json", lambda t: _package_json(json.loads(t))),
        ("go.mod", lambda t: _GO_REQUIRE.findall(t)),
        ("Cargo.toml", lambda t: _cargo(tomllib.loads(t))),
    ]
    for name, read in readers:
        path = root / name
        if not path.is_file():
            continue
        try:
            names = read(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, AttributeError) as exc:
            logger.warning("Skipping unreadable %s: %s", path, exc)
            continue
        found.extend((name, dep) for dep in names)
    return found


def candidates(dependency: str) -> list[str]:
    """Keys a dependency may match: its whole name, an npm scope and name, a module path's last parts."""
    keys = [dependency]
    if dependency.startswith("@") and "/" in dependency:
        scope, _, rest = dependency[1:].partition("/")
        keys += [scope, rest]
    elif "/" in dependency:
        parts = [p for p in dependency.split("/") if p and not re.fullmatch(r"v\d+", p)]
        keys += parts[-1:] + [parts[-2]] if len(parts) >= 2 else parts[-1:]
    return [normalise(k) for k in keys if normalise(k)]


def detect_sources(
    root: Path,
    sources: Mapping[str, Sequence[str | None]],
    aliases: Mapping[str, str] | None = None,
) -> Detection:
    """Sources of ``sources`` (name -> its frameworks) that ``root``'s dependencies name."""
    keys: dict[str, str] = {}
    for name, frameworks in sources.items():
        for key in [name, *(f for f in frameworks if f)]:
            keys.setdefault(normalise(key), name)
    for dependency, source in (aliases or {}).items():
        if source in sources:
            keys[normalise(dependency)] = source
    detection = Detection()
    for file, dependency in dependency_names(root):
        if file not in detection.files:
            detection.files.append(file)
        for key in candidates(dependency):
            source = keys.get(key)
            if source:
                if source not in detection.sources:
                    detection.sources.append(source)
                detection.evidence.setdefault(source, []).append(f"{file}: {dependency}")
                break
    return detection
