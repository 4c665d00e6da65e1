"""Directive cues, strength and polarity, anti-patterns, admonitions, rewriting and categories."""

from __future__ import annotations

import re

import pytest

from rules_spider.analysis.antipatterns import find_anti_pattern
from rules_spider.analysis.categories import categorize
from rules_spider.analysis.cues import classify
from rules_spider.analysis.directives import find_directives
from rules_spider.analysis.rewrite import imperative_body, make_title, mark_code
from rules_spider.items import Block, DocPage, Section


def page_of(*blocks: Block, heading: str = "Usage") -> DocPage:
    section = Section(heading, 2, ["Guide", heading], list(blocks))
    text = "\n\n".join([heading, *(b.text for b in blocks)])
    return DocPage(url="https://docs.example.org/guide/", source_name="Example", technology="python", sections=[section], text=text)


@pytest.mark.parametrize(
    ("sentence", "strength", "polarity"),
    [
        ("You must pass a timeout to every request.", "must", "do"),
        ("You must not call close() twice.", "must", "dont"),
        ("You mustn't share sessions between threads.", "must", "dont"),
        ("You should pin dependencies in requirements.txt.", "should", "do"),
        ("You should not reuse a closed client.", "should", "dont"),
        ("You shouldn't block the event loop.", "should", "dont"),
        ("Always close the response body.", "must", "do"),
        ("You should always close the response body.", "should", "do"),
        ("Never store passwords in plain text.", "must", "dont"),
        ("You should never store passwords in plain text.", "should", "dont"),
        ("Avoid global mutable state in handlers.", "should", "dont"),
        ("Prefer pathlib.Path over os.path for new code.", "prefer", "do"),
        ("Do not run the server as root.", "must", "dont"),
        ("Don't commit the .env file.", "must", "dont"),
        ("Using a virtual environment is recommended for every project.", "should", "do"),
        ("We recommend using a virtual environment.", "should", "do"),
        ("Running without TLS is not recommended.", "should", "dont"),
        ("Python 3.10 or newer is required.", "must", "do"),
        ("The old loader is deprecated since 2.0.", "should", "dont"),
        ("Sharing one cursor across threads is discouraged.", "should", "dont"),
        ("Make sure the port is free before starting.", "must", "do"),
        ("Be sure to call flush() at shutdown.", "must", "do"),
        ("Ensure DEBUG is off in production.", "must", "do"),
        ("Don't forget to await the coroutine.", "must", "do"),
        ("In production, do not enable DEBUG.", "must", "dont"),
        ("Call Response.raise_for_status() before reading the body.", "should", "do"),
    ],
)
def test_cue_strength_and_polarity(sentence: str, strength: str, polarity: str) -> None:
    found = classify(sentence, has_subject=True)
    assert found is not None, sentence
    assert (found.strength, found.polarity) == (strength, polarity)


@pytest.mark.parametrize(
    "sentence",
    [
        "The function always returns a list.",
        "If you do not pass a timeout, the client waits.",
        "You should see the output below.",
        "You don't need to install anything else.",
        "If you prefer, you can use yarn.",
        "This ensures that the pool is reused.",
        "It should work now.",
        "The argument is not required for GET requests.",
        "Create a new file:",
        "You'll never have to worry about retries again.",
    ],
)
def test_look_alikes_are_not_directives(sentence: str) -> None:
    assert classify(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "kind", "avoid", "prefer"),
    [
        ("Instead of opening a connection per request, use a pool.", "instead", "opening a connection per request", "a pool"),
        ('Instead of store.on("change", fn), use store.subscribe(fn).', "instead", 'store.on("change", fn)', "store.subscribe(fn)"),
        ("Use AsyncClient instead of threads.", "instead", "threads", "AsyncClient"),
        ("Prefer pathlib over os.path.", "instead", "os.path", "pathlib"),
        ("Do not use pickle for untrusted data; use json instead.", "instead", "pickle for untrusted data", "json"),
        ("The fetch() method is deprecated since 2.0; use get() instead.", "deprecated", "The fetch() method", "get()"),
        ("fetch() is deprecated in favour of get().", "deprecated", "fetch()", "get()"),
        ("Client.fetch() has been replaced by Client.get().", "deprecated", "Client.fetch()", "Client.get()"),
        ("Avoid global state, because it breaks tests.", "avoid", "global state", None),
        ("Never commit secrets to git.", "avoid", "commit secrets to git", None),
    ],
)
def test_anti_patterns(sentence: str, kind: str, avoid: str, prefer: str | None) -> None:
    found = find_anti_pattern(sentence)
    assert found is not None
    assert (found.kind, found.avoid, found.prefer) == (kind, avoid, prefer)


def test_deprecation_keeps_its_version() -> None:
    found = find_anti_pattern("store.replace() is deprecated since 3.0 and will be removed in 4.0; use store.reset() instead.")
    assert found is not None and found.kind == "deprecated"
    assert found.avoid == "store.replace()" and found.prefer == "store.reset()"


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        ("You should always call Client.close() when done.", "Always call Client.close() when done."),
        ("You should not share clients across threads.", "Do not share clients across threads."),
        ("You must not call close() twice.", "Do not call close() twice."),
        ("You should never log tokens.", "Never log tokens."),
        ("We recommend using a virtual environment.", "Use a virtual environment."),
        ("We recommend against calling get() in a loop.", "Avoid calling get() in a loop."),
        ("It is recommended to pin versions in requirements.txt.", "Pin versions in requirements.txt."),
        ("In production, you must set DEBUG=False.", "In production, set DEBUG=False."),
        ("Note: do not edit generated files.", "Do not edit generated files."),
        ("Instead of polling, use webhooks.", "Use webhooks instead of polling."),
        ("fetch() is deprecated since 2.0; use get() instead.", "Use get() instead of fetch() (deprecated since 2.0)."),
        ("To configure retries, pass max_retries to the client:", "To configure retries, pass max_retries to the client."),
    ],
)
def test_imperative_body(sentence: str, body: str) -> None:
    assert imperative_body(sentence, find_anti_pattern(sentence)) == body


NEGATION = re.compile(r"\b(?:not|never|avoid|against)\b|n't\b", re.I)


@pytest.mark.parametrize(
    "sentence",
    [
        "You should not share clients across threads.",
        "You must never disable verification.",
        "You shouldn't log secrets, and you must not print them.",
        "Never pass timeout=None; you should not rely on defaults.",
        "We recommend against calling get() in a loop.",
        "It is not recommended to disable TLS.",
    ],
)
def test_rewriting_keeps_every_negation(sentence: str) -> None:
    assert len(NEGATION.findall(imperative_body(sentence))) == len(NEGATION.findall(sentence))


def test_title_is_short_and_names_the_subject() -> None:
    assert make_title("Always close clients with Client.close() when you are done.", "Client.close()") == (
        "Close clients with Client.close()"
    )
    long = "Do not share one session object between worker processes after forking the parent process in any of the supported servers."
    assert make_title(long) == "Do not share one session object between worker processes after forking"
    assert make_title("An AsyncClient must only be used from the event loop that created it.") == (
        "An AsyncClient must only be used from the event loop that created it"
    )
    assert make_title("Never do that in production, because it leaks.", "leak_check") == "Never do that in production (leak_check)"
    assert make_title("If you use threads, create one client per thread.") == "If you use threads, create one client per thread"
    assert make_title("Use store.reset() instead of store.replace() (deprecated since 3.0).") == "Use store.reset() instead of store.replace()"
    assert make_title("Set opts=[(a, b)] only when you measured it.") == "Set opts=[(a, b)]"
    assert make_title("A Client is thread-safe, but an AsyncClient must only be used from its loop.") == (
        "An AsyncClient must only be used from its loop"
    )
    assert make_title("Keep state serialisable: avoid storing functions in it.") == "Keep state serialisable"


def test_mark_code_wraps_identifiers_once() -> None:
    assert mark_code("Call Client.close() or `Client.close()`.", ["Client.close()"]) == "Call `Client.close()` or `Client.close()`."


def test_directives_from_page_blocks() -> None:
    page = page_of(
        Block("paragraph", "Pyrite is an HTTP client. You should always close clients with Client.close()."),
        Block("list", "Never pass timeout=None.\nThe default is fine.", items=["Never pass timeout=None.", "The default is fine."]),
        Block("code", "client.close()", "python"),
    )
    found = find_directives(page)
    assert [d.sentence for d in found] == [
        "You should always close clients with Client.close().",
        "Never pass timeout=None.",
    ]
    assert found[0].subject == "Client.close()" and found[0].strength == "should" and found[0].polarity == "do"
    assert found[1].subject == "timeout=None" and found[1].polarity == "dont"


@pytest.mark.parametrize("kind", ["warning", "danger", "caution", "important", "deprecated"])
def test_every_alert_admonition_is_a_directive(kind: str) -> None:
    page = page_of(Block("admonition", f"{kind.capitalize()}\nThe pool is shared by all Client instances.", admonition=kind))
    found = find_directives(page)
    assert len(found) == 1
    assert found[0].evidence == "The pool is shared by all Client instances."
    assert found[0].admonition == kind


def test_note_admonition_needs_a_cue() -> None:
    page = page_of(
        Block("admonition", "Note\nThe pool is shared by all clients.", admonition="note"),
        Block("admonition", "Tip\nYou should reuse one client per process.", admonition="tip"),
    )
    assert [d.sentence for d in find_directives(page)] == ["You should reuse one client per process."]


def test_anaphora_takes_the_previous_sentence_into_evidence() -> None:
    page = page_of(Block("paragraph", "The Client.fetch() method returns raw bytes. This is deprecated, use Client.get() instead."))
    (directive,) = find_directives(page)
    assert directive.evidence == "The Client.fetch() method returns raw bytes. This is deprecated, use Client.get() instead."
    assert directive.is_deprecation


@pytest.mark.parametrize(
    ("text", "kwargs", "category"),
    [
        ("fetch() is deprecated since 2.0.", {}, "deprecation"),
        ("Never log the API key.", {"polarity": "dont"}, "security"),
        ("Use MockTransport in unit tests.", {}, "testing"),
        ("Reuse the connection pool to cut latency.", {}, "performance"),
        ("Set max_connections in pyproject.toml.", {}, "configuration"),
        ("Do not mutate the state inside a reducer.", {"polarity": "dont"}, "anti_pattern"),
        ("Call Client.close() when done.", {}, "api_usage"),
        ("Keep handlers small and focused.", {}, "best_practice"),
        ("Keep handlers small and focused.", {"section": ["Guide", "Security"]}, "security"),
    ],
)
def test_categories(text: str, kwargs: dict, category: str) -> None:
    assert categorize(text, **kwargs) == category
