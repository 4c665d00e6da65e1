"""TF-IDF keywords per page (fitted over its sections) and per batch (fitted over pages)."""

from __future__ import annotations

from rules_spider.analysis.keywords import page_document, page_keywords, top_keywords
from rules_spider.items import Block, DocPage, Section


def _page(url: str, *sections: tuple[str, str]) -> DocPage:
    built = [Section(h, 2, [h], [Block("paragraph", t)]) for h, t in sections]
    return DocPage(url=url, source_name="S", technology="python", sections=built, text="\n".join(t for _, t in sections))


def test_page_keywords_favour_what_sections_are_about() -> None:
    page = _page(
        "https://d/p",
        ("Timeouts", "Pyrite clients take a timeout. Set the timeout per request; the timeout applies to connect and read."),
        ("Retries", "Pyrite clients retry idempotent requests. Configure retries with a backoff factor for retries."),
        ("Pooling", "Pyrite clients pool connections. The pool size limits open connections."),
    )
    keywords, per_section = page_keywords(page, top_n=5)
    assert [terms[0] for terms in per_section.values()] == ["timeout", "retries", "connections"]
    # words every section shares ("pyrite", "clients") rank below each section's own topic
    assert all("pyrite" not in terms[:2] for terms in per_section.values())
    assert len(keywords) <= 5 and all(isinstance(k, str) for k in keywords)


def test_batch_keywords_fit_idf_over_pages() -> None:
    pages = [
        _page("https://d/a", ("A", "Flowkit stores hold state. Stores dispatch actions.")),
        _page("https://d/b", ("B", "Flowkit effects run side effects. Effects return cleanup functions.")),
    ]
    first, second = top_keywords([page_document(page) for page in pages], top_n=3)
    assert "stores" in first and "effects" in second
    assert "flowkit" not in first[:1] and "flowkit" not in second[:1]


def test_empty_and_stop_word_only_documents() -> None:
    assert top_keywords(["", "  "]) == [[], []]
    assert top_keywords(["the and of it"]) == [[]]
    assert page_keywords(_page("https://d/e")) == ([], {})


def test_keywords_are_deterministic() -> None:
    page = _page("https://d/p", ("X", "alpha beta gamma delta alpha beta"), ("Y", "gamma delta epsilon"))
    assert page_keywords(page) == page_keywords(page)
