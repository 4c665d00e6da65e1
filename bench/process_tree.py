"""Resident memory of a process and every process below it, from /proc (Linux)."""

from __future__ import annotations

from pathlib import Path


def process_tree_rss_kib(root: int) -> tuple[int, int, list[tuple[str, int]]]:
    """Summed VmRSS of ``root`` and all its descendants (worker processes included), the largest
    VmHWM (peak) of one of them, and each process's (role, VmRSS), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, largest, todo, processes = 0, 0, [root], []
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            spawned = b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
                total += rss
                processes.append(("worker" if spawned else "main", rss))
            elif line.startswith("VmHWM:"):
                largest = max(largest, int(line.split()[1]))
    return total, largest, processes
