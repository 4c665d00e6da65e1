"""Content extraction on the fixture documentation sites (read from disk) and small inline pages."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from rules_spider.extraction import ExtractedPage, extract_page, is_html, page_content_hash
from rules_spider.items import Block, Section

SITES = Path(__file__).parent / "sites"
DEMO_SITE = Path(__file__).parent.parent / "rules_spider" / "demo" / "site"
PLANTED: dict = json.loads((SITES / "planted.json").read_text(encoding="utf-8"))
BOILERPLATE: list[str] = PLANTED["boilerplate"]
PLANTED_PAGES = {page: entries for page, entries in PLANTED.items() if page != "boilerplate"}
FIXTURE_PAGES = sorted(str(p.relative_to(SITES)) for p in SITES.rglob("*.html"))


def extract_file(rel: str) -> ExtractedPage:
    return extract_page((SITES / rel).read_bytes(), f"http://127.0.0.1/{rel}")


@pytest.fixture(scope="module")
def pages() -> dict[str, ExtractedPage]:
    return {rel: extract_file(rel) for rel in FIXTURE_PAGES}


def blocks(page: ExtractedPage, kind: str | None = None) -> list[Block]:
    return [b for s in page.sections for b in s.blocks if kind is None or b.kind == kind]


def section(page: ExtractedPage, heading: str) -> Section:
    return next(s for s in page.sections if s.heading == heading)


# --- planted guidance and chrome -------------------------------------------------------

@pytest.mark.parametrize("rel", sorted(PLANTED_PAGES))
def test_every_planted_sentence_survives_verbatim(pages, rel):
    text = pages[rel].text
    for entry in PLANTED_PAGES[rel]:
        if entry.get("requires_js"):
            assert entry["sentence"] not in text  # only exists once JavaScript ran
        else:
            assert entry["sentence"] in text, entry["sentence"]


def test_planted_sentences_sit_in_blocks_of_their_kind(pages):
    for rel, entries in PLANTED_PAGES.items():
        for entry in entries:
            if entry.get("requires_js"):
                continue
            holders = [b for b in blocks(pages[rel]) if entry["sentence"] in b.text]
            assert holders, (rel, entry["sentence"])
            if entry["kind"] == "admonition":
                assert holders[0].kind == "admonition"
                assert holders[0].admonition == entry["admonition"]


@pytest.mark.parametrize("rel", FIXTURE_PAGES)
def test_no_chrome_in_text(pages, rel):
    text = pages[rel].text
    for decoy in BOILERPLATE:
        assert decoy not in text, decoy
    for chrome in ("¶", "Edit this page", "Copy to clipboard", "Table of Contents", "__md_get", "DOCUMENTATION_OPTIONS"):
        assert chrome not in text


def test_sidebar_and_toctree_links_are_not_content(pages):
    # Every page's sidebar lists "Exceptions" and "Performance"; only their own pages say so in content.
    assert "Performance" not in pages["sphinx/install.html"].text
    assert "Exceptions" not in pages["sphinx/tutorial/first-steps.html"].text
    index = pages["sphinx/index.html"]
    assert section(index, "Contents").blocks == []  # the toctree-wrapper is navigation
    assert "Sessions and connection pooling" not in index.text


# --- structure -------------------------------------------------------------------------

def test_heading_paths_follow_the_hierarchy(pages):
    page = pages["sphinx/tutorial/first-steps.html"]
    assert [s.path for s in page.sections] == [
        ["First steps"],
        ["First steps", "Making a request"],
        ["First steps", "Reading responses"],
        ["First steps", "From the command line"],
    ]
    assert [s.level for s in page.sections] == [1, 2, 2, 2]
    api = pages["mkdocs/reference/api.html"]
    assert section(api, "store.reset()").path == ["API reference", "createStore(options)", "store.reset()"]
    assert section(api, "select(store, selector, equalityFn?)").path == ["API reference", "select(store, selector, equalityFn?)"]


def test_text_joins_headings_and_blocks(pages):
    page = pages["sphinx/tutorial/sessions.html"]
    expected = "\n".join(
        [part for s in page.sections for part in ([s.heading] + [b.text for b in s.blocks])]
    )
    assert page.text == expected
    assert page.text.startswith("Sessions and connection pooling\nConnection pooling\n")


def test_titles_drop_the_site_suffix(pages):
    assert pages["sphinx/api/client.html"].title == "Client API"
    assert pages["sphinx/index.html"].title == "Pyrite: a friendly HTTP client"
    assert pages["mkdocs/guide/stores.html"].title == "Stores"
    assert pages["mkdocs/index.html"].title == "Flowkit"
    assert pages["sphinx/empty.html"].title == "Glossary"
    assert all(p.language == "en" for p in pages.values())


def test_code_blocks_keep_text_and_language(pages):
    code = blocks(pages["sphinx/tutorial/first-steps.html"], "code")
    assert [b.language for b in code] == ["python", "console"]
    assert code[0].text.startswith("import pyrite\n\nwith pyrite.Client(")
    assert "\n    response.raise_for_status()\n" in code[0].text  # indentation and newlines verbatim
    assert not re.search(r"^\s*\d", code[0].text, re.M)  # Pygments line numbers dropped
    toml = blocks(pages["sphinx/api/config.html"], "code")[0]
    assert toml.language == "toml" and toml.text == "[tool.pyrite]\ntimeout = 10.0\nmax_connections = 32\ntrust_env = false"
    assert "pyproject.toml" not in pages["sphinx/install.html"].text.split("dependencies")[-1]  # caption dropped


def test_mkdocs_code_line_number_tables_filenames_and_tabs(pages):
    stores = blocks(pages["mkdocs/guide/stores.html"], "code")
    assert [b.language for b in stores] == ["typescript", "typescript"]
    assert stores[0].text.startswith('import { createStore } from "@flowkit/core";\n\nexport const cart')
    assert "src/cart/store.ts" not in pages["mkdocs/guide/stores.html"].text
    install = [b.text for b in blocks(pages["mkdocs/getting-started/index.html"], "code") if b.language == "bash"]
    assert install == ["npm install @flowkit/core", "pnpm add @flowkit/core", "yarn add @flowkit/core"]
    assert [b.language for b in blocks(pages["mkdocs/reference/config.html"], "code")] == ["json"]


def test_api_signatures_are_terms_with_their_language(pages):
    terms = [b for b in blocks(pages["sphinx/api/client.html"], "term") if b.language == "python"]
    signatures = [b.text for b in terms]
    assert "class pyrite.Client(base_url=None, *, timeout=10.0, headers=None, ssl_context=None, retries=None, max_connections=10)" in signatures
    assert "get(url, *, params=None, headers=None, timeout=None) → Response" in signatures
    assert "[source]" not in pages["sphinx/api/client.html"].text


def test_admonition_kinds_and_titles(pages):
    first = blocks(pages["sphinx/tutorial/first-steps.html"], "admonition")
    assert [(b.admonition, b.text.split(" ")[0]) for b in first] == [("tip", "Prefer")]  # "Tip" title not repeated
    assert blocks(pages["sphinx/guides/security.html"], "admonition")[0].admonition == "danger"
    assert blocks(pages["sphinx/tutorial/advanced.html"], "admonition")[0].admonition == "important"
    details = blocks(pages["mkdocs/guide/stores.html"], "admonition")
    assert [b.admonition for b in details] == ["warning", "note"]
    assert details[1].text.startswith("Why selectors\nPrefer select()")  # a custom title is kept
    running = blocks(pages["mkdocs/guide/testing.html"], "admonition")[0]
    assert running.admonition == "tip" and running.text.startswith("Running in CI\nRun npx vitest --run")
    # the code inside the collapsible stays a code block right after it
    after = blocks(pages["mkdocs/guide/testing.html"])
    assert after[after.index(running) + 1] == Block(kind="code", text="npx vitest --run --coverage", language="bash")


def test_deprecations(pages):
    sphinx = [b for b in blocks(pages["sphinx/api/client.html"], "admonition")]
    assert sphinx[0].admonition == "deprecated"
    assert sphinx[0].text.startswith("Deprecated since version 2.1: The verify parameter is deprecated")
    assert sphinx[1].admonition == "versionchanged" and sphinx[1].text.startswith("Changed in version 2.0:")
    mkdocs = blocks(pages["mkdocs/reference/api.html"], "admonition")
    assert [(b.admonition, b.text) for b in mkdocs] == [
        ("deprecated", "store.replace() is deprecated since 3.0 and will be removed in 4.0; use store.reset() instead.")
    ]
    assert blocks(pages["mkdocs/migration.html"], "admonition")[0].text.startswith("Mixed versions\nDo not mix")


def test_tables_and_lists(pages):
    table = blocks(pages["sphinx/api/config.html"], "table")[0]
    assert table.items == ["Key | Type | Default", "timeout | float | 10.0", "max_connections | int | 10", "trust_env | bool | true"]
    assert table.text == "\n".join(table.items)
    steps = blocks(pages["sphinx/private/secret.html"], "list")[0]
    assert steps.items == ["Always run tox -e release before tagging a release.", "Never push release tags from a fork."]


def test_empty_and_script_rendered_pages_have_no_text(pages):
    assert pages["sphinx/empty.html"].text == "" and pages["sphinx/empty.html"].sections == []
    js = pages["mkdocs/js-rendered.html"]
    assert js.text == "" and js.title == "Server-side rendering"


def test_js_rendered_page_extracts_once_the_script_ran():
    html = (SITES / "mkdocs/js-rendered.html").read_text(encoding="utf-8")
    rendered_inner = json.loads(re.search(r"\.innerHTML = (\".*\");", html).group(1))
    # What a browser's DOM holds after the inline script: the article filled in.
    rendered = html.replace(
        '<article class="md-content__inner md-typeset">', '<article class="md-content__inner md-typeset">' + rendered_inner, 1
    )
    page = extract_page(rendered, "http://127.0.0.1/mkdocs/js-rendered.html")
    (entry,) = PLANTED_PAGES["mkdocs/js-rendered.html"]
    assert entry["sentence"] in page.text
    assert page.sections[0].path == ["Server-side rendering"]


def test_duplicate_content_hashes_equal(pages):
    assert pages["sphinx/print.html"].text == pages["sphinx/tutorial/first-steps.html"].text
    assert page_content_hash(pages["sphinx/print.html"]) == page_content_hash(pages["sphinx/tutorial/first-steps.html"])
    assert page_content_hash(pages["sphinx/install.html"]) != page_content_hash(pages["sphinx/print.html"])
    assert re.fullmatch(r"[0-9a-f]{40}", page_content_hash(pages["sphinx/install.html"]))


def test_extracted_page_is_frozen(pages):
    with pytest.raises(dataclasses.FrozenInstanceError):
        pages["sphinx/install.html"].title = "x"  # type: ignore[misc]


def test_demo_site_pages_extract_with_code_and_guidance():
    files = sorted(DEMO_SITE.rglob("*.html"))
    assert 8 <= len(files) <= 10
    for path in files:
        page = extract_page(path.read_bytes(), f"http://127.0.0.1/{path.relative_to(DEMO_SITE)}")
        assert page.container == "role=main"
        assert page.title and blocks(page, "code"), path
        assert "Documentation built with" not in page.text and "You should star the project" not in page.text
        assert "Search" not in page.text.split("\n")
    tasks = extract_page((DEMO_SITE / "guide/tasks.html").read_bytes(), "http://127.0.0.1/guide/tasks.html")
    assert "Tasks must be idempotent, because a task can run more than once after a worker crash." in tasks.text
    assert [b.admonition for b in blocks(tasks, "admonition")] == ["deprecated"]


# --- small pages: other generators and edge cases -----------------------------------------

def test_content_before_first_heading_goes_to_a_title_section():
    page = extract_page(
        "<html><head><title>Intro | Acme Docs</title></head><body><main>"
        "<p>Lead   paragraph\n over\tlines.</p><h2>Usage</h2><p>Body.</p></main></body></html>",
        "http://x/",
    )
    assert page.title == "Intro"
    assert [(s.heading, s.level, s.path) for s in page.sections] == [("Intro", 0, ["Intro"]), ("Usage", 2, ["Usage"])]
    assert page.text == "Lead paragraph over lines.\nUsage\nBody."  # the synthetic title is not page text


def test_heading_stack_pops_to_the_right_parent():
    html = "<main><h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2><h4>E</h4><h1>F</h1></main>"
    paths = [s.path for s in extract_page(html, "http://x/").sections]
    assert paths == [["A"], ["A", "B"], ["A", "B", "C"], ["A", "D"], ["A", "D", "E"], ["F"]]


def test_docusaurus_markup():
    html = """<html><head><title>Hooks | Acme</title></head><body>
    <nav class="navbar">Docs Blog</nav>
    <main class="docMainContainer"><div class="row"><div class="col">
    <nav class="theme-doc-breadcrumbs" aria-label="Breadcrumbs"><ul><li>Home</li><li>Hooks</li></ul></nav>
    <article><div class="theme-doc-markdown markdown">
      <header><h1>Hooks</h1></header>
      <p>Call hooks at the top level only.</p>
      <div class="theme-admonition theme-admonition-warning alert alert--warning admonition_xJq3">
        <div class="admonitionHeading_Gvgb"><span class="admonitionIcon_Rf37"><svg></svg></span>warning</div>
        <div class="admonitionContent_BuS1"><p>Never call hooks inside loops.</p></div>
      </div>
      <h2 id="rules">Rules<a href="#rules" class="hash-link" aria-label="Direct link to Rules">\u200b</a></h2>
      <div class="language-tsx codeBlockContainer_Ckt0 theme-code-block"><div class="codeBlockContent_biex">
        <pre tabindex="0" class="prism-code language-tsx codeBlock_bY9V"><code class="codeBlockLines_e6Vv"><span class="token-line"><span class="token keyword">const</span> x = 1;<br></span><span class="token-line">use(x);<br></span></code></pre>
        <div class="buttonGroup__atx"><button type="button" aria-label="Copy code to clipboard" title="Copy">Copy</button></div>
      </div></div>
    </div>
    <footer class="theme-doc-footer"><a href="https://github.com/x/edit/main/docs/hooks.md" class="theme-edit-this-page">Edit this page</a></footer>
    </article></div>
    <div class="col col--3"><div class="tableOfContents_bqdL thin-scrollbar theme-doc-toc-desktop"><ul class="table-of-contents"><li><a href="#rules">Rules</a></li></ul></div></div>
    </div></main></body></html>"""
    page = extract_page(html, "http://x/docs/hooks")
    assert page.container == "theme-doc-markdown"
    assert page.title == "Hooks"
    assert [s.path for s in page.sections] == [["Hooks"], ["Hooks", "Rules"]]
    assert blocks(page, "admonition") == [Block(kind="admonition", text="Never call hooks inside loops.", admonition="warning")]
    assert blocks(page, "code") == [Block(kind="code", text="const x = 1;\nuse(x);", language="tsx")]
    assert "Edit this page" not in page.text and "Copy" not in page.text and "Home" not in page.text


def test_read_the_docs_theme_and_github_alerts():
    html = """<html lang="en-GB"><body><div class="wy-nav-side"><a>Index</a></div>
    <div class="rst-content"><div role="navigation" aria-label="Page navigation"><ul class="wy-breadcrumbs"><li>Docs</li></ul></div>
    <div class="document" role="main" itemprop="articleBody"><section><h1>Setup</h1>
      <div class="markdown-alert markdown-alert-caution"><p class="markdown-alert-title"><svg></svg>Caution</p><p>Back up first.</p></div>
      <blockquote><p>[!IMPORTANT]<br>Use a venv.</p></blockquote>
      <blockquote><p>Just a quote.</p></blockquote>
      <div class="versionadded"><p><span class="versionmodified added">Added in version 1.2.</span></p></div>
    </section></div>
    <footer><div role="contentinfo"><p>&#169; Copyright 2024.</p></div></footer></div></body></html>"""
    page = extract_page(html, "http://x/")
    assert page.container == "articleBody" and page.language == "en-GB"
    assert [(b.kind, b.admonition, b.text) for b in blocks(page)] == [
        ("admonition", "caution", "Back up first."),
        ("admonition", "important", "Use a venv."),
        ("paragraph", None, "Just a quote."),
        ("admonition", "versionadded", "Added in version 1.2."),
    ]


def test_code_language_spellings():
    html = """<main>
    <div class="highlight-python3 notranslate"><div class="highlight"><pre>a = 1</pre></div></div>
    <div class="highlight-default notranslate"><div class="highlight"><pre>b = 2</pre></div></div>
    <div class="highlight-text notranslate"><div class="highlight"><pre>plain</pre></div></div>
    <pre><code class="language-js">c()</code></pre>
    <pre class="sourceCode yaml"><code class="sourceCode yaml">k: v</code></pre>
    <pre data-lang="rust">fn main() {}</pre>
    <pre class="brush: ruby;">puts 1</pre>
    <pre>no language</pre>
    </main>"""
    code = blocks(extract_page(html, "http://x/"), "code")
    assert [b.language for b in code] == ["python", "python", None, "javascript", "yaml", "rust", "ruby", None]


def test_lists_nest_flat_and_keep_code_in_order():
    html = """<main><ul>
      <li><p>Install it:</p><pre><code class="language-bash">pip install acme</code></pre></li>
      <li>Configure <code>ACME_HOME</code>
        <ul><li>on Linux</li><li>on macOS</li></ul></li>
      <li>  </li>
    </ul></main>"""
    got = [(b.kind, b.text) for b in blocks(extract_page(html, "http://x/"))]
    assert got == [
        ("list", "Install it:"),
        ("code", "pip install acme"),
        ("list", "Configure ACME_HOME\non Linux\non macOS"),
    ]


def test_hidden_and_chrome_elements_are_dropped():
    html = """<main><h1>Page<a class="headerlink" href="#page">¶</a></h1>
    <p>Visible <span aria-hidden="true">icon</span>text<span style="display: none">secret</span>.</p>
    <div hidden><p>Hidden paragraph.</p></div>
    <div id="cookie-notice"><p>We use cookies.</p></div>
    <div class="gdpr-banner"><p>Consent please.</p></div>
    <p><a href="https://github.com/x/edit/main/page.md">Edit on GitHub</a></p>
    <p><a class="skip-link" href="#content">Skip to content</a></p>
    <form><input name="q"><p>Search the docs</p></form>
    <noscript><p>Enable JavaScript.</p></noscript>
    <aside><p>Related: other pages.</p></aside>
    <aside class="admonition note"><p class="admonition-title">Note</p><p>Kept.</p></aside>
    </main>"""
    page = extract_page(html, "http://x/")
    assert page.text == "Page\nVisible text.\nKept."


def test_body_fallback_keeps_the_dense_text_and_drops_link_lists():
    html = """<html><head><title>Guide - Site</title></head><body>
    <div class="wrapper">
      <div class="left"><ul><li><a href="/a">Alpha page</a></li><li><a href="/b">Beta page</a></li><li><a href="/c">Gamma page</a></li></ul></div>
      <div class="right">
        <h1>Guide</h1>
        <p>You should configure the retry budget before enabling the cache in production systems.</p>
        <p>Prefer the streaming API when responses are larger than a few megabytes of data.</p>
        <ul><li><a href="/x">x</a></li><li><a href="/y">y</a></li></ul>
      </div>
      <div class="bottom"><p>Copyright 2024 Site Inc.</p></div>
    </div></body></html>"""
    page = extract_page(html, "http://x/guide")
    assert page.container == "body"
    assert page.text == (
        "Guide\nYou should configure the retry budget before enabling the cache in production systems.\n"
        "Prefer the streaming API when responses are larger than a few megabytes of data."
    )


def test_ambiguous_articles_fall_back_to_their_container():
    html = """<body><main><h1>Blog</h1><article><h2>One</h2><p>First.</p></article>
    <article><h2>Two</h2><p>Second.</p></article></main></body>"""
    page = extract_page(html, "http://x/")
    assert page.container == "main"
    assert [s.heading for s in page.sections] == ["Blog", "One", "Two"]


def test_encodings_and_degenerate_input():
    latin = '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><main><p>Cr\xe8me br\xfbl\xe9e.</p></main></body></html>'
    assert extract_page(latin.encode("latin-1"), "http://x/").text == "Crème brûlée."
    assert extract_page(latin.encode("latin-1"), "http://x/", encoding="iso-8859-1").title == "Café"
    utf8_no_meta = "<main><p>naïve — “quoted”</p></main>".encode()
    assert extract_page(utf8_no_meta, "http://x/").text == "naïve — “quoted”"
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body><main><p>ok</p></main></body></html>'
    assert extract_page(xhtml, "http://x/").text == "ok"
    for empty in ("", b"", "   \n", b"\xef\xbb\xbf"):
        page = extract_page(empty, "http://x/")
        assert page == ExtractedPage(title="")
    assert extract_page("<title>Only a title</title>", "http://x/").title == "Only a title"


def test_title_falls_back_to_h1_and_handles_reversed_suffix():
    assert extract_page("<body><main><h1>Install <code>acme</code></h1></main></body>", "http://x/").title == "Install acme"
    page = extract_page("<head><title>Acme Docs | Installation</title></head><main><h1>Installation</h1></main>", "http://x/")
    assert page.title == "Installation"
    assert extract_page("<head><title>Client-side caching</title></head><p>x</p>", "http://x/").title == "Client-side caching"


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=utf-8", b"<!DOCTYPE html><html><body>x</body></html>", True),
        (b"text/html", b"\n\n  <html lang='en'>", True),
        ("application/xhtml+xml", b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', True),
        (None, b"<!doctype html><title>x</title>", True),
        ("application/octet-stream", b"<html><head><title>S3 page</title>", True),
        ("text/html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", False),
        ("text/html", b"\x89PNG\r\n\x1a\n\x00\x00", False),
        ("text/html", b'{"openapi": "3.1.0"}', False),
        ("text/html", b"  [1, 2, 3]", False),
        ("text/html", b"PK\x03\x04\x14\x00", False),
        ("text/html", b"", False),
        ("application/json", b"<html></html>", False),
        ("application/pdf", b"<html></html>", False),
        ("image/svg+xml", b"<svg></svg>", False),
        ("text/plain", b"<html>", False),
        (None, b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', False),
        (None, b"just some words", False),
        (None, b"\x00\x01\x02binary", False),
    ],
)
def test_is_html(content_type, body, expected):
    assert is_html(content_type, body) is expected


def test_fixture_json_is_not_html():
    body = (SITES / "sphinx/api/openapi.json").read_bytes()
    assert not is_html("application/json", body)
    assert not is_html("text/html", body)  # a server that mislabels it


def test_extraction_is_thread_safe(pages):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(extract_file, FIXTURE_PAGES * 3))
    assert results == [pages[rel] for rel in FIXTURE_PAGES * 3]


def test_sections_about_cookies_or_search_are_content():
    # Ids come from headings; only chrome ids/classes are dropped.
    html = """<html><body><div id="cookie-banner"><p>We use cookies.</p></div>
    <div class="body" role="main">
    <section id="cookies"><h2>Cookies</h2><p>Set cookies with the cookies argument.</p>
      <div class="admonition-cookie-policy admonition"><p class="admonition-title">Cookie policy</p><p>Never log cookie values.</p></div>
    </section>
    <div class="section" id="search"><h2 id="navigation">Search</h2><p>Search with client.search().</p></div>
    </div></body></html>"""
    page = extract_page(html, "http://x/")
    assert page.text == (
        "Cookies\nSet cookies with the cookies argument.\nCookie policy\nNever log cookie values.\n"
        "Search\nSearch with client.search()."
    )


def test_extraction_speed_guard():
    # Measured ~1,000 pages/s on one core (fixture pages, ~12 KB each); this only
    # catches an accidental slow path (e.g. trafilatura on every page).
    import time

    bodies = [(rel, (SITES / rel).read_bytes()) for rel in FIXTURE_PAGES]
    start = time.process_time()
    for _ in range(3):
        for rel, body in bodies:
            extract_page(body, rel)
    rate = 3 * len(bodies) / (time.process_time() - start)
    assert rate > 150, f"{rate:.0f} pages/s"


def test_pathologically_nested_markup_yields_no_content_instead_of_crashing():
    html = "<html><head><title>T</title></head><body><main>" + "<blockquote>" * 400 + "<p>deep</p></main></body></html>"
    page = extract_page(html, "http://x/deep")
    assert page.title == "T" and page.text == "" and page.container == ""
