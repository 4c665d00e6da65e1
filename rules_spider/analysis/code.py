"""Patterns in a page's code: imports, calls, decorators, config keys, CLI
invocations and API signatures, plus the language of each code block.

Languages come from the block's own label when the page gives one
(normalised through common aliases: ``py`` -> ``python``); otherwise from
the code's shape. Any label a page uses is kept, so languages nobody listed
here still show up under their own name.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rules_spider.items import Block, DocPage

LANGUAGE_ALIASES: dict[str, str | None] = {
    "py": "python", "python3": "python", "py3": "python", "pycon": "python", "ipython": "python",
    "js": "javascript", "node": "javascript", "mjs": "javascript", "cjs": "javascript",
    "ts": "typescript", "tsx": "typescript", "jsx": "javascript",
    "sh": "shell", "bash": "shell", "zsh": "shell", "console": "shell", "shell-session": "shell",
    "shellsession": "shell", "terminal": "shell", "fish": "shell", "cmd": "shell", "bat": "shell",
    "ps": "powershell", "ps1": "powershell", "pwsh": "powershell",
    "yml": "yaml", "rs": "rust", "golang": "go", "rb": "ruby", "kt": "kotlin", "cs": "csharp",
    "c#": "csharp", "c++": "cpp", "cxx": "cpp", "hpp": "cpp", "h": "c", "docker": "dockerfile",
    "htm": "html", "xhtml": "html", "vue": "vue", "svelte": "svelte", "md": "markdown",
    "tf": "hcl", "terraform": "hcl", "cfg": "ini", "conf": "ini", "properties": "ini", "dotenv": "env",
    "jsonc": "json", "json5": "json", "text": None, "txt": None, "none": None, "plain": None,
    "plaintext": None, "default": None, "output": None,
}
SHELL_LANGUAGES = frozenset({"shell", "powershell"})
CONFIG_LANGUAGES = frozenset({"toml", "yaml", "json", "ini", "env"})

# First words that make an unlabelled line a command line.
_COMMANDS = frozenset(
    "pip pip3 pipx python python3 py uv uvx poetry pdm hatch conda mamba npm npx yarn pnpm bun deno node "
    "cargo rustup rustc go docker docker-compose podman kubectl helm git make cmake brew apt apt-get dnf yum "
    "curl wget gradle gradlew mvn dotnet gem bundle rails rake composer php java javac terraform aws gcloud az "
    "scrapy scrapyd django-admin flask uvicorn gunicorn hypercorn pytest tox nox ng vue vite next nuxt "
    "export cd mkdir source echo cat chmod sudo ssh scp rsync tar unzip heroku vercel netlify firebase".split()
)
_PROMPT = re.compile(r"^\s*(?:\(\S+\)\s*)?(?:\$|%|PS>|PS [^>]*>|>>>\s*!|❯)\s+")
_PY_IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)\s*;?\s*$", re.M)
_PY_FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?([\w\s,*]+?)\)?\s*$", re.M)
_JS_IMPORT = re.compile(r"^\s*import\s+(?:type\s+)?(?:(.+?)\s+from\s+)?['\"]([^'\"]+)['\"]", re.M)
_JS_REQUIRE = re.compile(r"\brequire\(\s*['\"]([^'\"]+)['\"]\s*\)|\bimport\(\s*['\"]([^'\"]+)['\"]\s*\)")
_GO_IMPORT = re.compile(r"^\s*import\s+(?:\w+\s+)?\"([^\"]+)\"|^\s*import\s*\(([^)]*)\)", re.M)
_RUST_USE = re.compile(r"^\s*(?:pub\s+)?use\s+([\w:]+)", re.M)
_JAVA_IMPORT = re.compile(r"^\s*import\s+(?:static\s+)?([\w.]+(?:\.\*)?)\s*;", re.M)
_CS_USING = re.compile(r"^\s*using\s+([\w.]+)\s*;", re.M)
_INCLUDE = re.compile(r"^\s*#\s*include\s+[<\"]([^>\"]+)[>\"]", re.M)
_RUBY_REQUIRE = re.compile(r"^\s*require(?:_relative)?\s+['\"]([^'\"]+)['\"]", re.M)
_DOTTED_CALL = re.compile(r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*)\s*\(")
_BARE_CALL = re.compile(r"(?<![\w$.@])([A-Za-z_$][\w$]*)\s*\(")
_DECORATOR = re.compile(r"^\s*@([A-Za-z_][\w.]*)", re.M)
_TOML_SECTION = re.compile(r"^\s*\[\[?\s*([^\]\s]+)\s*\]\]?\s*$")
_KEY_EQ = re.compile(r"^\s*([A-Za-z_][\w.\-]*|\"[^\"]+\")\s*=")
_YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][\w.\-/]*|\"[^\"]+\"|'[^']+')\s*:(?:\s|$)")
_SIGNATURE_DEF = re.compile(
    r"^\s*(?:(?:export\s+)?(?:async\s+)?(?:def|function|fn|func|class|interface)\s+|pub\s+(?:async\s+)?fn\s+)"
    r"([A-Za-z_$][\w$.]*\s*(?:<[^>]*>)?\s*\([^)]*\)?(?:\s*(?:->|:)\s*[^:{=]+)?)"
)
_SIGNATURE_LINE = re.compile(
    r"^\s*(?:(?:class|async\s+def|def|function|method)\s+)?"
    r"((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*\((?:[^()]|\([^()]*\))*\)(?:\s*(?:->|:)\s*[\w\[\], .|]+)?)\s*$"
)
_LANGUAGE_CHECK_SOURCES: tuple[tuple[str, str], ...] = (
    ("dockerfile", r"^FROM\s+\S+(?:\s|$)"),
    ("python", r"^\s*(?:def|class|async\s+def)\s+\w+.*:\s*$|^\s*from\s+[\w.]+\s+import\s|^\s*import\s+[\w.]+\s*$|^\s*@\w[\w.]*(?:\(.*\))?\s*$"),
    ("go", r"^package\s+\w+|^\s*func\s+(?:\(\w+\s+\*?\w+\)\s*)?\w+\(|:=\s"),
    ("rust", r"^\s*(?:pub\s+)?fn\s+\w+|\blet\s+mut\b|^\s*use\s+\w+::|println!\("),
    ("java", r"^\s*(?:public|private|protected)\s+(?:static\s+)?(?:class|void|final)\b"),
    ("typescript", r":\s*(?:string|number|boolean|void)\b|^\s*(?:export\s+)?(?:interface|type)\s+\w+\s*[={]"),
    ("javascript", r"^\s*(?:const|let|var)\s+\w+\s*=|=>|\brequire\(|^\s*import\s+.+\s+from\s+['\"]|^\s*export\s+(?:default|const|function)"),
    ("sql", r"^\s*(?:SELECT|INSERT\s+INTO|CREATE\s+(?:TABLE|INDEX)|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b"),
    ("html", r"^\s*<(?:!DOCTYPE|html|div|head|body|script|template)\b"),
    ("toml", r"^\s*\[[\w.\-\"]+\]\s*$"),
    ("yaml", r"^[A-Za-z_][\w.\-]*:\s*(?:\S.*)?$"),
    ("ini", r"^\s*[A-Za-z_][\w.\-]*\s*=\s*\S"),
    ("python", r"^\s*\w+(?:\.\w+)*\(.*\)\s*$|^\s*print\("),
)
_LANGUAGE_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (language, re.compile(source, re.M | (re.I if language == "sql" else 0))) for language, source in _LANGUAGE_CHECK_SOURCES
)
_NAME_SEPARATOR = re.compile(r"[./:]")
_NOT_A_WORD = re.compile(r"[A-Z_.$]")
_NAME_LIST_SEPARATOR = re.compile(r"[\s,]+")
_WORD = re.compile(r"\w+")
_JS_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_QUOTED = re.compile(r"\"([^\"]+)\"")
_JSON_KEY = re.compile(r"\"([\w.\-$@/]+)\"\s*:")
_SPACES = re.compile(r"\s+")
_KEYWORDS = frozenset(
    "if for while switch return print with elif else catch function def class new typeof sizeof await async "
    "super this self lambda yield assert not and or in is match case when unless until loop fn func var let const "
    "import from require export raise throw try except finally defer go echo".split()
)


@dataclass(slots=True)
class CodePatterns:
    """What a page's code blocks use and configure, in first-seen order."""

    imports: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    decorators: list[str] = field(default_factory=list)
    config_keys: list[str] = field(default_factory=list)
    cli: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)

    def identifiers(self) -> frozenset[str]:
        """Distinctive names the code uses, to recognise them in prose.

        Imported packages, and names with a shape no English word has
        (``Client``, ``max_retries``, ``useState``); plain lowercase words
        such as ``get`` or ``port`` are left out, they would match prose.
        """
        names: set[str] = {_NAME_SEPARATOR.split(value)[0] for value in self.imports}
        for value in [*self.imports, *self.calls, *self.decorators, *self.config_keys]:
            names.add(value)
            names.update(_NAME_SEPARATOR.split(value))
        for signature in self.signatures:
            names.add(signature.split("(", 1)[0].strip())
        packages = {_NAME_SEPARATOR.split(value)[0] for value in self.imports}
        return frozenset(
            name
            for name in names
            if len(name) > 2
            and name.lower() not in _KEYWORDS
            and (name in packages or _NOT_A_WORD.search(name))
        )


def normalise_language(label: str | None) -> str | None:
    """A code block's language label in a canonical spelling (unknown labels kept as given)."""
    if not label:
        return None
    key = label.strip().lower().removeprefix("language-").removeprefix("lang-")
    if key in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[key]
    return key or None


def _first_word(line: str) -> str:
    words = _PROMPT.sub("", line).strip().split()
    return words[0] if words else ""


def guess_language(code: str) -> str | None:
    """The language of unlabelled code, from its shape; None when unsure."""
    stripped = code.strip()
    if not stripped:
        return None
    lines = [line for line in stripped.splitlines() if line.strip()]
    if any(_PROMPT.match(line) for line in lines) or _first_word(lines[0]) in _COMMANDS:
        return "shell"
    if stripped[0] in "{[" and stripped[-1] in "}]":
        try:
            json.loads(stripped)
            return "json"
        except ValueError:
            pass
    for language, pattern in _LANGUAGE_CHECKS:
        matches = pattern.findall(stripped)
        if language == "yaml" and len(matches) < 2:
            continue
        if matches:
            return language
    return None


def block_language(block: Block) -> str | None:
    return normalise_language(block.language) or guess_language(block.text)


def _add(target: list[str], values: Iterable[str], seen: set[str]) -> None:
    for value in values:
        value = value.strip()
        if value and value not in seen:
            seen.add(value)
            target.append(value)


def _imports(code: str) -> list[str]:
    found: list[str] = []
    # Each pattern needs its keyword in the code; most blocks lack most of them.
    has_import, has_require = "import" in code, "require" in code
    if has_import:
        for match in _PY_FROM.finditer(code):
            module = match.group(1)
            found.append(module)
            for name in _NAME_LIST_SEPARATOR.split(match.group(2)):
                if name and name not in ("as", "*") and _WORD.fullmatch(name):
                    found.append(f"{module}.{name}")
        for match in _PY_IMPORT.finditer(code):
            for part in match.group(1).split(","):
                found.append(part.split(" as ")[0].strip())
        for match in _JS_IMPORT.finditer(code):
            found.append(match.group(2))
            names = match.group(1) or ""
            for name in _JS_NAME.findall(names.replace(" as ", " ")):
                if name not in ("type", "as"):
                    found.append(f"{match.group(2)}.{name}")
    if has_import or has_require:
        for match in _JS_REQUIRE.finditer(code):
            found.append(match.group(1) or match.group(2))
    if has_import:
        for match in _GO_IMPORT.finditer(code):
            if match.group(1):
                found.append(match.group(1))
            else:
                found.extend(_QUOTED.findall(match.group(2)))
    for pattern, keyword in ((_RUST_USE, "use"), (_CS_USING, "using"), (_INCLUDE, "include"), (_RUBY_REQUIRE, "require")):
        if keyword in code:
            found.extend(match.group(1) for match in pattern.finditer(code))
    if has_import:
        found.extend(match.group(1) for match in _JAVA_IMPORT.finditer(code) if "." in match.group(1))
    return found


def _calls(code: str, imported_names: set[str]) -> list[str]:
    found = [m.group(1) for m in _DOTTED_CALL.finditer(code) if not m.group(1).split(".")[0] in ("self", "this")]
    for match in _BARE_CALL.finditer(code):
        name = match.group(1)
        if name.lower() in _KEYWORDS:
            continue
        line_start = code.rfind("\n", 0, match.start()) + 1
        if _SIGNATURE_DEF.match(code[line_start : match.end()]):
            continue  # a definition, not a call
        if name[0].isupper() or name in imported_names:
            found.append(name)
    return found


def _config_keys(code: str, language: str | None) -> list[str]:
    if language == "json":
        try:
            data = json.loads(code)
        except ValueError:
            return _JSON_KEY.findall(code)
        keys: list[str] = []

        def walk(node: object, prefix: str) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    path = f"{prefix}.{key}" if prefix else str(key)
                    keys.append(path)
                    walk(value, path)
            elif isinstance(node, list):
                for item in node:
                    walk(item, prefix)

        walk(data, "")
        return keys
    keys = []
    if language == "yaml":
        stack: list[tuple[int, str]] = []
        for line in code.splitlines():
            match = _YAML_KEY.match(line)
            if not match or line.lstrip().startswith("#"):
                continue
            indent = len(match.group(1)) + (2 if line.lstrip().startswith("- ") else 0)
            key = match.group(2).strip("\"'")
            while stack and stack[-1][0] >= indent:
                stack.pop()
            path = ".".join([*(k for _, k in stack), key])
            keys.append(path)
            stack.append((indent, key))
        return keys
    section = ""
    for line in code.splitlines():
        if line.lstrip().startswith(("#", ";")):
            continue
        header = _TOML_SECTION.match(line)
        if header:
            section = header.group(1).strip("\"")
            keys.append(section)
            continue
        match = _KEY_EQ.match(line)
        if match:
            key = match.group(1).strip("\"")
            keys.append(f"{section}.{key}" if section else key)
    return keys


def _cli(code: str, language: str | None) -> list[str]:
    commands: list[str] = []
    lines = code.replace("\\\n", " ").splitlines()
    prompted = any(_PROMPT.match(line) for line in lines)
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if prompted:
            if _PROMPT.match(line):
                commands.append(_SPACES.sub(" ", _PROMPT.sub("", line)).strip())
        elif language in SHELL_LANGUAGES or (language is None and _first_word(line) in _COMMANDS):
            commands.append(_SPACES.sub(" ", line).strip())
    return commands


def signature_lines(text: str) -> list[str]:
    """Lines of prose that are an API signature on their own, e.g. ``Client.get(url, *, timeout=None)``."""
    found: list[str] = []
    for line in text.splitlines():
        match = _SIGNATURE_LINE.match(line)
        if match and len(line) <= 200:
            found.append(match.group(1).strip())
    return found


def extract_code_patterns(blocks: Iterable[Block]) -> CodePatterns:
    """Patterns of the code blocks (and signature-like prose lines) in ``blocks``."""
    patterns = CodePatterns()
    seen: dict[str, set[str]] = {name: set() for name in ("imports", "calls", "decorators", "config_keys", "cli", "signatures")}
    languages: Counter[str] = Counter()
    for block in blocks:
        if block.kind != "code":
            if block.kind in ("paragraph", "list"):
                _add(patterns.signatures, signature_lines(block.text), seen["signatures"])
            continue
        code = block.text
        language = block_language(block)
        if language:
            languages[language] += 1
        _add(patterns.cli, _cli(code, language), seen["cli"])
        if language in SHELL_LANGUAGES:
            continue
        if language in CONFIG_LANGUAGES:
            _add(patterns.config_keys, _config_keys(code, language), seen["config_keys"])
            continue
        imports = _imports(code)
        _add(patterns.imports, imports, seen["imports"])
        imported_names = {name.rsplit(".", 1)[-1] for name in imports}
        _add(patterns.calls, _calls(code, imported_names), seen["calls"])
        _add(patterns.decorators, (m.group(1) for m in _DECORATOR.finditer(code)), seen["decorators"])
        _add(patterns.signatures, (m.group(1).strip() for m in map(_SIGNATURE_DEF.match, code.splitlines()) if m), seen["signatures"])
        if code.count("\n") < 3:  # a signature rendered as code (Sphinx <dt>, MkDocs API headings)
            _add(patterns.signatures, signature_lines(code), seen["signatures"])
    patterns.languages = dict(languages.most_common())
    return patterns


def page_code_patterns(page: DocPage) -> CodePatterns:
    """Code patterns of the page, with API signatures its headings spell out (``createStore(options)``)."""
    patterns = extract_code_patterns(block for section in page.sections for block in section.blocks)
    for section in page.sections:
        for signature in signature_lines(section.heading):
            if signature not in patterns.signatures:
                patterns.signatures.append(signature)
    return patterns
