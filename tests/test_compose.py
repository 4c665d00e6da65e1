"""Rule composition: the subject is named, the title is a complete clause, the body keeps the reason,
the evidence stays verbatim."""

from __future__ import annotations

import pytest

from rules_spider.compose import PageInfo, compose_rule
from rules_spider.compose.clauses import title_clause, without_preamble
from rules_spider.compose.subject import documented_names
from rules_spider.extraction import extract_page
from rules_spider.ids import normalise_text
from rules_spider.units import page_units

INFO = PageInfo(url="https://docs.example/p.html", source_name="Docs", technology="python")


def rules_of(html: str) -> dict[str, object]:
    extracted = extract_page(html, INFO.url)
    out = {}
    documented = documented_names(extracted.sections)  # as page_rules.page_to_rules passes it
    for unit in page_units(extracted.sections, INFO.url, extracted.title):
        rule = compose_rule(unit, 0.9, INFO, extracted.sections[unit.section_index], extracted.text,
                            documented=documented)
        assert normalise_text(rule.evidence) in normalise_text(extracted.text)  # verbatim, whatever the body says
        out[unit.text] = rule
    return out


def page(body: str) -> str:
    return f"<html><body><main><h1>Pool</h1>{body}</main></body></html>"


def sphinx_method(qualified: str, arguments: str, description: str) -> str:
    """A page documenting one method as Sphinx marks it up: a signature <dt> whose id is the qualified name."""
    name = qualified.rsplit(".", 1)[-1]
    return page(f'<dl class="py method"><dt class="sig sig-object py" id="{qualified}">'
                f'<span class="sig-name descname">{name}</span>({arguments})</dt><dd>{description}</dd></dl>')


def test_a_sentence_that_leans_on_its_definition_names_the_documented_api():
    rules = rules_of(sphinx_method("pkg.Pool.close", "", "<p>It must not be called twice.</p>"
                                                       "<p>Must be called from the main thread.</p>"))
    assert rules["It must not be called twice."].title == "`pkg.Pool.close()` must not be called twice."
    assert rules["Must be called from the main thread."].title == "`pkg.Pool.close()` must be called from the main thread."
    assert rules["It must not be called twice."].subject == "pkg.Pool.close()"


def test_a_dummy_it_stays_and_a_subject_not_named_is_prefixed():
    rules = rules_of(page("<h2><code>POOL_SIZE</code></h2><p>It is strongly recommended to keep it small.</p>"))
    assert rules["It is strongly recommended to keep it small."].title == (
        "`POOL_SIZE`: It is strongly recommended to keep it small.")


def test_this_setting_inside_a_sentence_is_the_heading_it_sits_under_not_the_name_it_quotes():
    # Scrapy's settings reference: the sentence names another setting, "this setting" is the heading's.
    rules = rules_of(page("<h2>DOWNLOADER_MIDDLEWARES_BASE</h2><p>You should never modify this setting in your "
                          "project, modify <code>DOWNLOADER_MIDDLEWARES</code> instead.</p>"))
    rule = rules["You should never modify this setting in your project, modify DOWNLOADER_MIDDLEWARES instead."]
    assert rule.subject == "DOWNLOADER_MIDDLEWARES_BASE"
    assert rule.title.startswith("`DOWNLOADER_MIDDLEWARES_BASE`: You should never modify this setting")
    # ... but an anaphor after the code it follows speaks of that code (Tornado's websocket notes)
    rules = rules_of(page("<h2><code>tornado.websocket</code></h2><p>It is now allowed to override <code>prepare</code>"
                          " in a handler, and this method may generate HTTP responses.</p>"))
    assert rules["It is now allowed to override prepare in a handler, and this method may generate HTTP responses."
                 ].subject == "prepare"


def test_a_parameter_quoted_under_a_signature_is_named_with_its_api():
    # Tornado's iostream reference: the sentence names the parameter, the rule must name the method too.
    rules = rules_of(sphinx_method("pkg.Stream.read_into", "buf", "<p>Read into a buffer.</p><p><code>buf</code> "
                                   "must be a writable buffer into which data will be read.</p>"))
    rule = rules["buf must be a writable buffer into which data will be read."]
    assert rule.subject == "pkg.Stream.read_into()"
    assert rule.title.startswith("`pkg.Stream.read_into()`: `buf` must be a writable buffer")


def test_a_field_list_speaks_of_the_object_it_documents_and_its_deprecated_field_says_so():
    # lxml's and Scrapy's API pages: "Parameters" and "Deprecated" are field names under a signature, not terms.
    rules = rules_of(sphinx_method("pkg.XSLT.tostring", "tree", '<p>Save the tree.</p><dl class="field-list simple">'
                                   '<dt class="field-odd">Parameters<span>:</span></dt><dd><ul><li><p><strong>'
                                   "dont_filter</strong> (bool) \u2013 Use it with care, or you will get into crawling "
                                   'loops.</p></li></ul></dd><dt class="field-even">Deprecated</dt>'
                                   "<dd><p>use <code>str(tree)</code> instead.</p></dd></dl>"))
    careful = rules["dont_filter (bool) \u2013 Use it with care, or you will get into crawling loops."]
    assert careful.subject == "pkg.XSLT.tostring()"
    assert careful.title == "`pkg.XSLT.tostring()` parameter `dont_filter`: Use it with care, or you will get into crawling loops."
    deprecated = rules["use str(tree) instead."]
    assert deprecated.subject == "pkg.XSLT.tostring()" and deprecated.category == "deprecation"
    assert deprecated.title == "`pkg.XSLT.tostring()` is deprecated: use `str(tree)` instead."


def test_an_older_sphinx_field_table_is_a_field_list_too():
    # Django's signals reference (older Sphinx): the field list is a table of <th> names and <td> bodies.
    rules = rules_of(page('<dl class="method"><dt id="django.dispatch.Signal.connect"><code class="descname">'
                          'connect</code>(receiver, weak=True)</dt><dd><table class="docutils field-list">'
                          '<tbody><tr class="field-odd field"><th class="field-name">Parameters:</th>'
                          '<td class="field-body"><ul><li><strong>weak</strong> \u2013 Handlers are weak references '
                          "by default. You must keep a reference to a local receiver.</li></ul></td></tr></tbody>"
                          "</table></dd></dl>"))
    rule = rules["You must keep a reference to a local receiver."]
    assert rule.subject == "django.dispatch.Signal.connect()"


def test_a_short_mention_of_the_documented_api_is_given_in_full():
    # Python's threading reference: "notify()" alone does not say which class's method the rule is about.
    rules = rules_of(sphinx_method("threading.Condition.notify", "n=1", "<p>Since <code>notify()</code> does not "
                                   "release the lock, its caller should.</p>"))
    rule = rules["Since notify() does not release the lock, its caller should."]
    assert rule.title == "Since `threading.Condition.notify()` does not release the lock, its caller should."
    assert rule.evidence == "Since notify() does not release the lock, its caller should."


def test_an_english_word_that_is_also_the_apis_last_name_does_not_name_it():
    # Python's http.client: "the request" in the sentence is not `HTTPConnection.request()`; `request()` would be.
    rules = rules_of(sphinx_method("http.client.HTTPConnection.request", "method, url, headers={}",
                                   "<p>The headers argument should be a mapping of extra HTTP headers to send with "
                                   "the request.</p><p>Call <code>request()</code> once per connection.</p>"
                                   "<p>This method must not be called twice.</p>"))
    assert rules["The headers argument should be a mapping of extra HTTP headers to send with the request."].title == (
        "`http.client.HTTPConnection.request()`: The headers argument should be a mapping of extra HTTP headers to "
        "send with the request.")
    assert rules["Call request() once per connection."].title == (
        "Call `http.client.HTTPConnection.request()` once per connection.")
    assert rules["This method must not be called twice."].title == (
        "`http.client.HTTPConnection.request()` must not be called twice.")


def test_this_method_is_named_when_the_rule_is_about_other_code_it_quotes():
    rules = rules_of(sphinx_method("threading.Condition.notify_all", "", "<p>The method <code>notifyAll</code> is a "
                                   "deprecated alias for this method.</p>"))
    rule = rules["The method notifyAll is a deprecated alias for this method."]
    assert rule.title == "The method `notifyAll` is a deprecated alias for `threading.Condition.notify_all()`."


def test_a_sentence_that_introduces_a_short_list_carries_it():
    # Django's INSTALLED_APPS: "a dotted Python path to:" says nothing without what follows.
    rules = rules_of(page("<h2><code>INSTALLED_APPS</code></h2><p>Each string should be a dotted Python path to:</p>"
                          "<ul><li>an application configuration class (preferred), or</li>"
                          "<li>a package containing an application.</li></ul>"))
    rule = rules["Each string should be a dotted Python path to:"]
    assert rule.title == ("`INSTALLED_APPS`: Each string should be a dotted Python path to: an application "
                          "configuration class (preferred) or a package containing an application.")
    assert rule.body.endswith(":\n- an application configuration class (preferred), or\n"
                              "- a package containing an application.")
    assert rule.evidence == "Each string should be a dotted Python path to:"


def test_a_sentence_that_introduces_one_line_of_code_shows_it():
    # Python's What's New in 2.5: "add the following directive to your module." names no directive.
    rules = rules_of(page("<h2>The with statement</h2><p>To enable the statement in Python 2.5, you need to add the "
                          "following directive to your module:</p><pre>from __future__ import with_statement</pre>"
                          "<p>The statement will always be enabled in Python 2.6.</p><p>Then run it like this:</p>"
                          "<pre>import os\nos.system('x')</pre>"))
    rule = rules["To enable the statement in Python 2.5, you need to add the following directive to your module:"]
    assert rule.title == ("To enable the statement in Python 2.5, you need to add the following directive to your "
                          "module: `from __future__ import with_statement`.")
    assert rule.body.endswith("to your module: `from __future__ import with_statement`.")
    assert rule.evidence == "To enable the statement in Python 2.5, you need to add the following directive to your module:"
    # A block of several lines is the rule's example, not part of its sentence.
    assert "`" not in rules["Then run it like this:"].title


def test_a_numbered_section_names_its_topic_without_its_number():
    # Python's extending guide: "1.10. Reference Counts" is the topic "Reference Counts".
    rules = rules_of("<html><body><main><h1>1. Extending Python with C or C++</h1><h2>1.10. Reference Counts</h2>"
                     "<p>The reference count must be decremented when the object is no longer used.</p>"
                     "<h2>2.1.0 (2020-05-01)</h2><p>The cache must be cleared after an upgrade.</p></main></body></html>")
    assert rules["The reference count must be decremented when the object is no longer used."].subject == "Reference Counts"
    # a release heading is no topic: the manual's own heading is
    assert rules["The cache must be cleared after an upgrade."].subject == "Extending Python with C or C++"


def test_several_dt_of_one_option_name_it_and_its_argument_names_the_option():
    # git's option lists: three <dt> forms of one option, then its <dd>.
    rules = rules_of(page("<dl><dt>-S[&lt;keyid&gt;]</dt><dt>--gpg-sign[=&lt;keyid&gt;]</dt><dt>--no-gpg-sign</dt><dd>"
                          "<p>GPG-sign commits. The <code>keyid</code> argument is optional; if specified, it must be "
                          "stuck to the option without a space.</p></dd></dl>"))
    rule = rules["The keyid argument is optional; if specified, it must be stuck to the option without a space."]
    assert rule.subject == "--gpg-sign[=<keyid>]"


def test_a_prose_heading_that_opens_with_type_is_no_go_declaration():
    # Go's spec: "Type switches" is a topic; "func Println" would be a declaration.
    rules = rules_of(page("<h2>Type switches</h2><p>The types listed in the cases of a type switch must all be "
                          "different.</p>"))
    rule = rules["The types listed in the cases of a type switch must all be different."]
    assert rule.subject == "Type switches"
    assert not rule.title.startswith("`")


def test_an_opening_it_is_not_replaced_by_a_name_the_sentence_gives_later():
    # Jinja's async notes: "it" is async support, not the setting that enables it.
    rules = rules_of(page("<h2>Async Support</h2><p>It must still be enabled with "
                          "<code>Environment(enable_async=True)</code>.</p>"))
    rule = rules["It must still be enabled with Environment(enable_async=True)."]
    assert rule.title == "It must still be enabled with `Environment(enable_async=True)`."


def test_a_sentence_that_introduces_an_example_ends_before_its_colon():
    rules = rules_of(page("<h2>html_annotate</h2><p>Doclist should be ordered from oldest to newest, like:</p>"
                          "<pre>doclist = [('Hello world!', 'version 1')]\ndoclist.append(x)</pre>"))
    rule = rules["Doclist should be ordered from oldest to newest, like:"]
    assert rule.title.endswith("ordered from oldest to newest.")


def test_quoted_code_that_is_a_value_is_no_subject():
    # Click's shell completion: "(args, incomplete)" is what the method returns, not what the rule is about.
    rules = rules_of(page("<h2>Custom shells</h2><p>The method must return a <code>(args, incomplete)</code> tuple.</p>"))
    rule = rules["The method must return a (args, incomplete) tuple."]
    assert rule.subject != "(args, incomplete)"
    assert rule.title.count("(args, incomplete)") == 1


def test_a_term_that_is_an_example_value_is_no_subject():
    # Jinja's literals: the <dt> shows a value; the rule falls back to the heading.
    rules = rules_of(page("<h2>Literals</h2><dl><dt>{'dict': 'of', 'key': 'and', 'value': 'pairs'}</dt>"
                          "<dd><p>Keys must be unique and always have exactly one value.</p></dd></dl>"))
    rule = rules["Keys must be unique and always have exactly one value."]
    assert rule.subject == "Literals"


def test_the_reason_and_the_replacement_travel_with_the_directive():
    rules = rules_of(page("<h2>Closing</h2><p>Always close the pool. Otherwise worker processes leak.</p>"
                          "<p>The <code>spawn()</code> helper is deprecated. Use <code>start()</code> instead.</p>"))
    closing = rules["Always close the pool."]
    assert closing.evidence == "Always close the pool. Otherwise worker processes leak."
    # the heading is the rule's topic: said in the body, the title stays the page's sentence
    assert closing.title == "Always close the pool."
    assert closing.body == "Closing: Always close the pool. Otherwise worker processes leak."
    deprecated = rules["The spawn() helper is deprecated."]
    assert deprecated.category == "deprecation" and "Use start() instead." in deprecated.evidence
    assert deprecated.title == "The `spawn()` helper is deprecated."


def test_version_notes_and_history_rows_become_statements_with_their_version():
    rules = rules_of(page('<dl class="py function"><dt class="sig sig-object py" id="pkg.fork">fork()</dt><dd>'
                          '<div class="deprecated"><p><span class="versionmodified deprecated">Deprecated since '
                          "version 3.2: </span>Use <code>pkg.spawn()</code> instead.</p></div></dd></dl>"
                          "<table><thead><tr><th>Version</th><th>Changes</th></tr></thead><tbody><tr><td>v17.5.0</td>"
                          "<td>The <code>buf.slice()</code> method is deprecated.</td></tr></tbody></table>"))
    note = rules["Deprecated since version 3.2: Use pkg.spawn() instead."]
    assert note.title == "`pkg.fork()` is deprecated since 3.2: use `pkg.spawn()` instead."
    assert note.subject == "pkg.fork()" and note.category == "deprecation"
    row = rules["v17.5.0 | The buf.slice() method is deprecated."]
    assert row.title == "The `buf.slice()` method is deprecated (v17.5.0)."


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        ("Use a pool.", "Use a pool."),
        ("Configure the worker pool before the first request arrives, so that every task finds a worker ready and no "
         "task waits for processes to start; the pool keeps them alive between requests.",
         "Configure the worker pool before the first request arrives, so that every task finds a worker ready and no "
         "task waits for processes to start."),
        ("A very long sentence " + "with many words " * 12 + "and no place to stop at all",
         "A very long sentence " + "with many words " * 12 + "and no place to stop at all."),
    ],
)
def test_titles_are_complete_clauses_never_cut_mid_clause(sentence: str, title: str):
    assert title_clause(sentence) == title


@pytest.mark.parametrize(
    ("sentence", "guidance"),
    [
        ("Note that generator names are case sensitive.", "Generator names are case sensitive."),
        ("Please keep in mind that blocks have their own scope.", "Blocks have their own scope."),
        ("Remember that the shell reads URLs unquoted.", "The shell reads URLs unquoted."),
        # "Remember to" is the imperative itself: without it, "To always enclose ..." is no sentence
        ("Remember to always enclose URLs in quotes.", "Remember to always enclose URLs in quotes."),
    ],
)
def test_a_preamble_is_dropped_when_the_guidance_stands_after_it(sentence: str, guidance: str):
    assert without_preamble(sentence) == guidance


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Tornado: what "it" is to include is the sentence before.
        ("Tornado comes with built-in XSRF protection.", "To include it in your site, include the application "
                                                         "setting xsrf_cookies."),
        # Python's io docs: an aside in parentheses is about the sentence it follows.
        ("Pass 'strict' to raise a ValueError exception if there is an encoding error.",
         "(Note that ignoring encoding errors can lead to data loss.)"),
    ],
)
def test_an_opening_purpose_with_a_pronoun_and_an_aside_are_said_with_the_sentence_before(before: str, after: str):
    rule = rules_of(page(f"<h2>Options</h2><p>{before} {after}</p>"))[after]
    assert rule.evidence == f"{before} {after}"
    assert rule.title.startswith(before[:20])


def test_a_sentence_that_points_back_is_said_with_the_sentence_it_leans_on():
    rules = rules_of(page("<h2>Assignments</h2><p>Please keep in mind that it is not possible to set variables "
                          "inside a block and have them show up outside of it. This also applies to loops.</p>"))
    rule = rules["This also applies to loops."]
    assert rule.title == ("It is not possible to set variables inside a block and have them show up outside of it. "
                          "This also applies to loops.")
    assert rule.evidence == ("Please keep in mind that it is not possible to set variables inside a block and have "
                             "them show up outside of it. This also applies to loops.")
    # a dummy "it" opens a sentence that stands on its own
    dummy = rules_of(page("<h2>Assignments</h2><p>Blocks have their own scope. It is not possible to set "
                          "variables inside a block and have them show up outside of it.</p>"))
    opening = "It is not possible to set variables inside a block and have them show up outside of it."
    assert dummy[opening].evidence == opening


def test_a_sentence_that_names_its_thing_only_as_these_or_it_takes_the_sentence_before():
    rules = rules_of(page("<ul><li>The handler no longer supports the draft 76 protocol (this mainly affects Safari 5 "
                          "browsers). Applications should use other workarounds for these browsers.</li>"
                          "<li>It now supports add_custom_command().</li><li>It is now available on Linux.</li></ul>"
                          "<p>One way is to build environment variables from option names. To enable this feature, the "
                          "prefix parameter needs to be passed to the script.</p>"
                          "<p>Comments lost their mutation methods in 3.3. Even though it is empty and immutable, it "
                          "should still provide the same interface.</p>"))
    browsers = rules["Applications should use other workarounds for these browsers."]
    assert browsers.evidence.startswith("The handler no longer supports the draft 76 protocol")
    assert rules["To enable this feature, the prefix parameter needs to be passed to the script."].title.startswith(
        "One way is to build environment variables from option names. To enable this feature")
    assert rules["Even though it is empty and immutable, it should still provide the same interface."].evidence.startswith(
        "Comments lost their mutation methods in 3.3.")
    # another item of the same list is not the sentence an item leans on
    assert rules["It is now available on Linux."].evidence == "It is now available on Linux."
    # nor is an aside
    aside = rules_of(page("<p>Name suggestions are shown for attribute errors. (Contributed by A. Person in bpo-1.) "
                          "This won't work if the default display hook is replaced.</p>"))
    assert aside["This won't work if the default display hook is replaced."].evidence == (
        "This won't work if the default display hook is replaced.")


def test_a_long_title_is_shortened_in_each_sentence_apart():
    rules = rules_of(page("<p>Sessions are cached per thread and reused by its requests; a session made in one "
                          "thread must not be used from "
                          "another, and a session kept across a fork shares its sockets with the child process in ways "
                          "that break both. This also applies to connection pools.</p>"))
    rule = rules["This also applies to connection pools."]
    assert rule.title == "Sessions are cached per thread and reused by its requests. This also applies to connection pools."
    assert rule.body.startswith("Sessions are cached per thread and reused by its requests; a session made in one")


def test_a_pointing_paragraph_takes_the_last_sentence_of_the_paragraph_before():
    rules = rules_of(page("<p>A with block in a group would close the database before a subcommand could use it.</p>"
                          "<p>Instead, use the context's <code>with_resource()</code> method to enter the context "
                          "manager.</p>"))
    rule = rules["Instead, use the context's with_resource() method to enter the context manager."]
    assert rule.title == ("A with block in a group would close the database before a subcommand could use it. Instead, "
                          "use the context's `with_resource()` method to enter the context manager.")
    assert rule.evidence == ("A with block in a group would close the database before a subcommand could use it. "
                             "Instead, use the context's with_resource() method to enter the context manager.")


def test_this_option_inside_a_sentence_under_a_documented_term_is_the_term():
    rules = rules_of(page("<dl><dt><code>--quiet</code></dt><dd><p>Prints nothing. Scripts that parse the output "
                          "should not set this option when they run in a pipeline.</p></dd></dl>"))
    rule = rules["Scripts that parse the output should not set this option when they run in a pipeline."]
    assert rule.evidence == "Scripts that parse the output should not set this option when they run in a pipeline."
    assert rule.title.startswith("`--quiet`")


def test_a_pointing_opening_the_term_resolves_needs_no_antecedent():
    rules = rules_of(sphinx_method("pkg.Pool.close", "", "<p>Closes the pool. This method must not be called twice.</p>"))
    assert rules["This method must not be called twice."].title == "`pkg.Pool.close()` must not be called twice."


def test_this_function_under_a_documented_term_is_the_term_not_the_sentence_before():
    rules = rules_of(page('<dl class="py function"><dt class="sig sig-object py" id="hmac.compare_digest">'
                          '<span class="sig-name descname">compare_digest</span>(a, b)</dt><dd><p>Compare the two digests. '
                          "This function uses an approach designed to prevent timing analysis.</p></dd></dl>"))
    rule = rules["This function uses an approach designed to prevent timing analysis."]
    assert rule.evidence == "This function uses an approach designed to prevent timing analysis."
    assert rule.title.startswith("`hmac.compare_digest()`")


def test_an_argument_named_after_a_declaration_names_the_declared_callable():
    # Python's "Extending Python with C": the sentences about arg and format follow the function's declaration.
    rules = rules_of(page("<h2>Extracting Parameters</h2><p>The function is declared as follows:</p>"
                          "<pre>int PyArg_ParseTuple(PyObject *arg, const char *format, ...);</pre>"
                          "<p>The arg argument must be a tuple object. The remaining arguments must be addresses of "
                          "variables. The flags argument must be zero.</p>"))
    assert rules["The arg argument must be a tuple object."].title == (
        "`PyArg_ParseTuple()`: The arg argument must be a tuple object.")
    assert rules["The remaining arguments must be addresses of variables."].subject == "PyArg_ParseTuple()"
    assert rules["The flags argument must be zero."].subject == "Extracting Parameters"  # not one of its arguments


def test_code_a_sentence_opens_with_is_its_subject_else_the_entrys_api_is():
    # pytest's reference: under MonkeyPatch.undo(), "Prefer to use context() instead." is said of undo(); a sentence
    # opening with a bare method the page documents as MonkeyPatch.context() is about that, by its full name.
    html = page('<dl class="py class"><dt class="sig sig-object py" id="pkg.Patch"><span class="sig-name descname">'
                'Patch</span></dt><dd><dl class="py method"><dt class="sig sig-object py" id="pkg.Patch.undo">'
                '<span class="sig-name descname">undo</span>()</dt><dd><p>Prefer to use <code>context()</code> '
                'instead.</p><p><code>context()</code> must be used in a with statement.</p><p><code>close()</code> '
                'must be called when done.</p></dd></dl><dl class="py method"><dt class="sig sig-object py" '
                'id="pkg.Patch.context"><span class="sig-name descname">context</span>()</dt><dd><p>A context '
                'manager.</p></dd></dl></dd></dl>')
    rules = rules_of(html)
    assert rules["Prefer to use context() instead."].title == "`pkg.Patch.undo()`: Prefer to use `context()` instead."
    assert rules["context() must be used in a with statement."].title == (
        "`pkg.Patch.context()` must be used in a with statement.")
    assert rules["close() must be called when done."].subject == "close()"  # not documented here: as quoted


def test_the_object_under_a_callables_entry_is_its_operand_not_the_callable():
    # Python's C API: Sphinx's C domain ids carry a "c." prefix; "The object" is Py_INCREF()'s argument.
    html = page('<dl class="c function"><dt class="sig sig-object c" id="c.Py_INCREF"><span class="sig-name '
                'descname">Py_INCREF</span><span class="sig-paren">(</span>PyObject *o<span class="sig-paren">)'
                '</span></dt><dd><p>The object must not be NULL.</p><p>It must be balanced by a decref.</p></dd></dl>')
    rules = rules_of(html)
    assert rules["The object must not be NULL."].title == "`Py_INCREF()`: The object must not be NULL."
    assert rules["It must be balanced by a decref."].title == "`Py_INCREF()` must be balanced by a decref."


def test_the_kind_a_heading_quotes_a_name_for_is_named_in_the_rule():
    # Python's "What's New in 2.5": "the statement" is the heading's 'with' statement; plural "statements" stays.
    rules = rules_of(page("<h2>PEP 343: The \u2018with\u2019 statement</h2><p>The statement will always be enabled "
                          "in Python 2.6.</p><p>The statements must be nested.</p>"))
    assert rules["The statement will always be enabled in Python 2.6."].title == (
        "The `with` statement will always be enabled in Python 2.6.")
    assert rules["The statements must be nested."].title == "The statements must be nested."


def test_a_special_method_is_not_given_the_documenting_class():
    # Python's data model documents hooks as object.__hash__(); "implement `__hash__()`" means the user's class's.
    rules = rules_of(sphinx_method("object.__hash__", "self", "<p>If a class defines mutable objects, it should not "
                                   "implement <code>__hash__()</code>.</p>"))
    assert rules["If a class defines mutable objects, it should not implement __hash__()."].title == (
        "If a class defines mutable objects, it should not implement `__hash__()`.")


def test_a_term_in_plain_words_is_a_topic_not_code():
    # Python's data model: the <dt> "Code objects" names a kind of object, not an identifier to quote.
    rules = rules_of(page("<dl><dt>Code objects</dt><dd><p>Other bits in <code>co_flags</code> are reserved for "
                          "internal use.</p></dd></dl>"))
    rule = rules["Other bits in co_flags are reserved for internal use."]
    assert rule.title == "Other bits in `co_flags` are reserved for internal use."
    assert rule.body.startswith("Code objects: ")
