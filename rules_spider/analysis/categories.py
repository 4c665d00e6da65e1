"""Which kind of rule a directive makes, from its words, its admonition and its section.

First match wins: deprecation, security, testing, performance,
configuration, then anti_pattern (a prohibition), api_usage (an instruction
about a named call or API) and best_practice for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rules_spider.analysis.folding import Needs, fold_case, has_words
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
# Words each pattern above cannot match without (see ``folding``); ``_CONFIGURATION``
# is case-sensitive, so its words are checked in the text as it is.
_DEPRECATION_NEEDS: Needs = (("deprecat", "removed", "supported", "legacy", "obsolete"),)
_SECURITY_NEEDS: Needs = ((
    "secur", "secret", "password", "credential", "api", "token", "csrf", "xss", "cors", "injection", "saniti", "escap",
    "untrusted", "tls", "ssl", "https", "certificate", "encrypt", "vulnerab", "private", "sensitive", "permission",
    "privilege", "attacker", "malicious", "exploit", ".env",
),)
_TESTING_NEEDS: Needs = (("test", "jest", "mocha", "mock", "stub", "assertion", "coverage"),)
_PERFORMANCE_NEEDS: Needs = ((
    "perform", "faster", "slow", "latency", "throughput", "cach", "memory", "efficient", "overhead", "bottleneck", "+",
    "pool", "batch", "laz", "optimi", "expensive", "speed", "concurren", "parallel", "blocking",
),)
_CONFIGURATION_NEEDS: Needs = ((
    "config", "set", "env", "option", "flag", "parameter", "default", "--", "_", ".toml", ".yml", ".yaml", ".ini", ".cfg",
    ".conf", ".json",
),)
_SECURITY_HEADING = re.compile(r"\bsecurity\b", _F)
_TESTING_HEADING = re.compile(r"\btest", _F)
_PERFORMANCE_HEADING = re.compile(r"\bperformance\b", _F)
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
    folded = fold_case(text)
    if deprecation or admonition == "deprecated" or (has_words(folded, _DEPRECATION_NEEDS) and _DEPRECATION.search(text)):
        return "deprecation"
    if (has_words(folded, _SECURITY_NEEDS) and _SECURITY.search(text)) or _SECURITY_HEADING.search(heading):
        return "security"
    if (has_words(folded, _TESTING_NEEDS) and _TESTING.search(text)) or _TESTING_HEADING.search(heading):
        return "testing"
    if (has_words(folded, _PERFORMANCE_NEEDS) and _PERFORMANCE.search(text)) or _PERFORMANCE_HEADING.search(heading):
        return "performance"
    if (has_words(text, _CONFIGURATION_NEEDS) and _CONFIGURATION.search(text)) or _CONFIG_WORDS.search(heading):
        return "configuration"
    if polarity == "dont":
        return "anti_pattern"
    if _API_SUBJECT.search(text):
        return "api_usage"
    return "best_practice"
