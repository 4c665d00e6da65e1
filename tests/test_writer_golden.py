"""Golden files: the fixed rule set exported for every target, compared byte for byte.

Regenerate after a deliberate format change with ``RULES_UPDATE_GOLDEN=1 pytest
tests/test_writer_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rules_spider.clustering import cluster_rules
from rules_spider.settings import RULES_WRITERS
from rules_spider.writers.base import RenderContext, WriterRegistry
from rules_spider.writers.groups import source_groups
from tests.rule_sets import fixed_rules

GOLDEN = Path(__file__).parent / "golden"
REGISTRY = WriterRegistry(RULES_WRITERS)


def rendered_files(target: str) -> dict[str, str]:
    groups = source_groups(cluster_rules(fixed_rules()).clusters)
    files = REGISTRY.get(target).project_files(groups, RenderContext(catalog="tools"))
    return {f.path: f.rendered.text for f in files}


@pytest.mark.parametrize("target", list(RULES_WRITERS))
def test_golden_output(target):
    folder = GOLDEN / target
    files = rendered_files(target)
    if os.environ.get("RULES_UPDATE_GOLDEN"):
        for path, text in files.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(text.encode("utf-8"))
    expected = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    assert sorted(expected) == sorted(files)
    for path, text in files.items():
        assert text.encode("utf-8") == expected[path], path


def test_golden_output_is_the_same_twice():
    assert rendered_files("cursor") == rendered_files("cursor")
