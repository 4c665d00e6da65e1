"""The Writer protocol, what writers return, and the registry built from RULES_WRITERS.

A writer is a pure renderer: given clusters it returns text, never touching
the filesystem. ``render_cluster`` gives the file(s) for one cluster in the
output tree (``O/C/<tech>/<tech>_<format>_cluster_<n>/``); ``project_files``
gives the files at the paths the assistant reads in a project (used by
``scrapy export-rules``), relative to the project root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from scrapy.utils.misc import load_object

from rules_spider.clustering import RuleCluster
from rules_spider.outputs.paths import slugify, unique_slugs

ReadExisting = Callable[[str], "str | None"]


def _nothing_exists(path: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Rendered:
    """One file's text, the rules it shows in full and the rules a size limit left out."""

    text: str
    rule_ids: tuple[str, ...]
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectFile:
    """A file to write into a project; ``path`` is POSIX and relative to the project root."""

    path: str
    rendered: Rendered
    # True when ``rendered.text`` already merges our block into a file the user may edit.
    merged: bool = False


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What writers know beyond the clusters.

    ``catalog`` names the catalog (titles, marker blocks). ``read_existing``
    returns the current text of a project file (by its project-relative path)
    or None; writers that merge into user-maintained files (AGENTS.md,
    CLAUDE.md) use it to keep the user's text and to fit the size limit.
    """

    catalog: str
    read_existing: ReadExisting = field(default=_nothing_exists)


@runtime_checkable
class Writer(Protocol):
    name: str

    def render_cluster(self, cluster: RuleCluster, context: RenderContext) -> list[Rendered]: ...

    def project_files(
        self, clusters: Sequence[RuleCluster], context: RenderContext
    ) -> list[ProjectFile]: ...


def cluster_file_stems(clusters: Iterable[RuleCluster]) -> dict[tuple[str, int], str]:
    """``<technology>-<n>-<name>`` slug per cluster, unique across technologies."""
    clusters = list(clusters)
    technologies = unique_slugs(c.technology for c in clusters)
    return {
        (c.technology, c.index): f"{technologies[c.technology]}-{c.index}-{slugify(c.name, max_length=40)}"
        for c in clusters
    }


def parse_formats(value: str | Sequence[str]) -> list[str]:
    """``"cursor, windsurf"`` or a list -> ``["cursor", "windsurf"]`` (order kept, no repeats)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    formats: list[str] = []
    for item in items:
        name = str(item).strip().lower()
        if name and name not in formats:
            formats.append(name)
    return formats


class WriterRegistry:
    """Format name -> writer, loaded lazily from import paths (the RULES_WRITERS setting)."""

    def __init__(self, paths: Mapping[str, str]) -> None:
        self._paths = {str(k).lower(): str(v) for k, v in paths.items() if v}
        self._writers: dict[str, Writer] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> WriterRegistry:
        return cls(settings.getdict("RULES_WRITERS"))

    @property
    def names(self) -> list[str]:
        return list(self._paths)

    def get(self, name: str) -> Writer:
        key = name.strip().lower()
        if key not in self._paths:
            known = ", ".join(self._paths) or "none"
            raise KeyError(f"Unknown rule format {name!r}; RULES_WRITERS has: {known}")
        if key not in self._writers:
            writer = load_object(self._paths[key])()
            if not isinstance(writer, Writer):
                raise TypeError(f"{self._paths[key]} does not implement the Writer protocol")
            self._writers[key] = writer
        return self._writers[key]

    def select(self, formats: str | Sequence[str]) -> list[Writer]:
        """Writers for ``formats``; raises KeyError naming any unknown format."""
        names = parse_formats(formats)
        unknown = [n for n in names if n not in self._paths]
        if unknown:
            raise KeyError(
                f"Unknown rule format(s) {', '.join(unknown)}; RULES_WRITERS has: {', '.join(self._paths)}"
            )
        return [self.get(n) for n in names]
