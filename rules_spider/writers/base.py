"""The Writer protocol, what writers return, and the registry built from RULES_WRITERS.

A writer is a pure renderer: given rule groups (``writers.groups``) it returns
text, never touching the filesystem. ``render_group`` gives the file(s) for one
group in the output tree (``O/C/<tech>/<tech>_<format>_cluster_<n>/``, named
with the extension the assistant needs: ``tree_suffix``); ``project_files``
gives the files at the paths the assistant reads in a project (used by
``scrapy export-rules``), relative to the project root. Every file stays
within the target's budget (``writers.budget``); what a budget left out is
returned with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rules_spider.writers.budget import Budget, LeftOut, default_budgets
from rules_spider.writers.groups import RuleGroup

if TYPE_CHECKING:
    from rules_spider.writers.documents import RuleBlocks

ReadExisting = Callable[[str], "str | None"]


def _nothing_exists(path: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Rendered:
    """One file's text, the rules it shows and the rules its budget left out (with why)."""

    text: str
    rule_ids: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = ()


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
    ``blocks`` caches each rule's markdown for every writer of one build pass
    (the output tree renders a technology's rules in each format); None: each
    render keeps its own.
    """

    catalog: str
    read_existing: ReadExisting = field(default=_nothing_exists)
    budgets: Mapping[str, Budget] = field(default_factory=default_budgets)
    pinned: frozenset[str] = frozenset()
    blocks: RuleBlocks | None = None

    def budget_for(self, target: str) -> Budget:
        return self.budgets.get(target) or self.budgets["default"]


@runtime_checkable
class Writer(Protocol):
    name: str
    assistant: str
    tree_suffix: str

    def render_group(self, group: RuleGroup, context: RenderContext) -> list[Rendered]: ...

    def project_files(self, groups: Sequence[RuleGroup], context: RenderContext) -> list[ProjectFile]: ...


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
            # Imported here: the close step's worker processes render with writers but need no Scrapy.
            from scrapy.utils.misc import load_object

            writer = load_object(self._paths[key])()
            if not isinstance(writer, Writer):
                raise TypeError(f"{self._paths[key]} does not implement the Writer protocol")
            self._writers[key] = writer
        return self._writers[key]

    def select(self, formats: str | Sequence[str]) -> list[Writer]:
        """Writers for ``formats`` (``all`` is every registered one); KeyError names any unknown."""
        names = parse_formats(formats)
        if "all" in names:
            names = self.names
        unknown = [n for n in names if n not in self._paths]
        if unknown:
            raise KeyError(
                f"Unknown rule format(s) {', '.join(unknown)}; RULES_WRITERS has: {', '.join(self._paths)}"
            )
        return [self.get(n) for n in names]
