"""Code blocks: verbatim text and the language the page states."""

from __future__ import annotations

import re

from lxml import etree

from rules_spider.extraction.page_chrome import is_boilerplate

_LANG_PREFIXES = ("language-", "lang-", "highlight-", "sourcecode-")
_LANG_ATTRS = ("data-lang", "data-language", "lang")
_BRUSH = re.compile(r"brush:\s*([\w+#-]+)")
# Spellings of one language collapse to one name; "no language" spellings become None.
LANGUAGE_ALIASES: dict[str, str | None] = {
    "py": "python", "py3": "python", "python3": "python", "default": "python", "ipython": "python",
    "ipython3": "python", "ts": "typescript", "js": "javascript", "mjs": "javascript", "cjs": "javascript",
    "sh": "bash", "shell": "bash", "zsh": "bash", "yml": "yaml", "c++": "cpp", "cxx": "cpp", "cs": "csharp",
    "c#": "csharp", "rs": "rust", "golang": "go", "md": "markdown", "docker": "dockerfile", "ps1": "powershell",
    "pwsh": "powershell", "kt": "kotlin", "rb": "ruby", "tf": "hcl", "terraform": "hcl", "htm": "html",
    "text": None, "txt": None, "plain": None, "plaintext": None, "none": None, "nohighlight": None,
    "output": None, "raw": None,
}
# How far above a <pre> a theme may put the language class (MkDocs Material with
# line-number tables puts it five levels up).
_MAX_ANCESTORS = 6
_NO_LANGUAGE = "\0"


def normalise_language(name: str) -> str | None:
    name = name.strip().lower()
    if not name:
        return None
    if name in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[name]
    return name


def code_text(pre: etree._Element) -> str:
    """The code verbatim, without line numbers, copy buttons or prompts' markup."""
    parts: list[str] = []
    _gather_code(pre, parts)
    text = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip("\n").rstrip()


def _gather_code(el: etree._Element, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if tag == "br":
            parts.append("\n")
        elif (tag == "span" and _is_token_span(child)) or not is_boilerplate(child):
            _gather_code(child, parts)
        if child.tail:
            parts.append(child.tail)


def _is_token_span(span: etree._Element) -> bool:
    # Fast path for the thousands of highlighter token spans ("k", "nx", "token keyword").
    attrib = span.attrib
    return len(attrib) == 1 and len(attrib.get("class", "")) <= 16 and "line" not in attrib.get("class", "")


def code_language(pre: etree._Element, stop: etree._Element | None = None) -> str | None:
    """Language named on the <pre>, its <code>, or a wrapper up to a few levels above."""
    found = _language_of(pre)
    if found is None:
        for child in pre:
            if child.tag == "code":
                found = _language_of(child)
                break
    el = pre
    depth = 0
    while found is None and depth < _MAX_ANCESTORS and el is not stop:
        el = el.getparent()
        if el is None:
            break
        found = _language_of(el)
        depth += 1
    if found is None or found == _NO_LANGUAGE:
        return None
    return found


def _language_of(el: etree._Element) -> str | None:
    """Language, _NO_LANGUAGE when the element says 'no language', None when it says nothing."""
    cls = el.get("class")
    if cls:
        tokens = cls.split()
        for token in tokens:
            low = token.lower()
            for prefix in _LANG_PREFIXES:
                if low.startswith(prefix) and len(low) > len(prefix):
                    return _or_none(low[len(prefix):])
        if "sourceCode" in tokens:  # pandoc: class="sourceCode python"
            for token in tokens:
                if token != "sourceCode":
                    return _or_none(token)
        match = _BRUSH.search(cls)
        if match:
            return _or_none(match.group(1))
    for name in _LANG_ATTRS:
        value = el.get(name)
        if value and (name != "lang" or el.tag in ("pre", "code")):
            return _or_none(value)
    return None


def _or_none(name: str) -> str:
    language = normalise_language(name)
    return _NO_LANGUAGE if language is None else language
