"""Code patterns, languages, signatures, subjects and technology detection."""

from __future__ import annotations

import pytest

from rules_spider.analysis.code import extract_code_patterns, guess_language, normalise_language, signature_lines
from rules_spider.analysis.patterns import find_patterns
from rules_spider.analysis.subjects import find_subjects
from rules_spider.analysis.technology import detect_technology
from rules_spider.items import Block, DocPage, Section

PYTHON = '''import os, json
from pyrite import Client, Timeout

@app.get("/items")
def handler(request) -> str:
    client = pyrite.Client(base_url="https://api.example.com", timeout=Timeout(5))
    os.path.join("a", "b")
    return client.get("/")
'''
JS = '''import React, { useState } from "react";
const _ = require("lodash");
export default function App() { return useState(0); }
'''


def test_python_imports_calls_decorators_signatures() -> None:
    patterns = extract_code_patterns([Block("code", PYTHON, "py")])
    assert patterns.imports == ["pyrite", "pyrite.Client", "pyrite.Timeout", "os", "json"]
    assert {"pyrite.Client", "os.path.join", "client.get", "Timeout", "app.get"} <= set(patterns.calls)
    assert "handler" not in patterns.calls  # a definition is not a call
    assert patterns.decorators == ["app.get"]
    assert patterns.signatures == ["handler(request) -> str"]
    assert patterns.languages == {"python": 1}


def test_javascript_imports() -> None:
    patterns = extract_code_patterns([Block("code", JS)])
    assert patterns.languages == {"javascript": 1}
    assert {"react", "react.useState", "lodash"} <= set(patterns.imports)
    assert patterns.cli == []


@pytest.mark.parametrize(
    ("code", "language", "keys"),
    [
        ("[tool.pyrite]\ntimeout = 10\n# comment\nretries = 3\n", "toml", ["tool.pyrite", "tool.pyrite.timeout", "tool.pyrite.retries"]),
        ("server:\n  port: 80\n  hosts:\n    - a\nlogging:\n  level: info\n", "yaml", ["server", "server.port", "server.hosts", "logging", "logging.level"]),
        ('{"compilerOptions": {"strict": true}, "include": ["src"]}', "json", ["compilerOptions", "compilerOptions.strict", "include"]),
        ("[pytest]\naddopts = -ra\n", "ini", ["pytest", "pytest.addopts"]),
    ],
)
def test_config_keys(code: str, language: str, keys: list[str]) -> None:
    patterns = extract_code_patterns([Block("code", code, language)])
    assert patterns.config_keys == keys


def test_cli_invocations() -> None:
    blocks = [
        Block("code", "$ pip install pyrite\n$ pyrite serve \\\n    --port 8000\nServing on :8000", None),
        Block("code", "npm install @flowkit/core\nnpx vitest --run", "bash"),
    ]
    assert extract_code_patterns(blocks).cli == [
        "pip install pyrite",
        "pyrite serve --port 8000",
        "npm install @flowkit/core",
        "npx vitest --run",
    ]


def test_signatures_from_prose_lines() -> None:
    assert signature_lines("Client.get(url, *, timeout=None)\nSends a GET request.") == ["Client.get(url, *, timeout=None)"]
    assert signature_lines("class pyrite.Client(base_url='', *, http2=False)") == ["pyrite.Client(base_url='', *, http2=False)"]
    assert signature_lines("Call get() to fetch it.") == []


@pytest.mark.parametrize(
    ("label", "expected"),
    [("py", "python"), ("language-ts", "typescript"), ("console", "shell"), ("bash", "shell"), ("text", None), ("elixir", "elixir")],
)
def test_language_labels_are_normalised_not_limited(label: str, expected: str | None) -> None:
    assert normalise_language(label) == expected


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("def f(x):\n    return x\n", "python"),
        ("package main\nfunc main() {}\n", "go"),
        ("fn main() { println!(\"hi\"); }", "rust"),
        ("const x = require('y');", "javascript"),
        ("interface Props { name: string }", "typescript"),
        ('{"a": 1}', "json"),
        ("FROM python:3.12\nRUN pip install x", "dockerfile"),
        ("$ make test", "shell"),
        ("SELECT * FROM users;", "sql"),
        ("just some words", None),
    ],
)
def test_guess_language(code: str, language: str | None) -> None:
    assert guess_language(code) == language


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        ("Always call Client.close() when done.", "Client.close()"),
        ("Pass --max-conn=5 on the command line.", "--max-conn=5"),
        ("Set max_connections to 10.", "max_connections"),
        ("Never pass timeout=None in production.", "timeout=None"),
        ("Use AsyncClient for concurrency.", "AsyncClient"),
        ("Wrap the tree in <Suspense> boundaries.", "<Suspense>"),
        ("Keep SECRET_KEY out of the repository.", "SECRET_KEY"),
        ("Edit pyproject.toml first.", "pyproject.toml"),
        ("Use `client` everywhere.", "client"),
        ("Prefer useEffect cleanups.", "useEffect"),
        ("Use Client for requests.", "Client"),  # known from the page's code
        ("Create it with python -m venv .venv first.", "python -m venv .venv"),
        ("Run npx vitest --run in CI so watch mode never blocks.", "npx vitest --run"),
        ("Always run tox -e release before tagging.", "tox -e release"),
        ("Install it with npm install @flowkit/core; do not install it globally.", "npm install @flowkit/core"),
        ("Import it from @flowkit/testing in tests.", "@flowkit/testing"),
        ("Mark them with @pytest.mark.network and skip them.", "@pytest.mark.network"),
        ("Install the pyrite[http2] extra.", "pyrite[http2]"),
        ("Declare Requires-Dist in the metadata.", "Requires-Dist"),
        ("Keep settings in the [tool.pyrite] table.", "[tool.pyrite]"),
        ("Pin pyrite>=2.1,<3 in requirements.", "pyrite>=2.1,<3"),
        ("Use std::panic::panic_any(x) for payloads.", "std::panic::panic_any(x)"),
        ("Keys of a HashMap<K, V> must be hashable.", "HashMap<K, V>"),
        ("Put values in flowkit.config.${NODE_ENV}.json only.", "flowkit.config.${NODE_ENV}.json"),
        ("Set retry_on=(ConnectionError, TimeoutError) explicitly.", "retry_on=(ConnectionError, TimeoutError)"),
        ("Run pyrite config check in CI.", "pyrite config check"),  # a command line of the page
    ],
)
def test_subjects(sentence: str, subject: str) -> None:
    found = [s for s in find_subjects(sentence, known={"Client"}, commands=["pyrite config check --strict"]) if s.is_code]
    assert found and found[0].text == subject


def test_prose_words_are_not_subjects() -> None:
    for prose in ("Use a virtual environment, e.g. venv, for JavaScript or GitHub projects.",
                  "Make sure git history is clean and docker images are small."):
        assert not [s for s in find_subjects(prose) if s.is_code]
    assert [s.kind for s in find_subjects("Requires Python 3.9 or newer.")] == ["version"]


def _page(source_name: str, framework: str | None, *blocks: Block) -> DocPage:
    return DocPage(
        url="https://docs.example.org/",
        source_name=source_name,
        technology="python",
        framework=framework,
        sections=[Section("Intro", 1, ["Intro"], list(blocks))],
        text="\n".join(b.text for b in blocks),
    )


def test_technology_refined_from_imports_and_languages() -> None:
    page = _page("Pyrite", None, Block("code", PYTHON, "python"), Block("code", "$ pip install pyrite", "console"))
    profile = find_patterns(page).technology
    assert profile.technology == "python"  # the catalog's group is kept
    assert profile.framework == "pyrite"  # the source's namesake package
    assert profile.primary_language == "python"
    assert profile.languages == ["python", "shell"]
    assert profile.packages == ["pyrite"]  # os and json are the standard library
    assert profile.tools == ["pip"]


def test_catalog_framework_wins_and_unknown_languages_are_kept() -> None:
    page = _page("Phoenix", "phoenix", Block("code", "defmodule Hello do\nend", "elixir"))
    profile = detect_technology(page, extract_code_patterns(page.sections[0].blocks))
    assert profile.framework == "phoenix"
    assert profile.languages == ["elixir"]


def test_page_patterns_of_a_page() -> None:
    page = _page(
        "Pyrite",
        None,
        Block("paragraph", "You must not call Client.close() twice. Instead of polling, use webhooks."),
        Block("code", PYTHON, "python"),
    )
    patterns = find_patterns(page)
    assert [d.sentence for d in patterns.directives] == [
        "You must not call Client.close() twice.",
        "Instead of polling, use webhooks.",
    ]
    assert [a.kind for a in patterns.anti_patterns] == ["instead"]
    assert "pyrite.Client" in patterns.identifiers
    assert patterns.technology.framework == "pyrite" and patterns.keywords


def test_signatures_rendered_as_code_or_headings() -> None:
    page = DocPage(
        url="https://docs.example.org/api/",
        source_name="Flowkit",
        technology="javascript",
        sections=[
            Section("pyrite.Client", 2, ["API", "pyrite.Client"], [Block("code", "class pyrite.Client(base_url=None, *, timeout=10.0)", "python")]),
            Section("select(store, selector, equalityFn?)", 2, ["API", "select(store, selector, equalityFn?)"], [Block("paragraph", "Returns a view.")]),
        ],
        text="x",
    )
    assert find_patterns(page).code.signatures == ["pyrite.Client(base_url=None, *, timeout=10.0)", "select(store, selector, equalityFn?)"]
