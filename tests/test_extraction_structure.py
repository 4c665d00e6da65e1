"""Structure kept for candidate units: inline code spans, definition terms, signature headings, table headers."""

from __future__ import annotations

from rules_spider.extraction import extract_page
from rules_spider.extraction.inline import CODE_CLOSE, CODE_OPEN, backticked, code_spans, plain

SPHINX_API = """<html><body><div role="main">
<h1>os &#8212; Operating system interfaces</h1>
<dl class="py function">
<dt class="sig sig-object py" id="os.fork"><span class="sig-prename descclassname"><span class="pre">os.</span></span><span class="sig-name descname"><span class="pre">fork</span></span><span class="sig-paren">(</span><span class="sig-paren">)</span><a class="headerlink" href="#os.fork">&#182;</a></dt>
<dd><p>Fork a child process.  Return <code class="docutils literal notranslate"><span class="pre">0</span></code> in the child.</p>
<div class="admonition warning"><p class="admonition-title">Warning</p>
<p>Do not call <code>fork()</code> from a thread.</p></div>
<dl class="py method">
<dt class="sig sig-object py" id="os.Inner.close"><span class="sig-name descname"><span class="pre">close</span></span><span class="sig-paren">(</span><span class="sig-paren">)</span></dt>
<dd><p>Must not be called twice.</p></dd></dl>
</dd></dl>
<dl><dt><code>--force-with-lease</code></dt><dd><p>Safer than <code>--force</code>.</p></dd></dl>
</div></body></html>"""


def test_inline_code_is_marked_and_text_stays_verbatim():
    page = extract_page(SPHINX_API, "http://x/os.html")
    block = next(b for s in page.sections for b in s.blocks if b.text.startswith("Fork"))
    assert block.text == "Fork a child process. Return 0 in the child."
    assert block.marked == f"Fork a child process. Return {CODE_OPEN}0{CODE_CLOSE} in the child."
    assert plain(block.marked) == block.text and block.text in page.text
    assert backticked(block.marked) == "Fork a child process. Return `0` in the child."
    assert code_spans(block.marked) == ["0"]


def test_whitespace_inside_code_spans_collapses_like_plain_text():
    html = "<html><body><main><p>Run <code> make  </code>  now, then <code></code>stop.</p></main></body></html>"
    block = extract_page(html, "http://x/").sections[0].blocks[0]
    assert block.text == "Run make now, then stop."
    assert plain(block.marked) == block.text
    assert backticked(block.marked) == "Run `make` now, then stop."


def test_definition_descriptions_carry_the_qualified_term():
    page = extract_page(SPHINX_API, "http://x/os.html")
    by_text = {b.text: b for s in page.sections for b in s.blocks}
    assert by_text["os.fork()"].kind == "term" and by_text["os.fork()"].term == "os.fork()"
    assert by_text["os.fork()"].language == "python"
    assert by_text["Fork a child process. Return 0 in the child."].term == "os.fork()"
    assert by_text["Do not call fork() from a thread."].admonition == "warning"
    assert by_text["Do not call fork() from a thread."].term == "os.fork()"
    # a nested definition names its own object, qualified by the dt id
    assert by_text["Must not be called twice."].term == "os.Inner.close()"
    assert by_text["--force-with-lease"].kind == "term"
    assert by_text["Safer than --force."].term == "--force-with-lease"


def test_a_signature_whose_id_is_no_dotted_name_is_named_by_its_object_name():
    html = """<html><body><main><h1>Filters</h1><dl class="py function">
    <dt class="sig sig-object py" id="jinja-filters.dictsort"><span class="sig-prename descclassname">
    <span class="pre">jinja-filters.</span></span><span class="sig-name descname"><span class="pre">dictsort</span></span>
    <span class="sig-paren">(</span><em class="sig-param">value: Mapping[K, V]</em>, <em class="sig-param">reverse:
    bool = False</em><span class="sig-paren">)</span></dt><dd><p>Sort a dict and yield pairs.</p></dd></dl>
    <dl class="py class"><dt class="sig sig-object py" id="Session-close"><span class="sig-prename descclassname">
    Session.</span><span class="sig-name descname">close</span></dt><dd><p>Closes it.</p></dd></dl></main></body></html>"""
    terms = {b.text: b.term for s in extract_page(html, "http://x/").sections for b in s.blocks if b.kind != "term"}
    assert terms == {"Sort a dict and yield pairs.": "dictsort()", "Closes it.": "Session.close"}


def test_headings_that_name_an_api_become_the_section_term():
    html = """<html><body><main><h1>Settings</h1>
    <h2><code>SECRET_KEY</code></h2><p>Keep it secret.</p>
    <h2>fs.readFile(path[, options], callback)</h2><p>Reads a file.</p>
    <h2>add_custom_command</h2><p>Adds a command.</p>
    <h2>Getting started</h2><p>Hello.</p>
    <h2>OPTIONS</h2><p>Options.</p></main></body></html>"""
    terms = {s.heading: s.term for s in extract_page(html, "http://x/").sections}
    assert terms == {
        "Settings": None,
        "SECRET_KEY": "SECRET_KEY",
        "fs.readFile(path[, options], callback)": "fs.readFile(path[, options], callback)",
        "add_custom_command": "add_custom_command",
        "Getting started": None,
        "OPTIONS": None,
    }


def test_table_header_cells_are_kept_as_columns():
    html = """<html><body><main><h1>fs</h1><table><thead><tr><th>Version</th><th>Changes</th></tr></thead>
    <tbody><tr><td>v17.5.0</td><td>The <code>buf.slice()</code> method is deprecated.</td></tr></tbody></table>
    </main></body></html>"""
    table = extract_page(html, "http://x/").sections[0].blocks[0]
    assert table.kind == "table" and table.columns == ["Version", "Changes"]
    assert table.items == ["Version | Changes", "v17.5.0 | The buf.slice() method is deprecated."]
    assert backticked(table.marked).endswith("The `buf.slice()` method is deprecated.")
