"""The extractive generator: rules drawn from what the page says, and nothing else."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from rules_spider.analysis.grounding import is_grounded
from rules_spider.generation.base import RuleGenerator
from rules_spider.generation.extractive import ExtractiveGenerator
from rules_spider.ids import normalise_text, rule_id
from rules_spider.items import RULE_CATEGORIES, Block, DocPage, Section

SITES = Path(__file__).parent / "sites"
PLANTED = SITES / "planted.json"
URL = "https://docs.pyrite.dev/guide/clients/"


class Stats(Counter):
    """The part of Scrapy's stats collector generators use."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count


def make_page(*sections: tuple[str, list[Block]], url: str = URL, framework: str | None = None) -> DocPage:
    built = [Section(heading, 2, ["Clients", heading], blocks) for heading, blocks in sections]
    parts = ["Clients"]
    for heading, blocks in sections:
        parts += [heading, *(b.text for b in blocks)]
    return DocPage(url=url, source_name="Pyrite", technology="python", framework=framework, source_priority=4,
                   title="Clients", sections=built, text="\n".join(parts))


def para(text: str) -> Block:
    return Block("paragraph", text)


def code(text: str, language: str | None = "python") -> Block:
    return Block("code", text, language)


def generate(page: DocPage, **kwargs: object) -> list:
    return ExtractiveGenerator(**kwargs).generate(page)  # type: ignore[arg-type]


def only_rule(page: DocPage):
    rules = generate(page)
    assert len(rules) == 1, [r.body for r in rules]
    return rules[0]


def test_is_a_rule_generator() -> None:
    generator = ExtractiveGenerator()
    assert isinstance(generator, RuleGenerator)
    assert (generator.name, generator.model) == ("extractive", None)
    generator.close()
    with pytest.raises(ValueError, match="max_rules_per_page"):
        ExtractiveGenerator(max_rules_per_page=0)


def test_rule_fields_come_from_the_page() -> None:
    page = make_page(
        ("Closing", [
            para("Pyrite clients hold a connection pool."),
            para("You should always close clients with Client.close() when you are done."),
            code("client = pyrite.Client()\nclient.get('/')"),
            code("client.close()"),
        ]),
        framework="pyrite",
    )
    rule = only_rule(page)
    evidence = "You should always close clients with Client.close() when you are done."
    assert rule.evidence == evidence
    assert rule.id == rule_id(URL, evidence)
    assert rule.title == "Close clients with `Client.close()`"
    assert rule.body == "Always close clients with `Client.close()` when you are done."
    assert rule.example == "client.close()"  # the block naming the subject, not the nearest one
    assert rule.example_language == "python"
    assert rule.category == "api_usage"
    assert rule.section == ["Clients", "Closing"]
    assert rule.keywords[0] == "Client.close"
    assert (rule.url, rule.urls, rule.source_name, rule.technology, rule.framework, rule.source_priority) == (
        URL, [URL], "Pyrite", "python", "pyrite", 4
    )
    assert rule.generator == "extractive"
    assert rule.heuristic_score is not None and rule.heuristic_score > 0.8
    assert is_grounded(rule, page.text)


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        ("You must pass a timeout to Client.get() in production.", "Pass a timeout to `Client.get()` in production."),
        ("You must not call Client.close() twice.", "Do not call `Client.close()` twice."),
        ("You should not share Client objects across threads.", "Do not share Client objects across threads."),  # no code names Client here
        ("You should never pass timeout=None to Client.get().", "Never pass `timeout=None` to `Client.get()`."),
        ("Never call Client.close() from an event hook.", "Never call `Client.close()` from an event hook."),
        ("Avoid the module-level pyrite.get() helper in services.", "Avoid the module-level `pyrite.get()` helper in services."),
        ("Do not log Request.headers at INFO level.", "Do not log `Request.headers` at INFO level."),
        ("Prefer Response.json() over json.loads(response.text).", "Prefer `Response.json()` over `json.loads(response.text)`."),
        ("We recommend using pyrite.Retry for idempotent requests.", "Use `pyrite.Retry` for idempotent requests."),
        ("Setting max_connections explicitly is recommended for servers.", "Setting `max_connections` explicitly is recommended for servers."),
        ("Python 3.9 or newer is required to run Pyrite.", "Python 3.9 or newer is required to run Pyrite."),
        ("Sharing one Session across processes is discouraged.", "Sharing one Session across processes is discouraged."),
        ("Make sure you call Response.raise_for_status() first.", "Make sure you call `Response.raise_for_status()` first."),
        ("Be sure to await AsyncClient.aclose() at shutdown.", "Be sure to await `AsyncClient.aclose()` at shutdown."),
        ("Ensure that PYRITE_CA_BUNDLE points to a readable file.", "Ensure that `PYRITE_CA_BUNDLE` points to a readable file."),
        ("It is recommended to set trust_env = false in containers.", "Set `trust_env` = false in containers."),
    ],
)
def test_each_cue_becomes_a_rule_keeping_negation(sentence: str, body: str) -> None:
    rule = only_rule(make_page(("Usage", [para(sentence)])))
    assert rule.evidence == sentence
    assert rule.body == body


@pytest.mark.parametrize(
    ("sentence", "body", "category"),
    [
        ("Instead of store.on(\"change\", fn), use store.subscribe(fn).", "Use `store.subscribe(fn)` instead of `store.on(\"change\", fn)`.", "anti_pattern"),
        ("Client.fetch() is deprecated since 2.0; use Client.get() instead.", "Use `Client.get()` instead of `Client.fetch()` (deprecated since 2.0).", "deprecation"),
        ("Do not create a new Client for every request; reuse one client.", "Do not create a new `Client` for every request; reuse one client.", "anti_pattern"),
        ("Never disable certificate verification in production.", "Never disable certificate verification in production.", "security"),
        ("Use pyrite.testing.MockTransport instead of patching Client.get in tests.", "Use `pyrite.testing.MockTransport` instead of patching `Client.get` in tests.", "testing"),
        ("Stream large downloads with Client.stream() to keep memory flat.", "Stream large downloads with `Client.stream()` to keep memory flat.", "performance"),
        ("Set max_keepalive in the [tool.pyrite] table of pyproject.toml.", "Set `max_keepalive` in the `[tool.pyrite]` table of `pyproject.toml`.", "configuration"),
    ],
)
def test_anti_patterns_deprecations_and_categories(sentence: str, body: str, category: str) -> None:
    rule = only_rule(make_page(("Usage", [para(sentence)], ), ("Client", [code("import pyrite\nclient = pyrite.Client()")])))
    assert (rule.body, rule.category) == (body, category)


def test_alert_admonitions_become_rules() -> None:
    page = make_page(
        ("Threads", [Block("admonition", "Warning\nClient objects are not thread-safe. Create one client per thread.", admonition="warning")]),
        ("Client.fetch(url)", [Block("admonition", "Deprecated since version 2.0: Use Client.get() instead.", admonition="deprecated")]),
        ("Notes", [Block("admonition", "Note\nThe pool is created lazily on first use.", admonition="note")]),
        ("Setup", [code("from pyrite import Client\nclient = Client()")]),
    )
    warning, deprecated = generate(page)
    assert warning.evidence == "Client objects are not thread-safe. Create one client per thread."
    assert warning.title == "`Client` objects are not thread-safe"
    assert deprecated.evidence == "Deprecated since version 2.0: Use Client.get() instead."
    assert deprecated.body == "Use `Client.get()` instead of `Client.fetch(url)` (deprecated since version 2.0)."
    assert deprecated.category == "deprecation"


def test_described_code_gives_an_api_usage_rule() -> None:
    page = make_page(
        ("Creating a client", [
            para("Pyrite talks HTTP. To create a client for one API, pass its base URL:"),
            code('import pyrite\n\nclient = pyrite.Client(base_url="https://api.example.com", timeout=5)'),
        ]),
        ("Serving", [para("Start the development server to preview the docs locally:"), code("$ pyrite serve --port 8000", "console")]),
        ("Undescribed", [para("Here it is:"), code("pyrite.Client()")]),
    )
    client, serve = generate(page)
    assert client.evidence == "To create a client for one API, pass its base URL:"
    assert client.body == "Use `pyrite.Client(base_url=..., timeout=...)` to create a client for one API."
    assert client.example is not None and "pyrite.Client(" in client.example
    assert client.category == "api_usage"
    assert serve.body == "Run `pyrite serve --port 8000` to preview the docs locally."
    assert serve.example_language == "shell"


CHROME = [
    "Skip to content",
    "Always up to date: the friendly HTTP client for Python.",
    "Never miss a release: subscribe to the Pyrite newsletter.",
    "You should follow us on Mastodon",
    "You must accept cookies to use the search.",
    "You must enable JavaScript to use the quick search.",
    "Always free, always open source.",
    "Pyrite 3.0 is out: you should upgrade today.",
    "You'll never have to worry about HTTP again.",
    "Always follow best practices.",
    "You must not remove this script",
    "Should I use Pyrite or requests?",
    "Never.",
    "Copyright 2024, you must not copy this page.",
    "Was this page helpful? You should tell us.",
    "You should try the new devtools today.",
    "Always bring a laptop to the workshop.",
]


@pytest.mark.parametrize("sentence", CHROME)
def test_navigation_footer_and_marketing_yield_no_rules(sentence: str) -> None:
    stats = Stats()
    assert ExtractiveGenerator(stats=stats).generate(make_page(("Home", [para(sentence)]))) == []


def test_rejections_are_counted() -> None:
    stats = Stats()
    page = make_page(("Home", [Block("list", "\n".join(CHROME[:4]), items=CHROME[:4])]))
    assert ExtractiveGenerator(stats=stats).generate(page) == []
    assert stats["rules/extractive/skipped/marketing"] == 3


def test_ids_are_stable_across_wording_and_layout() -> None:
    sentence = "You should always close clients with Client.close() when you are done."
    first = only_rule(make_page(("Closing", [para(sentence)])))
    relaid = make_page(("Lifecycle", [para("Clients keep sockets open."), para(sentence)]), ("Other", [para("Nothing here.")]))
    second = only_rule(replace(relaid, text=relaid.text.replace(" ", "  ")))
    assert first.id == second.id == rule_id(URL, sentence)
    reworded = replace(first, body="Call Client.close() once you no longer need the client.")
    assert rule_id(reworded.url, reworded.evidence) == first.id
    other_page = only_rule(make_page(("Closing", [para(sentence)]), url=URL + "more/"))
    assert other_page.id != first.id


def test_generation_is_deterministic() -> None:
    page = make_page(
        ("A", [para("You must not call Client.close() twice. Prefer Client.stream() for large bodies."), code("client.close()")]),
        ("B", [Block("admonition", "Danger\nNever disable TLS verification.", admonition="danger")]),
    )
    assert generate(copy.deepcopy(page)) == generate(copy.deepcopy(page))
    assert generate(page) == ExtractiveGenerator().generate(page)


def test_cap_keeps_the_strongest_in_document_order() -> None:
    weak = [f"Prefer option_{i} for tuning." for i in range(20)]
    strong = [f"You must set limit_{i} explicitly in production." for i in range(5)]
    page = make_page(("Tuning", [para(" ".join(weak[:10] + strong + weak[10:]))]))
    stats = Stats()
    rules = ExtractiveGenerator(max_rules_per_page=5, stats=stats).generate(page)
    assert [r.evidence for r in rules] == strong
    assert stats["rules/extractive/skipped/over_page_cap"] == 20
    assert len(generate(page)) == 25  # the default cap


def test_empty_page_yields_nothing() -> None:
    assert generate(DocPage(url=URL, source_name="Pyrite", technology="python")) == []


def test_every_category_is_a_known_one() -> None:
    page = make_page(("A", [para("Never log API keys. Use MockTransport in tests. You should cache responses. Set max_connections to 20.")]))
    assert {r.category for r in generate(page)} <= set(RULE_CATEGORIES)


# -- fixture sites ------------------------------------------------------------------------------

def _fixture_pages() -> list[tuple[str, DocPage]]:
    from rules_spider.extraction import extract_page

    pages = []
    for path in sorted(SITES.rglob("*.html")):
        relative = path.relative_to(SITES).as_posix()
        url = f"http://127.0.0.1:8000/{relative}"
        extracted = extract_page(path.read_bytes(), url)
        technology = "javascript" if relative.startswith("mkdocs") else "python"
        page = DocPage(url=url, source_name=relative.split("/")[0], technology=technology, title=extracted.title,
                       sections=list(extracted.sections), text=extracted.text)
        pages.append((relative, page))
    return pages


def _names_subject(body: str, subject: str, sentence: str) -> bool:
    """Whether ``body`` names ``subject``, when the planted sentence itself does."""
    plain = body.replace("`", "").lower()
    full = subject.lower()
    forms = {full, full.rstrip("()"), re.split(r"[.(]", full.rstrip("()"))[-1] or full}
    if not any(form in sentence.lower() for form in forms):
        return True  # the sentence never names it ("Do not mix 2.x and 3.x packages" -> @flowkit/core)
    return any(form in plain for form in forms if len(form) > 2)


def test_planted_directives_are_captured_and_decoys_are_not() -> None:
    planted = json.loads(PLANTED.read_text(encoding="utf-8"))
    decoys = [d for d in planted.pop("boilerplate", []) if len(d.split()) >= 3]
    generator = ExtractiveGenerator()
    pages = dict(_fixture_pages())
    missed, unnamed, expected = [], [], 0
    all_rules = []
    for relative, page in pages.items():
        rules = generator.generate(page)
        all_rules += rules
        for rule in rules:
            assert is_grounded(rule, page.text), rule  # what the generation pipeline checks
        for item in planted.get(relative, []):
            sentence = normalise_text(item["sentence"])
            if item.get("requires_js") and sentence not in normalise_text(page.text):
                continue  # only a browser sees this one
            expected += 1
            matching = [r for r in rules if sentence in normalise_text(r.evidence)]
            if not matching:
                missed.append((relative, item["sentence"]))
            elif not any(_names_subject(r.body, item["subject"], item["sentence"]) for r in matching):
                unnamed.append((item["subject"], [r.body for r in matching]))
    assert expected >= 60
    assert not missed, missed
    assert not unnamed, unnamed
    for rule in all_rules:
        for decoy in decoys:
            assert decoy.lower() not in rule.evidence.lower() and decoy.lower() not in rule.body.lower(), (decoy, rule)
