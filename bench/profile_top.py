"""Top functions by own (self) time from a py-spy speedscope profile.

``python bench/profile_top.py bench/results/profile.speedscope.json [--top 15]``

py-spy samples whole stacks; a sample's last frame is where the time was spent
(own time), every distinct frame on it is charged inclusive (total) time.
Idle threads are not in the file (py-spy leaves them out without ``--idle``),
but thread-pool workers parked in a Python-level wait still show up as busy:
samples whose leaf is one of ``IDLE_LEAVES`` are left out of the percentages.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

# Where a parked worker thread sits; py-spy cannot always tell it is idle.
IDLE_LEAVES = frozenset(
    {"Condition.wait", "Event.wait", "Queue.get", "SimpleQueue.get", "_worker", "select", "EpollSelector.select",
     "_PollLikeSelector.select", "_ConnectionBase._recv_bytes", "Connection._recv", "wait"}
)


def _short(path: str) -> str:
    for marker in ("/site-packages/", "/work/main/", "/lib/python3."):
        if marker in path:
            tail = path.split(marker, 1)[1]
            return tail if marker != "/lib/python3." else "stdlib:" + tail.split("/", 1)[-1]
    return path


def top_functions(profile_path: Path, top: int = 15) -> str:
    data = json.loads(profile_path.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]
    own: Counter[int] = Counter()
    total: Counter[int] = Counter()
    weight_sum = 0.0
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            if not stack or frames[stack[-1]]["name"] in IDLE_LEAVES:
                continue
            weight_sum += weight
            own[stack[-1]] += weight
            for index in set(stack):
                total[index] += weight
    if not weight_sum:
        return "no samples\n"
    # Group by function (name + file): a function's lines are separate frames in py-spy's output.
    own_fn: Counter[tuple[str, str]] = Counter()
    total_fn: Counter[tuple[str, str]] = Counter()
    for index, weight in own.items():
        own_fn[(frames[index]["name"], _short(frames[index].get("file", "?")))] += weight
    for index, weight in total.items():
        total_fn[(frames[index]["name"], _short(frames[index].get("file", "?")))] += weight
    lines = [f"{'own %':>6} {'total %':>7}  function (file)", f"{'-' * 6} {'-' * 7}  {'-' * 60}"]
    for (name, file), weight in own_fn.most_common(top):
        lines.append(f"{100 * weight / weight_sum:6.1f} {100 * total_fn[(name, file)] / weight_sum:7.1f}  {name} ({file})")
    lines.append(f"\n{weight_sum:.1f} s of busy samples over {len(data['profiles'])} thread(s); idle waits left out")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    print(top_functions(args.profile, args.top), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
