"""Rules sorted into one scratch file per technology, so the build holds one technology's rules at a time.

The close step reads the run's part files once and appends each line to its technology's file
(``TechnologySpill.add``); the build then loads one technology's lines (``lines``), works on them
and lets them go before the next. Lines are buffered and written in blocks, so neither memory nor
the number of open files grows with the number of technologies. Lines of a technology come back in
the order they were added.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

FLUSH_BYTES = 1 << 20


class TechnologySpill:
    """Per-technology JSONL scratch files under ``directory`` (which the caller creates and removes)."""

    def __init__(self, directory: Path, flush_bytes: int = FLUSH_BYTES) -> None:
        self.directory = Path(directory)
        self.flush_bytes = flush_bytes
        self.counts: dict[str, int] = {}
        self._files: dict[str, Path] = {}
        self._pending: dict[str, list[str]] = {}
        self._pending_bytes = 0

    def add(self, technology: str, line: str) -> None:
        """Append one JSON line (with or without its newline) to ``technology``'s file."""
        if technology not in self._files:
            # Technologies are untrusted names: files are numbered, never named after them.
            self._files[technology] = self.directory / f"{len(self._files)}.jsonl"
            self.counts[technology] = 0
        self.counts[technology] += 1
        self._pending.setdefault(technology, []).append(line if line.endswith("\n") else line + "\n")
        self._pending_bytes += len(line)
        if self._pending_bytes >= self.flush_bytes:
            self.flush()

    def flush(self) -> None:
        for technology, lines in self._pending.items():
            with open(self._files[technology], "a", encoding="utf-8", newline="\n") as handle:
                handle.writelines(lines)
        self._pending.clear()
        self._pending_bytes = 0

    def technologies(self) -> list[str]:
        """Every technology added, sorted (the order the build visits them in)."""
        return sorted(self._files)

    def lines(self, technology: str) -> Iterator[str]:
        """``technology``'s lines in the order they were added (nothing for an unknown technology)."""
        self.flush()
        path = self._files.get(technology)
        if path is None or not path.is_file():
            return
        with open(path, encoding="utf-8") as handle:
            yield from handle
