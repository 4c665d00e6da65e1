"""Which kind of rule a directive makes, from its words, its admonition and its section.

First match wins: deprecation, security, testing, performance,
configuration, then anti_pattern (a prohibition), api_usage (an instruction
about a named call or API) and best_practice for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rules_spider.items import RuleCategory

_F = re.I
_DEPRECATION = re.compile(r"\bdeprecat\w*|\bwill\s+be\s+removed\b|\bno\s+longer\s+supported\b|\bremoved\s+in\s+(?:version\s+)?v?\d|\blegacy\b|\bobsolete\b", _F)
_SECURITY = re.compile(
    r"\b(?:security|secure(?:ly)?|insecure|secrets?|passwords?|credentials?|api[\s_-]?keys?|access\s+tokens?|auth(?:entication|orization)?\s+tokens?"
    r"|csrf|xss|cors|injection|sanitiz\w+|sanitis\w+|escap(?:e|ing)\s+(?:user\s+)?input|untrusted|tls|ssl|https(?!://)|certificates?|encrypt\w*"
    r"|vulnerab\w+|private\s+keys?|sensitive\s+(?:data|information)|permissions?|privilege\w*|attackers?|malicious|exploit\w*|\.env)\b",
    _F,
)
_TESTING = re.compile(r"\b(?:tests?|testing|tested|pytest|unittest|jest|mocha|vitest|mocks?|mocking|stubs?|test\s+fixtures?|assertions?|coverage|test\s+suite|test\s+client)\b", _F)
_PERFORMANCE = re.compile(
    r"\b(?:performance|performant|faster|slow(?:er|ly|down)?|latency|throughput|cach(?:e|es|ed|ing)|memory|efficient(?:ly)?|overhead|bottlenecks?"
    r"|n\s*\+\s*1|connection\s+pool(?:ing|s)?|pooling|batch(?:ing|es)?|lazy|lazily|optimi[sz]\w*|expensive|speed\s+up|concurren\w+|parallel\w*|blocking)\b",
    _F,
)
_CONFIGURATION = re.compile(
    r"\b(?:config(?:uration|ure|ured|uring)?|settings?|environment\s+variables?|env\s+vars?|options?|flags?|parameters?|defaults?\s+to)\b"
    r"|(?<![\w-])--[a-z]|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b\w+\.(?:toml|ya?ml|ini|cfg|conf|json)\b|\bset\s+\S+\s+to\b",
)
_CONFIG_WORDS = re.compile(r"\bconfig", _F)
_API_SUBJECT = re.compile(r"[\w$]\(|[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*|\b[A-Z][a-z0-9]+[A-Z]\w*|`")


def categorize(
    text: str,
    *,
    polarity: str = "do",
    deprecation: bool = False,
    admonition: str | None = None,
    section: Sequence[str] = (),
) -> RuleCategory:
    """The category of a rule whose evidence is ``text``."""
    heading = " ".join(section)
    if deprecation or admonition == "deprecated" or _DEPRECATION.search(text):
        return "deprecation"
    if _SECURITY.search(text) or re.search(r"\bsecurity\b", heading, _F):
        return "security"
    if _TESTING.search(text) or re.search(r"\btest", heading, _F):
        return "testing"
    if _PERFORMANCE.search(text) or re.search(r"\bperformance\b", heading, _F):
        return "performance"
    if _CONFIGURATION.search(text) or _CONFIG_WORDS.search(heading):
        return "configuration"
    if polarity == "dont":
        return "anti_pattern"
    if _API_SUBJECT.search(text):
        return "api_usage"
    return "best_practice"
