"""Turn a directive sentence into a rule's body and title, deterministically.

The body is the sentence in the imperative, with the reader-addressing
scaffolding removed ("You should always call X" -> "Always call X",
"It is recommended to X" -> "X", "Instead of X, use Y" -> "Use Y instead
of X") and nothing else changed: names, versions, conditions and every
negation stay. A rewrite that would lose a negation is discarded in favour
of the sentence itself. The title is the clause of the body that gives the
instruction, at most about a dozen words, and names the subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rules_spider.analysis.antipatterns import AntiPattern
from rules_spider.analysis.cues import classify, find_cues
from rules_spider.analysis.folding import Needs, WordSet, fold_case, passes
from rules_spider.analysis.subjects import strip_backticks
from rules_spider.analysis.words import IMPERATIVE_VERBS, LEADING_LABEL, NEGATION_OR_AVERSION

_F = re.I
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
# Gerunds after "we recommend" that read better as imperatives.
_GERUNDS = {
    "using": "use", "setting": "set", "running": "run", "calling": "call", "passing": "pass", "adding": "add",
    "installing": "install", "enabling": "enable", "disabling": "disable", "pinning": "pin", "creating": "create",
    "keeping": "keep", "closing": "close", "writing": "write", "configuring": "configure", "specifying": "specify",
    "defining": "define", "declaring": "declare", "importing": "import", "wrapping": "wrap", "reusing": "reuse",
    "storing": "store", "putting": "put", "upgrading": "upgrade", "migrating": "migrate", "switching": "switch",
    "checking": "check", "validating": "validate", "providing": "provide", "returning": "return", "raising": "raise",
    "starting": "start", "stopping": "stop", "naming": "name", "placing": "place", "registering": "register",
    "handling": "handle", "catching": "catch", "avoiding": "avoid", "sharing": "share", "leaving": "leave",
}
_GERUND = "|".join(_GERUNDS)
# (pattern, replacement) applied at the start of the sentence or of a clause (group 1).
_CLAUSE = r"(^|[,;:.!]\s+)"
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_CLAUSE + r"please\s+", _F), r"\1"),
    (re.compile(_CLAUSE + r"you\s+(?:should|must)\s+(always|never)\s+", _F), r"\1\2 "),
    (re.compile(_CLAUSE + r"you\s+(?:should|must)\s+not\s+ever\s+", _F), r"\1never "),
    (re.compile(_CLAUSE + r"you\s+(?:should\s+not|shouldn['\u2019]t|must\s+not|mustn['\u2019]t)\s+", _F), r"\1do not "),
    (re.compile(_CLAUSE + r"you\s+(?:should|must|ought\s+to|need\s+to|have\s+to|will\s+want\s+to)\s+(?:also\s+)?", _F), r"\1"),
    (re.compile(_CLAUSE + r"(?:we|i)\s+(?:strongly\s+|highly\s+)?recommend\s+against\s+", _F), r"\1avoid "),
    (re.compile(_CLAUSE + r"(?:we|i)\s+(?:strongly\s+|highly\s+)?recommend\s+(?:that\s+)?you\s+(?:always\s+)?", _F), r"\1"),
    (re.compile(_CLAUSE + r"(?:we|i)\s+(?:strongly\s+|highly\s+)?recommend\s+(" + _GERUND + r")\b", _F), r"\1<\2>"),
    (re.compile(_CLAUSE + r"(?:we|i)\s+(?:strongly\s+|highly\s+)?recommend\s+", _F), r"\1prefer "),
    (re.compile(_CLAUSE + r"it\s+is\s+(?:strongly\s+|highly\s+)?recommended\s+(?:that\s+you\s+|to\s+)", _F), r"\1"),
    (re.compile(_CLAUSE + r"it\s+is\s+(?:strongly\s+|highly\s+)?(?:not\s+recommended|discouraged)\s+to\s+", _F), r"\1do not "),
    (re.compile(_CLAUSE + r"it(?:\s+is|['\u2019]s)\s+(?:a\s+)?(?:good|best)\s+(?:idea|practice)\s+to\s+", _F), r"\1"),
    (re.compile(_CLAUSE + r"make\s+sure\s+(?:that\s+)?you\s+", _F), r"\1make sure you "),
)
# Words each rewrite above cannot match without (see ``folding``), in the same order.
_REWRITE_NEEDS: tuple[Needs, ...] = (
    (("please",),),
    (("you",), ("should", "must"), ("always", "never")),
    (("you",), ("ever",)),
    (("you",), ("should", "must")),
    (("you",), ("should", "must", "ought", "need", "have", "want")),
    (("recommend",), ("against",)),
    (("recommend",), ("you",)),
    (("recommend",),),
    (("recommend",),),
    (("recommended",),),
    (("recommended", "discouraged"),),
    (("good", "best"), ("idea", "practice")),
    (("sure",), ("you",)),
)
assert len(_REWRITE_NEEDS) == len(_REWRITES)
_WORDS = WordSet(_REWRITE_NEEDS)
_REWRITE_MASKS = tuple(_WORDS.masks(needs) for needs in _REWRITE_NEEDS)
_PREFER_TAIL = re.compile(r",\s*(?:which|because|since|so|as|otherwise|and|but)\b.*$|;\s.*$", _F)
_PRONOUN = re.compile(r"^(?:this|it|these|that|they|those|doing\s+so)$", _F)
_CLAUSE_BREAK = re.compile(r",\s|;\s|:\s|[.!]\s|\s[\u2014\u2013-]\s|\s(?:because|when|since|so\s+that|which|unless|otherwise|as\s+(?:this|it|that)|or\s+else|to\s+avoid|to\s+prevent|in\s+order\s+to|if)\s", _F)
_TRAILING_STOP = re.compile(r"(?:\s+(?:the|a|an|to|and|or|of|with|for|in|on|at|by|from|when|if|that|your|you|is|are|be|only))+$", _F)
# After cutting a long title mid-clause, these cannot end it either.
_TRAILING_CUT = re.compile(r"(?:\s+(?:the|a|an|to|and|or|of|with|for|in|on|at|by|from|when|if|that|your|you|is|are|be|instead|than|rather|which|so|but|its|their|it|them|not|only|every|each|any|all|some|one|its|this|these|those))+$", _F)
_CLAUSE_SPLIT = re.compile(r";\s+|:\s+|,\s+but\s+|,\s+and\s+|\s+\u2014\s+", _F)
_LEADING_CONJUNCTION = re.compile(r"^(?:so|and|but|or|then|thus|therefore|hence)\s+(?=\S+\s+\S+\s+\S)", _F)
_DEPRECATION_NOTE = re.compile(r"\s*\(deprecated\b[^)]*\)", _F)
_INTRO_CLAUSE = re.compile(r"^(?:if|when|whenever|in|on|to|for|unless|before|after|while|once|with|by|since|as)\b[^,;]*,\s", _F)
_TITLE_LEAD = re.compile(r"^(?:deprecated\s+(?:since|in|as\s+of)\s+(?:version\s+)?v?\d[\w.]*\s*[:.,]\s*|always\s+|make\s+sure\s+(?:that\s+)?(?:you\s+|to\s+)|be\s+sure\s+to\s+|ensure\s+(?:that\s+)?you\s+)", _F)
# Discourse markers that open a sentence without adding to the instruction.
_DISCOURSE = re.compile(r"^(?:however|also|additionally|in\s+addition|finally|furthermore|moreover|so\s+far|first|then|next|again|note\s+that|remember\s+that|keep\s+in\s+mind\s+that),?\s+(?=\S)", _F)

_SPACES = re.compile(r"\s+")
_TRAILING_COLON = re.compile(r"\s*:\s*$")
_OPENS_INSTEAD_OF = re.compile(r"^\s*instead\s+of\b", _F)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", _F)
_MARKED_GERUND = re.compile(r"<(" + _GERUND + r")>", _F)
_LEADING_NOT = re.compile(r"^not\s+", _F)
_PROSE_WORD = re.compile(r"[a-z][a-z']*[,;:]?")


def _negations(text: str) -> int:
    return len(NEGATION_OR_AVERSION.findall(text))


def _finish(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    text = _TRAILING_COLON.sub(".", text)
    text = _capitalise(text)
    if text and text[-1] not in ".!?)\"'`":
        text += "."
    return text


def _anti_pattern_body(ap: AntiPattern) -> str | None:
    if ap.prefer is None or ap.avoid is None or _PRONOUN.match(ap.avoid):
        return None
    verb = (ap.verb or "use").capitalize()
    # "use Y, which also does Z" -> "use Y instead of X, which also does Z"
    tail_match = _PREFER_TAIL.search(ap.prefer)
    prefer, tail = (ap.prefer[: tail_match.start()], ap.prefer[tail_match.start() :]) if tail_match else (ap.prefer, "")
    if ap.kind == "instead" and _OPENS_INSTEAD_OF.match(ap.sentence):
        return f"{verb} {prefer} instead of {ap.avoid}{tail}."
    if ap.kind == "deprecated":
        avoid = _LEADING_ARTICLE.sub(lambda m: m.group(0).lower(), ap.avoid)
        note = "deprecated" + (f" {ap.version}" if ap.version else "") + (f", removed in {ap.removed}" if ap.removed else "")
        return f"{verb} {prefer} instead of {avoid} ({note}){tail}."
    return None


def imperative_body(sentence: str, anti_pattern: AntiPattern | None = None) -> str:
    """The rule body for a directive ``sentence`` (see the module docstring)."""
    original = _BULLET.sub("", LEADING_LABEL.sub("", sentence)).strip()
    original = _DISCOURSE.sub("", original)
    body = _anti_pattern_body(anti_pattern) if anti_pattern is not None else None
    if body is None:
        body = original
        present = _WORDS.present(fold_case(body))
        for (pattern, replacement), masks in zip(_REWRITES, _REWRITE_MASKS):
            if passes(present, masks):
                rewritten = pattern.sub(replacement, body)
                if rewritten != body:
                    body, present = rewritten, _WORDS.present(fold_case(rewritten))
        if "<" in body:
            body = _MARKED_GERUND.sub(lambda m: _GERUNDS[m.group(1).lower()], body)
    if body != original:  # "It is recommended to not X" -> "Not X" -> "Do not X"
        body = _LEADING_NOT.sub("do not ", body.strip())
    if _negations(body) < _negations(original) and "instead of" not in body:
        body = original
    return _finish(body)


def mark_code(text: str, subjects: Sequence[str]) -> str:
    """Put backticks around each of ``subjects`` in ``text`` (not inside existing code spans)."""
    names = sorted({strip_backticks(s) for s in subjects if s and "`" not in strip_backticks(s)}, key=len, reverse=True)
    if not names:
        return text
    if "" in names:  # an empty name matches between characters: leave that to the regex
        return _code_marker(tuple(names)).sub(lambda m: m.group(0) if m.group(0).startswith("`") else f"`{m.group(0)}`", text)
    return _mark_names(text, names)


@lru_cache(maxsize=64)
def _code_marker(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"`[^`]*`|" + "|".join(rf"(?<![\w$.`-]){re.escape(n)}(?![\w$`]|\.\w)" for n in names))


_NAME_BEFORE = re.compile(r"[\w$.`-]")
_NAME_AFTER = re.compile(r"[\w$`]|\.\w")


def _mark_names(text: str, names: list[str]) -> str:
    """``_code_marker(names).sub(...)`` without compiling a pattern per rule: visit only
    offsets where a name or a backtick starts, left to right; a code span is passed
    whole, and the first (longest) name standing alone at an offset is marked."""
    starts: set[int] = set()
    for needle in (*names, "`"):
        at = text.find(needle)
        while at != -1:
            starts.add(at)
            at = text.find(needle, at + 1)
    pieces: list[str] = []
    copied = 0  # text[:copied] is in pieces
    resume = 0  # no match may start before this offset
    for at in sorted(starts):
        if at < resume:
            continue
        if text[at] == "`":
            close = text.find("`", at + 1)
            if close != -1:
                resume = close + 1
                continue
        if at and _NAME_BEFORE.match(text, at - 1):
            continue
        for name in names:
            end = at + len(name)
            if text.startswith(name, at) and not _NAME_AFTER.match(text, end):
                pieces.append(text[copied:at])
                pieces.append(f"`{name}`")
                copied = resume = end
                break
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)


def directive_clause(text: str) -> str:
    """The clause that gives the instruction: ``text`` itself, unless it opens with a
    statement ("A Client is thread-safe, but an AsyncClient must ...") and a later
    clause is the directive."""
    clauses = [m for m in _CLAUSE_SPLIT.finditer(text) if not _depth_at(text, m.start())]
    if not clauses:
        return text
    first = text[: clauses[0].start()]
    first_word = first.split(maxsplit=1)[0].lower() if first.split() else ""
    if classify(first, has_subject=True) is not None or first_word in IMPERATIVE_VERBS:
        return text
    for index, match in enumerate(clauses):
        end = clauses[index + 1].start() if index + 1 < len(clauses) else len(text)
        clause = text[match.end() : end]
        if classify(clause, has_subject=True) is not None:
            return text[match.end() :]
    return text


def _depth_at(text: str, position: int) -> int:
    if text.find("(", 0, position) == -1 and text.find("[", 0, position) == -1 and text.find("{", 0, position) == -1:
        return 0  # nothing opened before ``position``
    depth = 0
    for char in text[:position]:
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
    return depth


def _capitalise(text: str) -> str:
    """Upper-case a leading prose word, never an identifier (``store.reset()``, ``json-render``)."""
    first = text.split(maxsplit=1)[0] if text.split() else ""
    if _PROSE_WORD.fullmatch(first):
        return text[0].upper() + text[1:]
    return text


def make_title(body: str, subject: str | None = None, max_words: int = 12) -> str:
    """A short title: the clause of the body that gives the instruction, naming ``subject``.

    From the body's directive clause: a long sentence drops its introductory
    clause ("To avoid X, use Y" -> "Use Y"), then ends at the first clause
    break after the instruction's cue word; still too long, it starts at the
    clause holding the cue, and is finally cut to ``max_words`` words.
    """
    text = directive_clause(_DEPRECATION_NOTE.sub("", body.strip().rstrip(".!")))
    lead = _TITLE_LEAD.match(text)
    if lead and len(text[lead.end() :].split()) >= 2:
        text = text[lead.end() :]
    intro = _INTRO_CLAUSE.match(text)
    if intro and len(text.split()) > max_words + 3 and len(text[intro.end() :].split()) >= 3:
        text, intro = text[intro.end() :], None
    cues = find_cues(text)
    opens_with_verb = bool(text.split()) and text.split()[0].lower() in IMPERATIVE_VERBS
    cue_at = cues[0].start if cues and not opens_with_verb else 0
    breaks = [
        m for m in _CLAUSE_BREAK.finditer(text)
        if not (intro and m.start() < intro.end()) and not _depth_at(text, m.start())
    ]
    end = next((m.start() for m in breaks if m.start() > cue_at and len(text[: m.start()].split()) >= 3), len(text))
    start = 0
    if len(text[:end].split()) > max_words + 3:
        before_cue = [m for m in breaks if m.end() <= cue_at and len(text[m.end() : end].split()) >= 3]
        if before_cue:
            start = before_cue[-1].end()
    title = _LEADING_CONJUNCTION.sub("", text[start:end])
    words = title.split()
    trailing = _TRAILING_STOP
    if len(words) > max_words + 3:  # a clause a few words over the limit stays whole
        trailing = _TRAILING_CUT
        cut = max_words
        if subject and subject in title:
            end_word = len(title[: title.index(subject) + len(subject)].split())
            if max_words < end_word <= max_words + 4:
                cut = end_word
        title = " ".join(words[:cut])
    if title.count("(") > title.count(")"):
        title = title[: title.rindex("(")]
    title = trailing.sub("", title.rstrip()).rstrip(",;:")
    if subject and subject not in title:
        title = f"{title} ({subject})"
    return _capitalise(title)
