"""Catalog loading and validation: every problem names file, line, source and field."""

from __future__ import annotations

import pytest

from rules_spider.catalog import CatalogError, available_catalogs, load_catalog

GOOD = """\
name: demo
sources:
  - url: https://docs.example.org/guide/
    name: Example
    technology: python
    framework: example
    priority: 4
"""

SHIPPED_TOPICAL = ["frameworks", "cloud", "ml_ai", "python", "javascript", "databases", "devtools"]


def test_good_catalog_loads(write_catalog):
    catalog = load_catalog(str(write_catalog(GOOD)))
    assert catalog.name == "demo"
    [source] = catalog.sources
    assert (source.name, source.technology, source.framework, source.priority) == ("Example", "python", "example", 4)
    assert source.render == "static" and source.sitemap is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("    priority: 4\n", "    priority: 4\n    colour: blue\n"), ":8: source 'Example' field 'colour': unknown field"),
        (GOOD.replace("https://docs.example.org/guide/", "ftp://docs.example.org/"), ":3: source 'Example' field 'url': Value error, must be an absolute http(s) URL"),
        (GOOD.replace("https://docs.example.org/guide/", "not a url"), ":3: source 'Example' field 'url'"),
        (GOOD.replace("priority: 4", "priority: 9"), ":7: source 'Example' field 'priority': Input should be less than or equal to 5"),
        (GOOD.replace("priority: 4", "priority: 0"), ":7: source 'Example' field 'priority': Input should be greater than or equal to 1"),
        (GOOD.replace("priority: 4", "priority: high"), ":7: source 'Example' field 'priority': Input should be a valid integer"),
        (GOOD.replace("technology: python", "technology: Python Lang"), ":5: source 'Example' field 'technology'"),
        (GOOD + "    render: flash\n", ":8: source 'Example' field 'render'"),
        (GOOD + "    allow: ['(unclosed']\n", ":8: source 'Example' field 'allow': Value error, bad regex"),
        (GOOD.replace("    name: Example\n", ""), ":3: source '#1' field 'name': Field required"),
        (GOOD + "    priority: 3\n", ":8: source 'Example': field 'priority': duplicate key (first at line 7)"),
        (GOOD + "extra_top: 1\n", ":8: field 'extra_top': unknown field"),
        ("name: x\nsources: []\n", "field 'sources': the catalog has no sources"),
        ("- just\n- a list\n", ":1: a catalog must be a mapping"),
    ],
)
def test_invalid_catalog_message(write_catalog, text, expected):
    path = write_catalog(text)
    with pytest.raises(CatalogError) as info:
        load_catalog(str(path))
    message = str(info.value)
    assert str(path) in message
    assert expected in message, message


def test_duplicate_source_name(write_catalog):
    text = GOOD + GOOD.split("sources:\n", 1)[1].replace("docs.example.org", "other.example.org")
    with pytest.raises(CatalogError, match="source 'Example' field 'name': duplicate source name"):
        load_catalog(str(write_catalog(text)))


def test_yaml_syntax_error_names_line_and_column(write_catalog):
    path = write_catalog(GOOD.replace("    priority: 4\n", "    priority: [4\n"))
    with pytest.raises(CatalogError) as info:
        load_catalog(str(path))
    assert f"{path}:8:1: YAML syntax error" in str(info.value)


def test_all_problems_reported_together(write_catalog):
    text = GOOD.replace("priority: 4", "priority: 7") + "  - url: nope\n    name: Second\n    technology: go\n"
    with pytest.raises(CatalogError) as info:
        load_catalog(str(write_catalog(text)))
    assert len(info.value.problems) == 2


def test_huge_catalog_refused(write_catalog):
    path = write_catalog(GOOD + "#" * (3 * 1024 * 1024) + "\n")
    with pytest.raises(CatalogError, match="more than the"):
        load_catalog(str(path))


def test_yaml_is_parsed_safely(write_catalog):
    path = write_catalog("name: !!python/object/apply:os.system ['true']\nsources: []\n")
    with pytest.raises(CatalogError, match="YAML syntax error"):
        load_catalog(str(path))


def test_unknown_catalog_name_lists_available():
    with pytest.raises(CatalogError, match="unknown catalog 'nope'; available: .*frameworks"):
        load_catalog("nope")


def test_select_sources(write_catalog):
    text = GOOD + "  - url: https://b.example.org/\n    name: Bee\n    technology: go\n"
    catalog = load_catalog(str(write_catalog(text)))
    assert [s.name for s in catalog.select(["bee"]).sources] == ["Bee"]
    with pytest.raises(CatalogError, match="no source named 'Zed'; available: Example, Bee"):
        catalog.select(["Zed"])


def test_include_and_cycles(write_catalog, tmp_path):
    write_catalog(GOOD, name="base")
    union = load_catalog(str(write_catalog("name: all\ninclude: [base]\nsources: []\n", name="all")))
    assert [s.name for s in union.sources] == ["Example"]
    write_catalog("name: a\ninclude: [b]\nsources: []\n", name="a")
    write_catalog("name: b\ninclude: [a]\nsources: []\n", name="b")
    with pytest.raises(CatalogError, match="include cycle"):
        load_catalog(str(tmp_path / "a.yaml"))


@pytest.mark.parametrize("name", SHIPPED_TOPICAL + ["comprehensive"])
def test_shipped_catalog_validates(name):
    catalog = load_catalog(name)
    assert catalog.name == name
    assert len(catalog.sources) >= 10
    for source in catalog.sources:
        assert source.url.startswith("https://"), source


def test_shipped_catalogs_cover_100_distinct_sources_once_each():
    assert set(SHIPPED_TOPICAL + ["comprehensive"]) <= set(available_catalogs())
    names: list[str] = []
    for name in SHIPPED_TOPICAL:
        names.extend(s.name for s in load_catalog(name).sources)
    assert len(names) == len(set(names)), "a source appears in two topical catalogs"
    assert len(names) >= 100
    assert sorted(s.name for s in load_catalog("comprehensive").sources) == sorted(names)
