"""A deterministic synthetic documentation corpus for the benchmarks.

``python bench/corpus.py [--sources 100] [--pages 50] [--seed 7] [--out bench/corpus]``

Writes ``N`` sources of ``M`` pages each under ``OUT/src001/``, ``OUT/src002/``, ...,
alternating Sphinx-like (``guide/pooling.html``) and MkDocs-Material-like
(``guide/pooling/`` pretty URLs) markup, and ``OUT/manifest.json`` describing them.
Every page carries what real docs carry: a header, a long sidebar linking every
page of its source (so most links a crawler sees are already known), an on-page
table of contents, 3-6 sections of prose with directive sentences naming fake
APIs (``lib7.Client.close()``), admonitions and code blocks, and a footer.
Each source has its own seeded RNG, so source ``k`` is the same whatever ``N`` is.

``--site DIR`` (repeatable) adds an existing local HTML tree (for example
``/usr/share/doc/python3.11/html`` from Debian's python3.11-doc) as one more
source; it is served from the corpus root through a symlink and never copied.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import posixpath
import random
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH_DIR / "corpus"
MANIFEST = "manifest.json"

TECHNOLOGIES = (
    ("python", "python", "py"),
    ("javascript", "javascript", "js"),
    ("typescript", "typescript", "ts"),
    ("go", "go", "go"),
    ("rust", "rust", "rs"),
    ("java", "java", "java"),
)
SECTIONS = ("tutorial", "guide", "howto", "api", "reference", "advanced")
TOPICS = (
    "connection pooling", "retries", "timeouts", "authentication", "caching", "streaming",
    "configuration", "logging", "testing", "deployment", "migrations", "pagination",
    "rate limiting", "serialization", "sessions", "transactions", "background tasks",
    "error handling", "webhooks", "file uploads", "encryption", "metrics", "tracing",
    "schema validation", "dependency injection", "routing", "middleware", "templates",
    "internationalization", "batch processing", "concurrency", "plugins", "events",
    "health checks", "feature flags", "database access", "query building", "indexes",
)
QUALIFIERS = ("", "advanced", "basic", "custom", "async", "distributed")
CLASSES = ("Client", "Session", "Pool", "Router", "Cache", "Store", "Worker", "Query", "Schema", "Config", "Tracer")
METHODS = (
    "close", "connect", "open", "fetch", "send", "commit", "rollback", "flush", "retry", "configure",
    "register", "validate", "stream", "subscribe", "publish", "acquire", "release", "invalidate", "render",
)
PARAMS = ("timeout", "max_retries", "pool_size", "batch_size", "verify", "encoding", "backoff", "ttl", "max_connections")
PLACES = (
    "a request handler", "a tight loop", "a signal handler", "the import path of a module",
    "a finalizer", "an event hook", "a template", "a database transaction",
)
THINGS = ("threads", "processes", "event loops", "requests", "tenants", "test cases")
REASONS = (
    "the underlying connection is not thread-safe",
    "it blocks the event loop until the server answers",
    "the state it holds leaks between callers",
    "every call opens a new connection",
    "the result is cached for the lifetime of the process",
    "errors raised there are silently swallowed",
    "it holds a lock while it waits",
)
CONDITIONS = (
    "you process more than a few hundred items",
    "the caller may be cancelled",
    "you run behind a load balancer",
    "the payload is larger than a few megabytes",
    "you need deterministic ordering",
)
NOUNS = (
    "the connection pool", "the request lifecycle", "the retry policy", "the cache backend", "the worker queue",
    "the configuration loader", "the schema registry", "the event bus", "the session store", "the query planner",
)
VERBS = (
    "keeps track of", "is responsible for", "coordinates", "wraps", "exposes", "manages", "serialises", "validates",
)
ADVERBS = ("lazily", "on first use", "at startup", "per request", "in the background", "once per process")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One source of the corpus, as run.py needs it to build a catalog."""

    name: str
    dir: str  # relative to the corpus root
    flavor: str  # sphinx | mkdocs | site
    technology: str
    framework: str
    pages: int


@dataclass(frozen=True, slots=True)
class _Page:
    path: str  # served path relative to the source dir: "index.html", "guide/pooling.html" or "guide/pooling/"
    title: str
    section: str


def _file_for(path: str) -> str:
    return path + "index.html" if path.endswith("/") or path == "" else path


def _href(from_path: str, to_path: str) -> str:
    """Relative href from one served page path to another (both relative to the source root)."""
    base = from_path if from_path.endswith("/") else posixpath.dirname(from_path) + "/"
    base = base.lstrip("/") or "."
    target = to_path or "./"
    rel = posixpath.relpath(target.rstrip("/") or ".", base.rstrip("/") or ".")
    if to_path.endswith("/") or to_path == "":
        rel = (rel + "/") if rel != "." else "./"
    return rel


class _SourceWriter:
    def __init__(self, index: int, pages: int, seed: int, dense: bool = False):
        self.index = index
        # dense: more sections, every paragraph with a directive, more admonitions (~2.5x the rules)
        self.dense = dense
        self.rng = random.Random(seed * 100_003 + index)
        self.technology, _, self.lang_ext = TECHNOLOGIES[index % len(TECHNOLOGIES)]
        self.flavor = "sphinx" if index % 2 == 1 else "mkdocs"
        self.lib = f"lib{index}"
        syllables = ("ra", "ko", "ven", "tal", "mi", "dor", "zu", "pel", "qua", "nix", "bo", "ter")
        self.product = "".join(self.rng.choice(syllables) for _ in range(3)).capitalize()
        self.version = f"{self.rng.randint(1, 5)}.{self.rng.randint(0, 12)}"
        self.pages = self._plan(pages)

    # --- plan -----------------------------------------------------------------------------

    def _plan(self, count: int) -> list[_Page]:
        titles: list[tuple[str, str]] = []
        seen: set[str] = set()
        combos = [(q, t) for t in TOPICS for q in QUALIFIERS]
        self.rng.shuffle(combos)
        for qualifier, topic in combos:
            if len(titles) >= count - 1:
                break
            title = f"{qualifier} {topic}".strip().capitalize()
            if title in seen:
                continue
            seen.add(title)
            titles.append((title, self.rng.choice(SECTIONS)))
        n = 0
        while len(titles) < count - 1:  # more pages than title combinations: number them
            n += 1
            titles.append((f"{TOPICS[n % len(TOPICS)].capitalize()} part {n}", SECTIONS[n % len(SECTIONS)]))
        pages = [_Page("", f"{self.product} {self.version} documentation", "")]
        for title, section in sorted(titles, key=lambda ts: (SECTIONS.index(ts[1]), ts[0])):
            slug = title.lower().replace(" ", "-")
            path = f"{section}/{slug}.html" if self.flavor == "sphinx" else f"{section}/{slug}/"
            pages.append(_Page(path, title, section))
        return pages

    # --- prose ----------------------------------------------------------------------------

    def _api(self) -> str:
        return f"{self.lib}.{self.rng.choice(CLASSES)}.{self.rng.choice(METHODS)}()"

    def _code(self, text: str) -> str:
        if self.flavor == "sphinx":
            return f'<code class="docutils literal notranslate"><span class="pre">{html.escape(text)}</span></code>'
        return f"<code>{html.escape(text)}</code>"

    def _directive(self) -> str:
        r = self.rng
        api, other = self._api(), self._api()
        c = self._code
        templates = (
            lambda: f"You must call {c(api)} before {r.choice(PLACES)} returns.",
            lambda: f"Always pass an explicit {c(r.choice(PARAMS))} to {c(api)}; the default is tuned for local development.",
            lambda: f"Never share a {c(self.lib + '.' + r.choice(CLASSES))} instance between {r.choice(THINGS)}, because {r.choice(REASONS)}.",
            lambda: f"Avoid calling {c(api)} inside {r.choice(PLACES)}: {r.choice(REASONS)}.",
            lambda: f"Prefer {c(api)} over {c(other)} when {r.choice(CONDITIONS)}.",
            lambda: f"{c(api)} is deprecated since {self.version}; use {c(other)} instead.",
            lambda: f"You should set {c(r.choice(PARAMS))} to a value above zero in production.",
            lambda: f"Do not call {c(api)} from {r.choice(PLACES)}, since {r.choice(REASONS)}.",
            lambda: f"Applications should close every {c(self.lib + '.' + r.choice(CLASSES))} they open, ideally with a context manager.",
            lambda: f"Make sure {c(api)} is awaited when {r.choice(CONDITIONS)}.",
        )
        return r.choice(templates)()

    def _neutral(self, topic: str) -> str:
        r = self.rng
        c = self._code
        templates = (
            lambda: f"The {c(self.lib + '.' + r.choice(CLASSES))} class {r.choice(VERBS)} {r.choice(NOUNS)}.",
            lambda: f"This page explains how {self.product} handles {topic} and how it interacts with {r.choice(NOUNS)}.",
            lambda: f"By default, {self.product} creates {r.choice(NOUNS)} {r.choice(ADVERBS)}.",
            lambda: f"Calling {c(self._api())} returns a handle that {r.choice(VERBS)} {r.choice(NOUNS)}.",
            lambda: f"Since version {self.version}, {topic} is configured through {c(self.lib + '.Config')}.",
            lambda: f"Most applications only need {c(self._api())} for {topic}.",
            lambda: f"The examples below assume {r.choice(NOUNS)} was set up as shown in the tutorial.",
            lambda: f"{self.product} {r.choice(VERBS)} {r.choice(NOUNS)} {r.choice(ADVERBS)}, which keeps {topic} predictable.",
        )
        return r.choice(templates)()

    def _paragraph(self, topic: str) -> str:
        r = self.rng
        sentences = [self._neutral(topic) for _ in range(r.randint(2, 4))]
        if r.random() < (1.0 if self.dense else 0.45):
            sentences.insert(r.randint(0, len(sentences)), self._directive())
        if self.dense and r.random() < 0.5:
            sentences.insert(r.randint(0, len(sentences)), self._directive())
        return "<p>" + " ".join(sentences) + "</p>"

    def _code_block(self) -> str:
        r = self.rng
        cls, method, param = r.choice(CLASSES), r.choice(METHODS), r.choice(PARAMS)
        var = cls.lower()
        if self.technology == "python":
            lines = [f"import {self.lib}", f"from {self.lib} import {cls}", "",
                     f"{var} = {cls}({param}={r.randint(1, 60)})", f"{var}.{method}()"]
        elif self.technology in ("javascript", "typescript"):
            lines = [f'import {{ {cls} }} from "{self.lib}";', "",
                     f"const {var} = new {cls}({{ {param}: {r.randint(1, 60)} }});", f"await {var}.{method}();"]
        elif self.technology == "go":
            lines = [f'import "example.invalid/{self.lib}"', "",
                     f"{var} := {self.lib}.New{cls}({self.lib}.With{param.title().replace('_', '')}({r.randint(1, 60)}))",
                     f"defer {var}.Close()", f"{var}.{method.title()}(ctx)"]
        elif self.technology == "rust":
            lines = [f"use {self.lib}::{cls};", "",
                     f"let {var} = {cls}::builder().{param}({r.randint(1, 60)}).build()?;", f"{var}.{method}().await?;"]
        else:
            lines = [f"import invalid.example.{self.lib}.{cls};", "",
                     f"{cls} {var} = {cls}.builder().{param.replace('_', '')}({r.randint(1, 60)}).build();",
                     f"{var}.{method}();"]
        code = html.escape("\n".join(lines))
        if self.flavor == "sphinx":
            return (f'<div class="highlight-{self.technology} notranslate"><div class="highlight">'
                    f"<pre><span></span>{code}\n</pre></div></div>")
        return (f'<div class="language-{self.lang_ext} highlight"><pre><span></span>'
                f"<code>{code}\n</code></pre></div>")

    def _admonition(self) -> str:
        r = self.rng
        kind = r.choice(("warning", "note", "tip", "danger", "important"))
        body = self._directive() if kind in ("warning", "danger", "important") else self._neutral("this feature")
        if self.flavor == "sphinx" and r.random() < 0.3:
            return (f'<div class="deprecated"><p><span class="versionmodified deprecated">Deprecated since version '
                    f"{self.version}: </span>{self._directive()}</p></div>")
        return (f'<div class="admonition {kind}"><p class="admonition-title">{kind.capitalize()}</p>'
                f"<p>{body}</p></div>")

    def _sections(self, page: _Page) -> list[tuple[str, str, str]]:
        """(anchor, heading, body html) for each section of a page."""
        r = self.rng
        topic = page.title.lower() if page.section else "the library"
        sections = []
        headings = r.sample(TOPICS, r.randint(5, 8) if self.dense else r.randint(3, 6))
        for heading in headings:
            parts = [self._paragraph(topic) for _ in range(r.randint(2, 3) if self.dense else r.randint(1, 3))]
            if r.random() < 0.6:
                parts.insert(r.randint(0, len(parts)), self._code_block())
            if r.random() < (0.7 if self.dense else 0.4):
                parts.append(self._admonition())
            if r.random() < 0.25:
                items = "".join(f"<li><p>{self._neutral(topic)}</p></li>" for _ in range(r.randint(2, 4)))
                parts.append(f'<ul class="simple">{items}</ul>')
            anchor = heading.replace(" ", "-")
            sections.append((anchor, heading.capitalize(), "\n".join(parts)))
        return sections

    # --- markup ---------------------------------------------------------------------------

    def render(self, page: _Page, position: int) -> str:
        sections = self._sections(page)
        intro = self._paragraph(page.title.lower())
        prev_page = self.pages[position - 1] if position > 0 else None
        next_page = self.pages[position + 1] if position + 1 < len(self.pages) else None
        if self.flavor == "sphinx":
            return self._sphinx(page, intro, sections, prev_page, next_page)
        return self._mkdocs(page, intro, sections, prev_page, next_page)

    def _sphinx(self, page: _Page, intro: str, sections: list[tuple[str, str, str]],
                prev_page: _Page | None, next_page: _Page | None) -> str:
        h = lambda target: html.escape(_href(page.path, target.path))  # noqa: E731
        root = html.escape(_href(page.path, ""))
        static = root.rstrip("/") + "/_static" if root != "./" else "_static"
        body = "\n".join(
            f'<section id="{a}">\n<h2>{t}<a class="headerlink" href="#{a}" title="Link to this heading">¶</a></h2>\n{b}\n</section>'
            for a, t, b in sections
        )
        nav_groups = []
        for section in SECTIONS:
            members = [p for p in self.pages if p.section == section]
            if not members:
                continue
            items = "\n".join(
                f'<li class="toctree-l1{" current" if p is page else ""}"><a class="reference internal" href="{h(p)}">{html.escape(p.title)}</a></li>'
                for p in members
            )
            nav_groups.append(f'<p class="caption" role="heading"><span class="caption-text">{section.capitalize()}</span></p>\n<ul>\n{items}\n</ul>')
        rel = []
        if prev_page is not None:
            rel.append(f'<li class="right"><a href="{h(prev_page)}" title="{html.escape(prev_page.title)}" accesskey="P">previous</a> |</li>')
        if next_page is not None:
            rel.append(f'<li class="right"><a href="{h(next_page)}" title="{html.escape(next_page.title)}" accesskey="N">next</a> |</li>')
        title = html.escape(page.title)
        return f"""<!DOCTYPE html>
<html lang="en" data-content_root="{root}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>{title} — {self.product} {self.version} documentation</title>
    <link rel="stylesheet" type="text/css" href="{static}/pygments.css?v=d1102ebc" />
    <link rel="stylesheet" type="text/css" href="{static}/alabaster.css?v=12dfc556" />
    <script src="{static}/documentation_options.js?v=2709fde1"></script>
    <link rel="index" title="Index" href="{root}genindex.html" />
  </head><body>
    <div class="related" role="navigation" aria-label="related navigation">
      <h3>Navigation</h3>
      <ul>
        {"".join(rel)}
        <li class="nav-item nav-item-0"><a href="{root}">{self.product} {self.version} documentation</a> &#187;</li>
        <li class="nav-item nav-item-this"><a href="">{title}</a></li>
      </ul>
    </div>
    <div class="document">
      <div class="documentwrapper">
        <div class="bodywrapper">
          <div class="body" role="main">
<section id="top">
<h1>{title}<a class="headerlink" href="#top" title="Link to this heading">¶</a></h1>
{intro}
{body}
</section>
          </div>
        </div>
      </div>
      <div class="sphinxsidebar" role="navigation" aria-label="main navigation">
        <div class="sphinxsidebarwrapper">
<p class="logo"><a href="{root}"><img class="logo" src="{static}/logo.svg" alt="Logo"/></a></p>
<h1 class="logo"><a href="{root}">{self.product}</a></h1>
<p class="blurb">The {self.product} library for {self.technology} developers.</p>
<h3>Navigation</h3>
{chr(10).join(nav_groups)}
<div role="note" aria-label="source link">
  <h3>This Page</h3>
  <ul class="this-page-menu">
    <li><a href="https://example.invalid/{self.lib}/blob/main/docs/{html.escape(_file_for(page.path))}" rel="nofollow">Show Source</a></li>
  </ul>
</div>
<div id="searchbox" role="search">
  <h3 id="searchlabel">Quick search</h3>
  <form class="search" action="{root}search.html" method="get"><input type="text" name="q" /><input type="submit" value="Go" /></form>
</div>
        </div>
      </div>
      <div class="clearer"></div>
    </div>
    <div class="footer">
      &#169;2024, {self.product} Developers.
      | Powered by <a href="https://www.sphinx-doc.org/">Sphinx 7.2.6</a> &amp; <a href="https://alabaster.readthedocs.io">Alabaster 0.7.16</a>
      | <a href="{root}genindex.html">Index</a>
    </div>
  </body>
</html>
"""

    def _mkdocs(self, page: _Page, intro: str, sections: list[tuple[str, str, str]],
                prev_page: _Page | None, next_page: _Page | None) -> str:
        h = lambda target: html.escape(_href(page.path, target.path))  # noqa: E731
        root = html.escape(_href(page.path, ""))
        assets = root + "assets" if root != "./" else "assets"
        body = "\n".join(
            f'<h2 id="{a}">{t}<a class="headerlink" href="#{a}" title="Permanent link">¶</a></h2>\n{b}' for a, t, b in sections
        )
        nav = []
        for number, section in enumerate(SECTIONS, start=2):
            members = [p for p in self.pages if p.section == section]
            if not members:
                continue
            items = "\n".join(
                f'<li class="md-nav__item{" md-nav__item--active" if p is page else ""}">\n'
                f'<a href="{h(p)}" class="md-nav__link"><span class="md-ellipsis">{html.escape(p.title)}</span></a>\n</li>'
                for p in members
            )
            nav.append(
                f'<li class="md-nav__item md-nav__item--nested">\n'
                f'<input class="md-nav__toggle md-toggle" type="checkbox" id="__nav_{number}">\n'
                f'<label class="md-nav__link" for="__nav_{number}"><span class="md-ellipsis">{section.capitalize()}</span></label>\n'
                f'<nav class="md-nav" data-md-level="1"><ul class="md-nav__list">\n{items}\n</ul></nav>\n</li>'
            )
        toc = "\n".join(
            f'<li class="md-nav__item"><a href="#{a}" class="md-nav__link"><span class="md-ellipsis">{t}</span></a></li>'
            for a, t, _ in sections
        )
        footer_links = []
        if prev_page is not None:
            footer_links.append(f'<a href="{h(prev_page)}" class="md-footer__link md-footer__link--prev" aria-label="Previous: {html.escape(prev_page.title)}"><div class="md-footer__title">{html.escape(prev_page.title)}</div></a>')
        if next_page is not None:
            footer_links.append(f'<a href="{h(next_page)}" class="md-footer__link md-footer__link--next" aria-label="Next: {html.escape(next_page.title)}"><div class="md-footer__title">{html.escape(next_page.title)}</div></a>')
        title = html.escape(page.title)
        tabs = "\n".join(
            f'<li class="md-tabs__item"><a href="{h(next(p for p in self.pages if p.section == s))}" class="md-tabs__link">{s.capitalize()}</a></li>'
            for s in SECTIONS if any(p.section == s for p in self.pages)
        )
        return f"""<!doctype html>
<html lang="en" class="no-js">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width,initial-scale=1">
    <meta name="description" content="{self.product}: documentation">
    <meta name="generator" content="mkdocs-1.6.0, mkdocs-material-9.5.21">
    <title>{title} - {self.product}</title>
    <link rel="stylesheet" href="{assets}/stylesheets/main.6543a935.min.css">
  </head>
  <body dir="ltr" data-md-color-scheme="default">
    <input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">
    <div data-md-component="skip"><a href="#top" class="md-skip">Skip to content</a></div>
    <header class="md-header" data-md-component="header">
      <nav class="md-header__inner md-grid" aria-label="Header">
        <a href="{root}" title="{self.product}" class="md-header__button md-logo">{self.product}</a>
        <div class="md-header__title"><div class="md-header__topic"><span class="md-ellipsis">{title}</span></div></div>
        <div class="md-search" data-md-component="search" role="dialog">
          <form class="md-search__form" name="search"><input type="text" class="md-search__input" name="query" placeholder="Search"></form>
        </div>
        <div class="md-header__source"><a href="https://example.invalid/{self.lib}" class="md-source">{self.lib}/{self.lib}</a></div>
      </nav>
    </header>
    <div class="md-container" data-md-component="container">
      <nav class="md-tabs" aria-label="Tabs"><div class="md-grid"><ul class="md-tabs__list">
{tabs}
      </ul></div></nav>
      <main class="md-main" data-md-component="main">
        <div class="md-main__inner md-grid">
          <div class="md-sidebar md-sidebar--primary" data-md-component="sidebar" data-md-type="navigation">
            <div class="md-sidebar__scrollwrap"><div class="md-sidebar__inner">
<nav class="md-nav md-nav--primary" aria-label="Navigation" data-md-level="0">
<label class="md-nav__title" for="__drawer">{self.product}</label>
<ul class="md-nav__list" data-md-scrollfix>
<li class="md-nav__item"><a href="{root}" class="md-nav__link"><span class="md-ellipsis">Home</span></a></li>
{chr(10).join(nav)}
</ul>
</nav>
            </div></div>
          </div>
          <div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc">
            <div class="md-sidebar__scrollwrap"><div class="md-sidebar__inner">
<nav class="md-nav md-nav--secondary" aria-label="On this page">
<label class="md-nav__title" for="__toc">On this page</label>
<ul class="md-nav__list" data-md-component="toc">
{toc}
</ul>
</nav>
            </div></div>
          </div>
          <div class="md-content" data-md-component="content">
            <article class="md-content__inner md-typeset">
<a href="https://example.invalid/{self.lib}/edit/main/docs/{html.escape(_file_for(page.path))}" title="Edit this page" class="md-content__button md-icon">Edit</a>
<h1 id="top">{title}</h1>
{intro}
{body}
            </article>
          </div>
        </div>
      </main>
      <footer class="md-footer">
        <nav class="md-footer__inner md-grid" aria-label="Footer">
{chr(10).join(footer_links)}
        </nav>
        <div class="md-footer-meta md-typeset"><div class="md-copyright">Copyright &copy; 2024 {self.product} contributors.
          Made with <a href="https://squidfunk.github.io/mkdocs-material/" target="_blank" rel="noopener">Material for MkDocs</a></div></div>
      </footer>
    </div>
  </body>
</html>
"""

    def write(self, root: Path) -> SourceInfo:
        name = f"src{self.index:03d}"
        for position, page in enumerate(self.pages):
            target = root / name / _file_for(page.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.render(page, position), encoding="utf-8")
        return SourceInfo(
            name=name,
            dir=name,
            flavor=self.flavor,
            technology=self.technology,
            framework=self.lib,
            pages=len(self.pages),
        )


def _site_source(root: Path, site: Path, number: int) -> SourceInfo | None:
    site = site.resolve()
    if not (site / "index.html").is_file():
        print(f"skipping --site {site}: no index.html there", file=sys.stderr)
        return None
    name = f"site{number:02d}"
    link = root / name
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(site, link, target_is_directory=True)
    pages = sum(1 for _ in site.rglob("*.html"))
    return SourceInfo(name=name, dir=name, flavor="site", technology="python", framework=site.name.lower()[:60] or "site", pages=pages)


def generate(out: Path, sources: int, pages: int, seed: int = 7, sites: list[Path] | None = None,
             dense: bool = False) -> list[SourceInfo]:
    """Write the corpus (replacing any previous one at ``out``) and return its manifest."""
    if pages < 1 or sources < 0:
        raise ValueError("need at least one page per source and a non-negative number of sources")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    manifest = [_SourceWriter(i, pages, seed, dense).write(out) for i in range(1, sources + 1)]
    for number, site in enumerate(sites or [], start=1):
        info = _site_source(out, site, number)
        if info is not None:
            manifest.append(info)
    (out / MANIFEST).write_text(
        json.dumps({"seed": seed, "dense": dense, "sources": [asdict(s) for s in manifest]}, indent=1), encoding="utf-8"
    )
    return manifest


def is_dense(root: Path) -> bool:
    return bool(json.loads((root / MANIFEST).read_text(encoding="utf-8")).get("dense"))


def load_manifest(root: Path) -> list[SourceInfo]:
    data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    return [SourceInfo(**s) for s in data["sources"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--pages", type=int, default=50, help="pages per source, index included")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--site", type=Path, action="append", default=[], help="an existing HTML tree to add as a source")
    parser.add_argument("--dense", action="store_true", help="the directive-dense variant (~2.5x the rules per page)")
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.sources, args.pages, args.seed, args.site, args.dense)
    files = sum(1 for p in args.out.rglob("*.html") if not p.relative_to(args.out).parts[0].startswith("site"))
    size = sum(p.stat().st_size for p in args.out.rglob("*.html") if not p.relative_to(args.out).parts[0].startswith("site"))
    print(f"wrote {len(manifest)} sources ({files} synthetic pages, {size / 1e6:.1f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
