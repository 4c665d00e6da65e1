"""Memory of a process and every process below it, from /proc (Linux)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class TreeMemory(NamedTuple):
    """One sample of a process tree.

    ``rss_kib`` sums each process's VmRSS, so pages the processes share (the Python binary, the
    libraries every worker maps, copy-on-write pages of a fork) count once per process; ``pss_kib``
    sums Pss from smaps_rollup, which splits each shared page among the processes mapping it: what
    the tree takes from the machine. ``largest_hwm_kib`` is the largest VmHWM (peak) of one process.
    """

    rss_kib: int
    pss_kib: int
    largest_hwm_kib: int
    processes: list[tuple[str, int]]  # (role, VmRSS KiB) of each process


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def _field_kib(text: str, name: str) -> int | None:
    for line in text.splitlines():
        if line.startswith(name):
            return int(line.split()[1])
    return None


def process_tree_memory(root: int) -> TreeMemory:
    """``root`` and all its descendants (worker processes included)."""
    children = _children()
    rss_total = pss_total = largest = 0
    todo, processes = [root], []
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            spawned = b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        rss = _field_kib(status, "VmRSS:") or 0
        rss_total += rss
        pss_total += _field_kib(rollup, "Pss:") or 0
        largest = max(largest, _field_kib(status, "VmHWM:") or 0)
        processes.append(("worker" if spawned else "main", rss))
    return TreeMemory(rss_total, pss_total, largest, processes)
