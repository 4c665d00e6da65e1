"""Candidate units: each sentence of a page with the context it is read in."""

from __future__ import annotations

from rules_spider.extraction import extract_page
from rules_spider.units import page_kind, page_units

PAGE = """<html><body><main><h1>Client</h1>
<h2>Closing</h2>
<p>Clients hold sockets. Close them when done.</p>
<p>Keep these in mind:</p>
<ul><li>Never share a client between threads.</li><li>Reuse one client per thread.</li></ul>
<div class="admonition warning"><p class="admonition-title">Warning</p><p>It is not thread-safe.</p></div>
<dl class="py method"><dt class="sig sig-object py" id="pkg.Client.close"><span class="sig-name descname">close</span>()</dt>
<dd><p>Must not be called twice.</p></dd></dl>
<h2><code>TIMEOUT</code></h2><p>Set it in production.</p>
<h2>History</h2>
<table><thead><tr><th>Version</th><th>Changes</th></tr></thead>
<tbody><tr><td>v2.0</td><td>The <code>retries</code> option is deprecated.</td></tr></tbody></table>
</main></body></html>"""


def units():
    extracted = extract_page(PAGE, "https://docs.example/api/client.html")
    return extracted, page_units(extracted.sections, "https://docs.example/api/client.html", extracted.title)


def test_every_unit_is_a_verbatim_slice_of_the_page_with_inline_code_marked():
    extracted, found = units()
    assert all(u.text in extracted.text for u in found)
    history = next(u for u in found if u.kind == "history")
    assert history.text == "v2.0 | The retries option is deprecated." and "\x02retries\x03" in history.marked


def test_units_carry_their_context():
    _, found = units()
    by_text = {u.text: u for u in found}
    close = by_text["Close them when done."]
    assert close.kind == "sentence" and close.heading_path == ("Client", "Closing")
    assert close.previous == "Clients hold sockets." and close.next == "Keep these in mind:"
    item = by_text["Never share a client between threads."]
    assert item.kind == "item" and item.lead_in == "Keep these in mind:"
    warning = by_text["It is not thread-safe."]
    assert warning.kind == "admonition" and warning.admonition == "warning"
    assert "Warning" not in by_text  # an admonition's title alone is no unit
    twice = by_text["Must not be called twice."]
    assert (twice.term, twice.term_from) == ("pkg.Client.close()", "definition")
    setting = by_text["Set it in production."]
    assert (setting.term, setting.term_from) == ("TIMEOUT", "heading")
    history = next(u for u in found if u.kind == "history")
    assert history.columns == ("Version", "Changes")


def test_page_kinds_from_path_title_and_structure():
    assert page_kind("https://x/en/releases/3.0.html", "Release notes") == "changelog"
    assert page_kind("https://x/internals/contributing/writing-code/", "Coding style") == "contributing"
    assert page_kind("https://x/intro/tutorial01/", "Writing your first app") == "tutorial"
    assert page_kind("https://x/ref/settings/", "Settings") == "reference"
    assert page_kind("https://x/topics/cache/", "Caching") == "guide"
    # a page of definitions is a reference whatever its name
    html = "<html><body><main><h1>Things</h1><dl><dt>a</dt><dd><p>One.</p><p>Two.</p></dd></dl></main></body></html>"
    extracted = extract_page(html, "https://x/things.html")
    assert {u.page_kind for u in page_units(extracted.sections, "https://x/things.html", "Things")} == {"reference"}
