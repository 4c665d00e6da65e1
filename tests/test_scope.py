from __future__ import annotations

import pytest

from rules_spider.catalog import DocumentationSource
from rules_spider.scope import SourceScope, canonical_url, is_followable_href


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Docs.Example.org:80/a/index.html#x", "http://docs.example.org/a/"),
        ("https://docs.example.org/a/b.html?highlight=foo", "https://docs.example.org/a/b.html"),
        ("https://docs.example.org/a/?b=2&a=1&utm_source=x", "https://docs.example.org/a/?a=1&b=2"),
        ("https://docs.example.org", "https://docs.example.org/"),
        ("https://docs.example.org/a/INDEX.HTM", "https://docs.example.org/a/"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_followable_href():
    assert is_followable_href("page.html")
    assert not any(map(is_followable_href, ["", "#top", "mailto:a@b", "javascript:void(0)", "tel:1"]))


def test_scope_host_prefix_allow_deny():
    source = DocumentationSource(
        url="https://docs.example.org/v2/guide/index.html", name="X", technology="python", deny=("changelog",)
    )
    scope = SourceScope.for_source(source)
    assert scope.contains("https://docs.example.org/v2/guide/a.html")
    assert not scope.contains("https://docs.example.org/v2/other/a.html")
    assert not scope.contains("https://other.example.org/v2/guide/a.html")
    assert not scope.contains("https://docs.example.org/v2/guide/changelog.html")
    allowed = SourceScope.for_source(source.model_copy(update={"allow": ("/tutorial/",)}))
    assert allowed.contains("https://docs.example.org/v2/guide/tutorial/x.html")
    assert not allowed.contains("https://docs.example.org/v2/guide/api.html")


def test_page_hrefs_match_the_anchors_an_html_parser_sees():
    from pathlib import Path

    from scrapy.http import HtmlResponse

    from rules_spider.links import page_hrefs

    sites = Path(__file__).parent / "sites"
    pages = sorted(sites.rglob("*.html"))
    assert pages
    for page in pages:
        response = HtmlResponse(url="http://127.0.0.1/x", body=page.read_bytes(), encoding="utf-8")
        assert page_hrefs(response.text) == response.xpath("//a/@href").getall(), page
    tricky = ('<a href="/a?x=1&amp;y=2">a</a><!-- <a href="/commented">c</a> --><A HREF=\'/b\'>b</A>'
              '<script>document.write("<a href=\\"/js\\">")</script><a class=x href=/c>c</a><area href="/no">')
    assert page_hrefs(tricky) == ["/a?x=1&y=2", "/b", "/c"]
