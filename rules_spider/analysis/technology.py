"""Technology and framework of a page: the source's word, refined by the page.

The catalog says which technology group and framework a source belongs to;
the page itself says which languages its examples are in, which packages
they import and which tools they run. The group never changes (rules are
clustered and written under it); the framework is filled from the imports
when the catalog leaves it empty and one imported package is the source's
namesake.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field

from rules_spider.analysis.code import CodePatterns
from rules_spider.items import DocPage

_STDLIB = frozenset(sys.stdlib_module_names)
_NOT_SLUG = re.compile(r"[^a-z0-9]")
_NAME_SEPARATOR = re.compile(r"[./:]")


@dataclass(slots=True)
class TechnologyProfile:
    technology: str
    framework: str | None
    primary_language: str | None = None
    languages: list[str] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("", text.lower())


def top_level_package(module: str) -> str:
    """``@scope/pkg/sub`` -> ``@scope/pkg``; ``a.b.c`` / ``a::b`` / ``a/b`` -> ``a``."""
    if module.startswith("@"):
        return "/".join(module.split("/")[:2])
    return _NAME_SEPARATOR.split(module.removeprefix("node:"))[0]


def detect_technology(page: DocPage, code: CodePatterns) -> TechnologyProfile:
    packages: Counter[str] = Counter()
    for module in code.imports:
        if module.startswith((".", "/")):
            continue
        package = top_level_package(module)
        if package and package not in _STDLIB and not module.startswith("node:"):
            packages[package] += 1
    tools: Counter[str] = Counter(command.split()[0] for command in code.cli if command.split())
    languages = list(code.languages)
    framework = page.framework
    if framework is None:
        names = {_slug(page.source_name), _slug(page.technology)}
        for package in packages:
            if _slug(top_level_package(package).lstrip("@").split("/")[0]) in names or _slug(package) in names:
                framework = package
                break
    prose_languages = [lang for lang in languages if lang not in ("shell", "powershell", "json", "yaml", "toml", "ini", "env")]
    return TechnologyProfile(
        technology=page.technology,
        framework=framework,
        primary_language=prose_languages[0] if prose_languages else (languages[0] if languages else None),
        languages=languages,
        packages=[name for name, _ in packages.most_common()],
        tools=[name for name, _ in tools.most_common()],
    )
