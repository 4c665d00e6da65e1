from __future__ import annotations

import os

import pytest

from rules_spider.outputs.paths import UnsafePathError, safe_join, slugify, unique_slugs

SAFE = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Python", "python"),
        ("../../etc/passwd", "etc-passwd"),
        ("/etc/passwd", "etc-passwd"),
        ("C:\\Windows\\System32", "c-windows-system32"),
        ("bad\x00name", "bad-name"),
        ("CON", "con_"),
        ("nul", "nul_"),
        ("COM1", "com1_"),
        ("lpt9", "lpt9_"),
        ("Café Crème", "cafe-creme"),
        ("React / Next.js", "react-next-js"),
        ("", "unnamed"),
    ],
)
def test_slugify(name, expected):
    assert slugify(name) == expected


def test_slugify_edge_cases_stay_safe_and_distinct():
    dots, slashes = slugify("..."), slugify("///")
    assert dots.startswith("unnamed-") and slashes.startswith("unnamed-") and dots != slashes
    long_a, long_b = slugify("a" * 300 + "x"), slugify("a" * 300 + "y")
    assert len(long_a) <= 64 and len(long_b) <= 64 and long_a != long_b
    for name in ["..", ".", "~", "$HOME", "a\nb", "名前", "\u202eevil", "x" * 5000]:
        slug = slugify(name)
        assert slug and set(slug) <= SAFE and slug not in {".", ".."} and len(slug) <= 64


def test_unique_slugs_resolve_collisions_whatever_the_order():
    first = unique_slugs(["C++", "c", "python"])
    second = unique_slugs(["python", "c", "C++"])
    assert first == second
    assert first["python"] == "python"
    assert first["C++"] != first["c"]


def test_safe_join_accepts_paths_inside(tmp_path):
    assert safe_join(tmp_path, "a", "b.md") == (tmp_path / "a" / "b.md").resolve()
    assert safe_join(tmp_path, "a/../b") == (tmp_path / "b").resolve()


@pytest.mark.parametrize("parts", [("..",), ("../x",), ("a", "..", ".."), ("/etc/passwd",), ("a\x00b",), ("",)])
def test_safe_join_refuses_escapes(tmp_path, parts):
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path / "root", *parts)


def test_safe_join_refuses_symlink_out(tmp_path):
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    os.symlink(outside, root / "link")
    with pytest.raises(UnsafePathError):
        safe_join(root, "link", "file.md")
