"""Grounding: evidence quoted verbatim from the page, examples from its code."""

from __future__ import annotations

from rules_spider.analysis.grounding import evidence_in_text, is_grounded, is_grounded_in_page
from rules_spider.generation.extractive import ExtractiveGenerator
from rules_spider.items import Block, DocPage, Rule, Section

PAGE_TEXT = "Clients\n\nYou should always close clients with\n   Client.close() when you are done.\n\nclient.close()"


def _rule(evidence: str, example: str | None = None) -> Rule:
    return Rule(id="r", title="T", body="Close clients.", technology="python", framework=None, source_name="S",
                url="https://d/", evidence=evidence, example=example)


def test_verbatim_evidence_is_grounded_modulo_whitespace() -> None:
    assert is_grounded(_rule("You should always close clients with Client.close() when you are done."), PAGE_TEXT)


def test_fabricated_or_reworded_evidence_is_not_grounded() -> None:
    assert not is_grounded(_rule("Always close clients with Client.close() when finished."), PAGE_TEXT)
    assert not is_grounded(_rule("Follow documented best practices for clients."), PAGE_TEXT)


def test_too_short_evidence_is_not_grounded() -> None:
    assert not evidence_in_text("close clients with", PAGE_TEXT)
    assert evidence_in_text("close clients with Client.close()", PAGE_TEXT)


def test_example_must_come_from_the_page_code() -> None:
    evidence = "You should always close clients with Client.close() when you are done."
    assert is_grounded(_rule(evidence, example="client.close()"), PAGE_TEXT, code_blocks=["client.close()"])
    assert not is_grounded(_rule(evidence, example="client.shutdown()"), PAGE_TEXT, code_blocks=["client.close()"])
    assert not is_grounded(_rule(evidence, example="client.shutdown()"), PAGE_TEXT)


def test_generator_drops_directives_missing_from_page_text() -> None:
    """A sentence in the sections but not in page.text (what every rule quotes) gives no rule."""
    blocks = [
        Block("paragraph", "You should always close clients with Client.close() when you are done."),
        Block("paragraph", "Never pass timeout=None to Client.get() in production."),
    ]
    page = DocPage(url="https://d/", source_name="S", technology="python",
                   sections=[Section("Clients", 1, ["Clients"], blocks)], text="Clients\n\n" + blocks[0].text)
    rules = ExtractiveGenerator().generate(page)
    assert [r.evidence for r in rules] == [blocks[0].text]
    assert all(is_grounded_in_page(rule, page) for rule in rules)
