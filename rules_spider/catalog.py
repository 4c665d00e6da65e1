"""Source catalogs: the DocumentationSource model and loading YAML catalogs with precise errors.

A catalog is a YAML file (see DESIGN.md) with ``name``, optional ``description``,
optional ``include`` (other catalogs whose sources it takes, by name) and
``sources``. Every problem is reported as ``file:line: source 'X' field 'f': why``
before any request is made.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_CATALOG_BYTES = 2 * 1024 * 1024
PACKAGE_CATALOGS = "rules_spider.sources"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.+-]{0,63}$")


class CatalogError(ValueError):
    """A catalog that cannot be used; the message lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid catalog:\n  " + "\n  ".join(problems))


class DocumentationSource(BaseModel):
    """One documentation site to crawl."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    name: str = Field(min_length=1, max_length=100)
    technology: str
    framework: str | None = None
    priority: int = Field(default=3, ge=1, le=5)
    max_pages: int | None = Field(default=None, ge=1, le=1_000_000)
    max_depth: int | None = Field(default=None, ge=0, le=100)
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    render: Literal["static", "js"] = "static"
    sitemap: bool = False

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an absolute http(s) URL, got {value!r}")
        if any(ch.isspace() for ch in value):
            raise ValueError("must not contain whitespace")
        return value

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str) -> str:
        if not value.isprintable() or value != value.strip():
            raise ValueError("must be printable text without leading/trailing spaces")
        return value

    @field_validator("technology", "framework")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not _SLUG.match(value):
            raise ValueError(f"must be a lowercase slug like 'python' or 'fastapi', got {value!r}")
        return value

    @field_validator("allow", "deny")
    @classmethod
    def _regexes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regex {pattern!r}: {exc}") from None
        return value


class _CatalogHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    include: list[str] = []
    sources: list[Any] = []


@dataclass(frozen=True, slots=True)
class Catalog:
    name: str
    path: Path
    sources: tuple[DocumentationSource, ...]
    description: str | None = None

    @property
    def technologies(self) -> list[str]:
        return sorted({s.technology for s in self.sources})

    def select(self, names: list[str]) -> Catalog:
        """The catalog restricted to ``names`` (case-insensitive), in catalog order."""
        by_key = {s.name.lower(): s for s in self.sources}
        unknown = [n for n in names if n.lower() not in by_key]
        if unknown:
            raise CatalogError(
                [
                    f"{self.path}: no source named {', '.join(map(repr, unknown))}; "
                    f"available: {', '.join(s.name for s in self.sources)}"
                ]
            )
        wanted = {n.lower() for n in names}
        kept = tuple(s for s in self.sources if s.name.lower() in wanted)
        return Catalog(self.name, self.path, kept, self.description)


def shipped_catalogs_dir() -> Path:
    """The shipped catalogs as a directory on disk.

    Imported from a zipped egg (a scrapyd deploy), the package's files are no
    directory: they are copied once to a temp dir named by their content hash.
    """
    files = resources.files(PACKAGE_CATALOGS)
    path = Path(str(files))
    if path.is_dir():
        return path
    entries = sorted((e for e in files.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)
    contents = {e.name: e.read_bytes() for e in entries}
    digest = hashlib.sha256(b"".join(n.encode() + b"\0" + c for n, c in contents.items())).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"rules_spider-catalogs-{digest}"
    if not target.is_dir():
        staging = Path(tempfile.mkdtemp(prefix=".rules_spider-catalogs-", dir=target.parent))
        for name, data in contents.items():
            (staging / name).write_bytes(data)
        try:
            staging.rename(target)
        except OSError:  # another process extracted them first
            shutil.rmtree(staging, ignore_errors=True)
    return target


def catalog_dirs(extra_dirs: list[str] | tuple[str, ...] = ()) -> list[Path]:
    """Where catalogs are looked up by name: configured dirs first, then the shipped ones."""
    return [Path(d) for d in extra_dirs] + [shipped_catalogs_dir()]


def available_catalogs(extra_dirs: list[str] | tuple[str, ...] = ()) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in catalog_dirs(extra_dirs):
        if directory.is_dir():
            for path in sorted(directory.glob("*.yaml")):
                found.setdefault(path.stem, path)
    return found


def resolve_catalog_path(name_or_path: str, extra_dirs: list[str] | tuple[str, ...] = ()) -> Path:
    looks_like_path = name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path or "\\" in name_or_path
    if looks_like_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise CatalogError([f"{name_or_path}: catalog file not found"])
        return path
    known = available_catalogs(extra_dirs)
    if name_or_path not in known:
        raise CatalogError(
            [f"unknown catalog {name_or_path!r}; available: {', '.join(sorted(known)) or 'none'}"]
        )
    return known[name_or_path]


def load_catalog(name_or_path: str, extra_dirs: list[str] | tuple[str, ...] = ()) -> Catalog:
    """Load and validate a catalog by shipped name or by path, following ``include``."""
    path = resolve_catalog_path(name_or_path, extra_dirs)
    return _load(path, extra_dirs, chain=())


def _load(path: Path, extra_dirs: list[str] | tuple[str, ...], chain: tuple[Path, ...]) -> Catalog:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise CatalogError([f"{path}: include cycle {cycle}"])
    document, lines = _parse_yaml(path)
    problems: list[str] = []
    try:
        header = _CatalogHeader.model_validate(document)
    except ValidationError as exc:
        raise CatalogError([_describe(path, lines.top, None, err) for err in exc.errors()]) from None

    sources: list[DocumentationSource] = []
    for index, raw in enumerate(header.sources):
        entry_lines = lines.sources[index] if index < len(lines.sources) else _EntryLines(0, {})
        label = raw.get("name") if isinstance(raw, dict) else None
        if not isinstance(raw, dict):
            problems.append(f"{path}:{entry_lines.line}: source #{index + 1}: must be a mapping of fields")
            continue
        problems.extend(f"{path}:{ln}: source {label or f'#{index + 1}'!r}: {msg}" for ln, msg in entry_lines.duplicate_keys)
        try:
            sources.append(DocumentationSource.model_validate(raw))
        except ValidationError as exc:
            problems.extend(_describe(path, entry_lines, label or f"#{index + 1}", err) for err in exc.errors())

    for included in header.include:
        try:
            inc_path = _resolve_include(included, path, extra_dirs)
            sources.extend(_load(inc_path, extra_dirs, (*chain, resolved)).sources)
        except CatalogError as exc:
            problems.extend(f"{path}: include {included!r}: {p}" for p in exc.problems)

    seen: dict[str, DocumentationSource] = {}
    for source in sources:
        key = source.name.lower()
        if key in seen:
            problems.append(f"{path}: source {source.name!r} field 'name': duplicate source name")
        seen[key] = source
    if not sources and not problems:
        problems.append(f"{path}: field 'sources': the catalog has no sources")
    if problems:
        raise CatalogError(problems)
    return Catalog(header.name or path.stem, path, tuple(sources), header.description)


def _resolve_include(name: str, including: Path, extra_dirs: list[str] | tuple[str, ...]) -> Path:
    sibling = including.parent / f"{name}.yaml"
    return sibling if sibling.is_file() else resolve_catalog_path(name, extra_dirs)


@dataclass(frozen=True, slots=True)
class _EntryLines:
    line: int
    fields: dict[str, int]
    duplicate_keys: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _DocumentLines:
    top: _EntryLines
    sources: list[_EntryLines]


def _parse_yaml(path: Path) -> tuple[Any, _DocumentLines]:
    size = path.stat().st_size
    if size > MAX_CATALOG_BYTES:
        raise CatalogError([f"{path}: catalog is {size} bytes, more than the {MAX_CATALOG_BYTES} allowed"])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError([f"{where}: YAML syntax error: {problem}"]) from None
    if not isinstance(document, dict) or not isinstance(node, yaml.MappingNode):
        raise CatalogError([f"{path}:1: a catalog must be a mapping with a 'sources' list"])
    return document, _line_map(node)


def _mapping_lines(node: yaml.MappingNode) -> _EntryLines:
    fields: dict[str, int] = {}
    duplicates: list[tuple[int, str]] = []
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in fields:
            duplicates.append((line, f"field {key!r}: duplicate key (first at line {fields[key]})"))
        fields.setdefault(key, line)
    return _EntryLines(node.start_mark.line + 1, fields, tuple(duplicates))


def _line_map(root: yaml.MappingNode) -> _DocumentLines:
    sources: list[_EntryLines] = []
    for key_node, value_node in root.value:
        if key_node.value == "sources" and isinstance(value_node, yaml.SequenceNode):
            for item in value_node.value:
                if isinstance(item, yaml.MappingNode):
                    sources.append(_mapping_lines(item))
                else:
                    sources.append(_EntryLines(item.start_mark.line + 1, {}))
    return _DocumentLines(_mapping_lines(root), sources)


def _describe(path: Path, lines: _EntryLines, label: str | None, error: Any) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    field = loc[0] if loc else None
    line = lines.fields.get(field, lines.line) if field else lines.line
    message = error.get("msg", "invalid")
    if error.get("type") == "extra_forbidden":
        message = "unknown field"
    where = f"source {label!r} " if label else ""
    field_text = f"field {'.'.join(loc)!r}" if loc else "entry"
    return f"{path}:{line}: {where}{field_text}: {message}"
