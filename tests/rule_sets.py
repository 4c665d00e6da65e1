"""Small fixed rule sets for the writer, export, budget and lint tests.

Three made-up documentation sources (no real project's text): ``Quillpy``
(a Python web toolkit), ``Tessera`` (a TypeScript test runner) and
``Harbor`` (a container build tool), plus one source with no known
technology. Every rule quotes its own sentence as evidence and names its
page; some name file types and paths, so activation has something to infer.
"""

from __future__ import annotations

import dataclasses

from rules_spider.ids import rule_id
from rules_spider.items import Rule

# (source, technology, framework, topic, title, body, category, example, language)
RULES: tuple[tuple[str, str, str, str, str, str, str, str | None, str | None], ...] = (
    ("Quillpy", "python", "quillpy", "routing", "Quillpy: declare routes with the route decorator",
     "Declare every HTTP route with the @route decorator so Quillpy can build its URL map at import time.",
     "api_usage", "@route('/items/<int:item_id>')\ndef item(item_id):\n    return load(item_id)", "python"),
    ("Quillpy", "python", "quillpy", "routing", "Quillpy: return response objects from handlers",
     "Return a Response object from a handler instead of a bare tuple when you need custom headers.",
     "best_practice", None, None),
    ("Quillpy", "python", "quillpy", "settings", "Quillpy: keep settings in pyproject.toml",
     "Keep Quillpy settings in the [tool.quillpy] table of pyproject.toml rather than in environment variables.",
     "configuration", "[tool.quillpy]\ndebug = false", "toml"),
    ("Quillpy", "python", "quillpy", "migrations", "Quillpy: make migrations reversible",
     "Write every schema change in `migrations/` with both an upgrade and a downgrade step.",
     "best_practice", None, None),
    ("Quillpy", "python", "quillpy", "security", "Quillpy: never disable CSRF checks globally",
     "Never turn off CSRF protection for the whole app; exempt a single view with @csrf_exempt instead.",
     "security", None, None),
    ("Quillpy", "python", "quillpy", "deprecation", "Quillpy: replace app.before_first with startup hooks",
     "The app.before_first hook is deprecated since 3.0; register a startup hook with app.on_startup instead.",
     "deprecation", None, None),
    ("Tessera", "typescript", "tessera", "tests", "Tessera: name test files *.test.ts",
     "Name test files *.test.ts so the Tessera runner collects them without extra configuration.",
     "testing", None, None),
    ("Tessera", "typescript", "tessera", "tests", "Tessera: await async assertions",
     "Await every assertion on a promise; an assertion that is not awaited cannot fail the test.",
     "testing", "await expect(fetchUser(1)).resolves.toEqual(user);", "ts"),
    ("Tessera", "typescript", "tessera", "config", "Tessera: configure the runner in tsconfig.json paths",
     "Point the runner at your source aliases through the paths option of tsconfig.json.",
     "configuration", None, None),
    ("Tessera", "typescript", "tessera", "mocks", "Tessera: restore mocks after each test",
     "Call restoreAllMocks in an afterEach hook so that one test's mocks never leak into the next.",
     "best_practice", None, None),
    ("Harbor", "docker", "harbor", "images", "Harbor: pin base images by digest",
     "Pin the base image in your Dockerfile by digest so Harbor rebuilds are reproducible.",
     "security", "FROM python:3.12-slim@sha256:0123456789abcdef", "dockerfile"),
    ("Harbor", "docker", "harbor", "cache", "Harbor: order layers from stable to volatile",
     "Copy dependency manifests before the source tree so Harbor can reuse the dependency layer.",
     "performance", None, None),
    ("Lumen", "cobol", "lumen", "style", "Lumen: keep paragraphs short",
     "Keep each Lumen paragraph under fifty statements so the compiler's section map stays readable.",
     "best_practice", None, None),
)


def fixed_rules() -> list[Rule]:
    """The rule set above as Rule items; quality falls from 0.95 in steps of 0.03."""
    rules = []
    for n, (source, technology, framework, topic, title, body, category, example, language) in enumerate(RULES):
        url = f"https://docs.{framework}.example/{topic}/"
        rules.append(
            Rule(
                id=rule_id(url, body),
                title=title,
                body=body,
                technology=technology,
                framework=framework,
                source_name=source,
                url=url,
                evidence=body,
                category=category,  # type: ignore[arg-type]
                example=example,
                example_language=language,
                keywords=[topic, framework],
                urls=[url],
                quality_score=round(0.95 - 0.03 * n, 2),
            )
        )
    return rules


def padded(rules: list[Rule], sentence: str, times: int) -> list[Rule]:
    """``rules`` with each body made longer by ``times`` distinct sentences (for budget tests)."""
    return [
        dataclasses.replace(r, body=r.body + "".join(f" {sentence} (note {i} of {r.id[:6]})." for i in range(times)))
        for r in rules
    ]
