"""What a sentence is about: the API, option, command or file it names.

Extraction may or may not keep inline code in backticks, so besides
backtick spans we recognise identifiers by their shape: calls
(``Client.close()``), dotted names, ``--flags``, ``snake_case`` keys,
``CamelCase``/``mixedCase`` names, ``UPPER_CASE`` settings, file names,
``<Tags>``, ``@decorators``, ``@scope/packages``, ``pkg[extras]``,
requirement specifiers, ``[toml.tables]``, ``Header-Names``, command lines
(``pip install x``, ``npx vitest --run``) and versions. Names the page's own code defines or uses
(``known``) count too, so a plain ``Client`` is a subject on a page whose
examples call ``Client(...)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

# Tools whose name, followed by a subcommand or flags, is a command line even in prose.
_PROSE_TOOLS = (
    "pip|pip3|pipx|uvx|uv|poetry|pdm|hatch|conda|npm|npx|yarn|pnpm|bun|deno|cargo|rustup|docker-compose|docker|"
    "kubectl|helm|git|brew|apt-get|dnf|curl|wget|gradle|mvn|dotnet|gem|bundle|composer|terraform|aws|gcloud|az|"
    "scrapy|django-admin|uvicorn|gunicorn|pytest|tox|nox|python3? -m"
)
_SUBCOMMANDS = frozenset(
    "install add run exec build test init push pull clone commit checkout up down apply get set config migrate "
    "create remove uninstall update upgrade publish start serve dev lint format check sync lock login deploy "
    "compose new generate crawl startproject shell".split()
)
_ARG = r"(?:--?[A-Za-z][\w-]*(?:=[\w./:@-]+)?|\.?[\w@](?:[\w@./:\[\],=<>~*+-]*[\w\]*])?)"
_PROSE_STOP = frozenset(
    "before after in to so when if and or because with for on at by the a an from into then it this that your you "
    "is are every any each only instead first once while until unless whenever rather than as of not never".split()
)
_FILE_NAME = r"(?:[\w-]|\$\{\w+\})+"
_FILE_EXT = r"py|pyi|toml|ya?ml|json|ini|cfg|conf|env|lock|txt|md|mdx|rst|js|mjs|cjs|jsx|ts|tsx|go|rs|rb|java|kt|cs|php|html|css|scss|sh|sql|xml|gradle|proto|dockerfile"

# Ordered by how sure the shape is to name code; earlier kinds claim their text first.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("code", re.compile(r"`([^`\n]{1,80})`")),
    ("command", re.compile(rf"(?<![\w/.-])((?:{_PROSE_TOOLS})(?:\s+{_ARG}){{1,10}})")),
    ("package", re.compile(r"(?<![\w@/.-])(@[a-z0-9][\w.-]*/[\w.-]*\w|[a-z][\w.-]*\[[\w,-]+\])")),
    ("decorator", re.compile(r"(?<![\w.@/])(@[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?:\((?:[^()\n]|\([^()\n]*\)){0,60}\))?)")),
    ("requirement", re.compile(r"(?<![\w.-])([A-Za-z][\w.-]*(?:\[[\w,-]+\])?(?:==|>=|<=|~=|!=)[\w.*]+(?:,\s?(?:==|>=|<=|~=|!=|<|>)[\w.*]+)*)")),
    ("table", re.compile(r"(?<![\w\]])(\[\[?[A-Za-z_][\w-]*(?:\.[\w\"-]+)+\]\]?)")),
    (
        "call",
        re.compile(
            r"(?<![\w.@/:-])((?:[A-Za-z_$][\w$]*(?:\.|::))*[A-Za-z_$][\w$]*(?:<[\w, ]*>)?!?\((?:[^()\n]|\([^()\n]*\)){0,60}\))"
        ),
    ),
    ("generic", re.compile(r"(?<![\w.:])((?:[A-Za-z_]\w*(?:\.|::))*[A-Z]\w*<[\w ,:&'<>]{1,40}?>)(?![\w>])")),
    ("flag", re.compile(r"(?<![\w-])(--[a-z0-9][\w-]*(?:=[\w./:-]+)?)")),
    ("tag", re.compile(r"(</?[A-Za-z][\w.-]*(?:\s[^<>]{0,40})?/?>)")),
    ("file", re.compile(rf"(?<![\w/.$-])((?:{_FILE_NAME}/)*\.?{_FILE_NAME}(?:\.{_FILE_NAME})*\.(?:{_FILE_EXT}))(?![\w])", re.I)),
    ("kwarg", re.compile(r"(?<![\w.$-])([A-Za-z_][\w-]*=(?:\([^()\n]{0,60}\)|\[[^\[\]\n]{0,60}\]|\"[^\"\s]{0,30}\"|'[^'\s]{0,30}'|[\w.:/-]*[\w/]))")),
    ("dotted", re.compile(r"(?<![\w.@/:-])([A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*(?:-[A-Za-z0-9_]+)*)+)(?![\w(-])")),
    ("dotenv", re.compile(r"(?<![\w.])(\.(?:env|gitignore|npmrc|pypirc|editorconfig|dockerignore)(?:\.\w+)?)\b")),
    ("constant", re.compile(r"(?<![\w.$])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")),
    ("header", re.compile(r"(?<![\w-])([A-Z][a-z]+(?:-[A-Z][a-z]+)+)(?![\w-])")),
    ("snake", re.compile(r"(?<![\w.$-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+=?)(?![\w(])")),
    ("camel", re.compile(r"(?<![\w.$])([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[A-Z]{2,}[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*|[a-z]+(?:[A-Z][a-z0-9]*)+)\b")),
    ("version", re.compile(r"(?<![\w.])((?:v|version\s+|python\s*|node(?:\.js)?\s*)?\d+\.\d+(?:\.\d+)?(?:[a-z]+\d*)?\+?)(?![\w.])", re.I)),
)

# Dotted shapes that are prose, not code.
_NOT_DOTTED = frozenset({"e.g", "i.e", "etc", "a.k.a", "u.s", "vs", "et.al", "ph.d"})
# Camel-looking words that are product or company names in prose.
_NOT_CAMEL = frozenset(
    {"JavaScript", "TypeScript", "GitHub", "GitLab", "PyPI", "MacOS", "iOS", "macOS", "YouTube", "LinkedIn",
     "PowerShell", "PostgreSQL", "MySQL", "MongoDB", "OAuth", "WebSocket", "WebSockets", "DevOps", "OpenAPI",
     "iPhone", "iPad", "NumPy", "SciPy", "PyTorch", "TensorFlow", "FastAPI", "GraphQL", "NoSQL", "JSON",
     "eBay", "IntelliJ", "VSCode", "WordPress", "DevTools", "StackOverflow", "HuggingFace", "OpenAI", "SQLite",
     "ChatGPT", "JetBrains", "CamelCase", "PascalCase", "LaTeX", "README", "macOS", "tvOS", "watchOS"}
)
_NOT_CALL_NAMES = frozenset({"e.g", "i.e", "etc", "see", "and", "or", "if", "for", "the", "a", "an", "in", "to", "of", "is", "on"})
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass(frozen=True, slots=True)
class Subject:
    """An identifier found in a sentence, with the shape that recognised it."""

    text: str
    kind: str
    start: int

    @property
    def is_code(self) -> bool:
        """True for anything but a bare version number."""
        return self.kind != "version"


def _trim_command(text: str) -> str | None:
    """Cut a prose command line where the prose resumes; None when it is not a command."""
    words = text.split()
    head = 2 if words[0].startswith("python") else 1  # "python -m" is the tool
    kept = words[:head]
    for word in words[head:]:
        if word.lower() in _PROSE_STOP:
            break
        kept.append(word)
    args = kept[head:]
    if not args:
        return None
    if head == 1 and not (any(arg.startswith("-") for arg in args) or args[0] in _SUBCOMMANDS):
        return None  # "git history", "docker images are": a tool's name in prose
    return " ".join(kept)


def _accept(kind: str, text: str) -> bool:
    if kind == "dotted":
        lowered = text.lower()
        if lowered in _NOT_DOTTED or "" in lowered.split("."):
            return False
        # "Node.js" and friends are names, a domain is a host: both still name something specific.
        return not text.replace(".", "").isdigit()
    if kind == "call":
        name = text.split("(", 1)[0].lower()
        return name not in _NOT_CALL_NAMES and not name.endswith(("e.g", "i.e"))
    if kind == "camel":
        return text not in _NOT_CAMEL
    if kind == "snake":
        return len(text) > 3
    if kind == "code":
        return bool(text.strip())
    return True


_IDENT_TOKEN = re.compile(r"(?<![\w.$])[A-Za-z_$][\w$]*(?![\w$])")
_WORD_PAIR = re.compile(r"(?<![\w/.-])(?=(\S+\s+\S+))")


# A cheap test each shape needs to pass before its regex runs: a character or
# word every match contains. Most sentences fail most of them.
_FILE_END = re.compile(rf"\.(?:{_FILE_EXT})(?![\w])", re.I)  # how every file name ends
_CALL_OPEN = re.compile(r"[\w$>!]\(")
_DOTTED_JOIN = re.compile(r"[.:][A-Za-z_$]")
_CAMEL_PAIR = re.compile(r"[A-Z](?<=[a-zA-Z0-9][A-Z])")  # an upper-case letter after a letter or digit
_VERSION_NUMBER = re.compile(r"\d\.\d")
_DOTENV_NAMES = (".env", ".gitignore", ".npmrc", ".pypirc", ".editorconfig", ".dockerignore")
_REQUIREMENT_OPS = ("==", ">=", "<=", "~=", "!=")


def _tool_names() -> frozenset[str]:
    """The prose tools' names as they appear before their arguments (``python3? -m``: python, python3)."""
    names: set[str] = set()
    for tool in _PROSE_TOOLS.split("|"):
        head = tool.split()[0]
        names.update((head.replace("3?", ""), head.replace("3?", "3")) if "3?" in head else (head,))
    return frozenset(names)


_TOOL_NAMES = _tool_names()
# A command line's tool is a whole run of these characters followed by whitespace.
_RUN_BEFORE_SPACE = re.compile(r"(?<![\w/.-])([\w/.-]++)\s")
_MAY_MATCH: dict[str, Callable[[str], bool]] = {
    "code": lambda s: "`" in s,
    "command": lambda s: not _TOOL_NAMES.isdisjoint(_RUN_BEFORE_SPACE.findall(s)),
    "package": lambda s: "@" in s or "[" in s,
    "decorator": lambda s: "@" in s,
    "requirement": lambda s: "=" in s and any(op in s for op in _REQUIREMENT_OPS),
    "table": lambda s: "[" in s,
    "call": lambda s: "(" in s and _CALL_OPEN.search(s) is not None,
    "generic": lambda s: "<" in s,
    "flag": lambda s: "--" in s,
    "tag": lambda s: "<" in s,
    "file": lambda s: _FILE_END.search(s) is not None,
    "kwarg": lambda s: "=" in s,
    "dotted": lambda s: _DOTTED_JOIN.search(s) is not None,
    "dotenv": lambda s: any(name in s for name in _DOTENV_NAMES),
    "constant": lambda s: "_" in s,
    "header": lambda s: "-" in s,
    "snake": lambda s: "_" in s,
    "camel": lambda s: _CAMEL_PAIR.search(s) is not None,
    "version": lambda s: _VERSION_NUMBER.search(s) is not None,
}
_NOT_PATH_CHAR = re.compile(r"[\w/-]")
_TIER = {"code": 0, "version": 2}


@lru_cache(maxsize=64)
def _known_names(known: frozenset[str]) -> frozenset[str]:
    return frozenset(name for name in known if len(name) > 2 and _IDENT.fullmatch(name))


@lru_cache(maxsize=64)
def _commands_by_head(commands: tuple[str, ...]) -> dict[str, list[str]]:
    """Each command's 2..n-word prefixes, longest first, under its first two words."""
    heads: dict[str, list[str]] = {}
    for command in sorted(set(commands), key=len, reverse=True):
        words = command.split()
        for size in range(len(words), 1, -1):
            heads.setdefault(" ".join(words[:2]), []).append(" ".join(words[:size]))
    for prefixes in heads.values():
        prefixes.sort(key=len, reverse=True)
    return heads


@lru_cache(maxsize=64)
def _command_first_words(commands: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({head.split()[0] for head in _commands_by_head(commands)}))


def find_subjects(sentence: str, known: Iterable[str] = (), commands: Iterable[str] = ()) -> list[Subject]:
    """Identifiers in ``sentence``: backtick spans first, then by position; no overlaps.

    ``known`` are names from the page's code, ``commands`` its command lines
    (a sentence quoting the first words of one names that command).
    """
    return list(_subjects(sentence, frozenset(known), tuple(commands)))


# Pages ask about the same sentence several times (directive, evidence, rule body, title).
@lru_cache(maxsize=2048)
def _subjects(sentence: str, known: frozenset[str], commands: tuple[str, ...]) -> tuple[Subject, ...]:
    found: list[Subject] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        for a, b in taken:
            if end > a and start < b:
                return False
        return True

    def take(text: str, kind: str, start: int, end: int) -> None:
        taken.append((start, end))
        found.append(Subject(text, kind, start))

    def shapes(patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> None:
        for kind, pattern in patterns:
            if not _MAY_MATCH[kind](sentence):
                continue
            for match in pattern.finditer(sentence):
                text = match.group(1).strip().rstrip("=")
                start, end = match.span(1)
                if kind == "command":
                    trimmed = _trim_command(text)
                    if trimmed is None:
                        continue
                    text, end = trimmed, start + len(trimmed)
                if _accept(kind, text) and free(start, end):
                    take(text, kind, start, end)

    shapes(_PATTERNS[:2])  # backtick spans, prose command lines
    heads = _commands_by_head(commands)
    if heads and any(word in sentence for word in _command_first_words(commands)):
        for match in _WORD_PAIR.finditer(sentence):
            for prefix in heads.get(" ".join(match.group(1).split()), ()):
                end = match.start() + len(prefix)
                if sentence.startswith(prefix, match.start()) and (end == len(sentence) or not _NOT_PATH_CHAR.match(sentence[end])):
                    if free(match.start(), end):
                        take(prefix, "command", match.start(), end)
                    break
    shapes(_PATTERNS[2:])
    names = _known_names(known)
    if names and not names.isdisjoint(_IDENT_TOKEN.findall(sentence)):
        for match in _IDENT_TOKEN.finditer(sentence):
            if match.group(0) in names and free(*match.span()):
                take(match.group(0), "known", *match.span())
    # Backtick spans are explicit; otherwise the first identifier mentioned is
    # what the sentence is about ("Use X instead of Y" is about X); versions last.
    found.sort(key=lambda s: (_TIER.get(s.kind, 1), s.start))
    return tuple(found)


def strip_backticks(text: str) -> str:
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] == "`" else text
