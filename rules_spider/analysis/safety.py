"""Refuse rules that would steer an AI assistant rather than inform it.

Rule files are read by coding assistants as instructions, so a crawled page
saying "ignore previous instructions" or "send your tokens to ..." must
never reach them. A rule is unsafe when its title, body, evidence or example
carries prompt-injection or exfiltration text, pipes a download from a host
other than its source's into a shell, or hides characters a reader cannot see.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rules_spider.analysis.folding import Needs, WordSet, fold_case, passes
from rules_spider.items import Rule

_F = re.I | re.S
_INJECTION: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("prompt injection: ignore instructions", re.compile(
        r"\b(?:ignore|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|your\s+|of\s+)*(?:previous|prior|above|earlier|preceding|former|existing|original|system)\s+"
        r"(?:instructions?|prompts?|rules?|messages?|directions?|guidelines?|context)", _F)),
    ("prompt injection: disregard", re.compile(
        r"\bdisregard\s+(?:all\s+|any\s+|the\s+|your\s+)*(?:above|previous|prior|earlier|preceding|instructions?|rules?|guidelines?)", _F)),
    ("prompt injection: role override", re.compile(r"\byou\s+are\s+now\b|\bfrom\s+now\s+on,?\s+you\s+(?:are|will|must)\b|\bact\s+as\s+(?:an?\s+)?(?:unrestricted|jailbroken|unfiltered|different)\b", _F)),
    ("prompt injection: system prompt", re.compile(r"\bsystem\s+prompt\b|\bdeveloper\s+(?:message|prompt)\b|\bhidden\s+instructions?\b|\bjailbreak|\bDAN\s+mode\b", _F)),
    ("prompt injection: chat markup", re.compile(r"<\|(?:im_start|im_end|system|endoftext)\|>|\[/?INST\]|<<SYS>>|^\s*#{2,}\s*(?:system|instruction)s?\s*:?\s*$", re.I | re.M)),
    ("prompt injection: new instructions", re.compile(r"\bnew\s+instructions?\s*:|\b(?:ai|llm|assistant|model)s?\s+(?:reading|processing)\s+this\b|\bnote\s+to\s+(?:the\s+)?(?:ai|llm|assistant|model)\b", _F)),
    ("exfiltration", re.compile(
        r"\b(?:send|post|upload|exfiltrate|forward|transmit|e-?mail|leak|copy|paste|submit|report)\b[^\n]{0,80}?"
        r"\b(?:secrets?|credentials?|tokens?|api[\s_-]?keys?|passwords?|passphrases?|env(?:ironment)?(?:\s+variables|\s+vars)?|\.env|ssh\s+keys?|private\s+keys?|cookies?|session\s+ids?|aws_\w+)\b"
        r"[^\n]{0,80}?\b(?:to|into|at)\s+(?:(?:our|my|this|the\s+following)\s+[\w\s-]{0,30}?(?:endpoint|url|address|server|webhook|inbox|site)|"
        r"https?://|[\w.-]+\.[a-z]{2,}\b|\S+@\S+\.\w+|us\b|me\b)", _F)),
    ("exfiltration", re.compile(r"\b(?:env|printenv|cat\s+~?/?\S*(?:\.env|id_rsa|credentials)\S*)\s*\|\s*(?:curl|wget|nc|netcat)\b", _F)),
    ("exfiltration", re.compile(r"\b(?:curl|wget)\b[^\n|]{0,200}\$\{?(?:\w*(?:SECRET|TOKEN|PASSWORD|KEY|CREDENTIAL)\w*)\}?", _F)),
)
_PIPE_TO_SHELL = re.compile(
    r"\b(?:curl|wget|iwr|invoke-webrequest|irm|invoke-restmethod)\b[^|\n]*?((?:https?://)?[\w.-]+\.[a-z]{2,}[^\s|'\"]*)[^|\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|"
    r"\b(?:curl|wget|iwr|irm)\b[^|\n]*?((?:https?://)?[\w.-]+\.[a-z]{2,}[^\s|'\"]*)[^|\n]*\|\s*(?:iex|invoke-expression|python3?|node|perl|ruby)\b",
    re.I,
)
# Words each pattern above cannot match without (see ``folding``), in the same order.
_INJECTION_NEEDS: tuple[Needs, ...] = (
    (("ignore", "forget", "override", "bypass", "skip"),
     ("previous", "prior", "above", "earlier", "preceding", "former", "existing", "original", "system"),
     ("instruction", "prompt", "rule", "message", "direction", "guideline", "context")),
    (("disregard",),),
    (("now", "act"),),
    (("prompt", "developer", "hidden", "jailbreak", "mode"),),
    (("<|", "[", "<<", "##"),),
    (("instruction", "reading", "processing", "note"),),
    (("send", "post", "upload", "exfiltrate", "forward", "transmit", "mail", "leak", "copy", "paste", "submit", "report"),
     ("secret", "credential", "token", "api", "password", "passphrase", "env", "ssh", "private", "cookie", "session", "aws_"),
     ("to", "at")),
    (("|",), ("env", "cat"), ("curl", "wget", "nc", "netcat")),
    (("curl", "wget"), ("$",), ("secret", "token", "password", "key", "credential")),
)
assert len(_INJECTION_NEEDS) == len(_INJECTION)
_PIPE_NEEDS: Needs = (("|",), ("curl", "wget", "iwr", "irm", "invoke"))
# A text is split into words once and each pattern asks for its words' bits: a rule's four texts and its
# unit's context are checked on every page, most of them against no pattern at all.
_WORDS = WordSet([*_INJECTION_NEEDS, _PIPE_NEEDS])
_INJECTION_MASKS = tuple(_WORDS.masks(needs) for needs in _INJECTION_NEEDS)
_PIPE_MASKS = _WORDS.masks(_PIPE_NEEDS)
# Characters that hide text from a human reader (zero-width, bidi overrides, tag characters).
_HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]")


def _site(host: str) -> str:
    """The registrable-ish part of a host: its last two labels (docs.x.org -> x.org)."""
    labels = host.lower().strip(".").split(".")
    return ".".join(labels[-2:])


def _foreign_pipe(text: str, source_url: str, present: int) -> str | None:
    if not passes(present, _PIPE_MASKS):
        return None
    source = _site(urlsplit(source_url).hostname or "")
    for match in _PIPE_TO_SHELL.finditer(text):
        target = match.group(1) or match.group(2) or ""
        host = urlsplit(target if "://" in target else f"https://{target}").hostname or ""
        if _site(host) != source:
            return f"pipes a download from {host} into a shell"
    return None


def unsafe_text_reason(text: str, source_url: str = "") -> str | None:
    """Why ``text`` must not become (part of) a rule, or None."""
    if not text.isascii() and _HIDDEN.search(text):
        return "hidden characters"
    present = _WORDS.present(fold_case(text))
    for (reason, pattern), masks in zip(_INJECTION, _INJECTION_MASKS):
        if passes(present, masks) and pattern.search(text):
            return reason
    return _foreign_pipe(text, source_url, present)


def is_unsafe_rule(rule: Rule) -> str | None:
    """Why ``rule`` is unsafe to hand to an AI assistant, or None when it is fine."""
    for text in (rule.title, rule.body, rule.evidence, rule.example or ""):
        reason = unsafe_text_reason(text, rule.url)
        if reason:
            return reason
    return None
