"""Shared fixtures: fixture docs sites on 127.0.0.1 and real crawls through a Crawler."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs_server import DocsServer

SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="session")
def docs_server():
    """Serves tests/sites/ (Sphinx-like, MkDocs-like, robots.txt) on 127.0.0.1, port 0."""
    with DocsServer(SITES) as server:
        yield server


@pytest.fixture
def write_catalog(tmp_path: Path):
    """Write a catalog YAML (text) to tmp_path and return its path."""

    def write(text: str, name: str = "fixture") -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write
