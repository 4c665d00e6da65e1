"""Rule samples shared by the clustering, writer, output, report and export tests.

Rules are built from short documentation-like passages per technology and
topic; each rule quotes its passage verbatim as evidence, like real rules do.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from rules_spider.ids import rule_id
from rules_spider.items import Rule

PASSAGES: dict[str, dict[str, list[str]]] = {
    "python": {
        "dependencies": [
            "Dependencies declared with Depends are resolved per request and cached within that request.",
            "A dependency with yield runs its cleanup code after the response has been sent.",
            "Use sub-dependencies to share database sessions between path operations.",
        ],
        "validation": [
            "Declare request bodies as Pydantic models so FastAPI validates them before your handler runs.",
            "Field constraints such as max_length and gt are validated and documented in the OpenAPI schema.",
            "Return a response_model to filter output data and avoid leaking internal fields.",
        ],
        "async": [
            "Use async def path operations only when every awaited call inside them is non-blocking.",
            "Blocking database drivers must run in normal def functions, which run in a threadpool.",
            "Background tasks run after the response is returned and should be short.",
        ],
    },
    "javascript": {
        "hooks": [
            "Call hooks only at the top level of a React function component, never inside loops or conditions.",
            "List every reactive value used inside useEffect in its dependency array.",
            "Custom hooks must start with use so the linter can check the rules of hooks.",
        ],
        "state": [
            "Never mutate state objects directly; pass a new object to the setter.",
            "Derive values during rendering instead of storing redundant state.",
            "Use a reducer when the next state depends on the previous one in complex ways.",
        ],
    },
    "go": {
        "errors": [
            "Wrap errors with fmt.Errorf and the %w verb so callers can inspect them with errors.Is.",
            "Do not ignore returned errors; handle them or return them to the caller.",
            "Error strings should not be capitalized or end with punctuation.",
        ],
        "concurrency": [
            "Always pass a context.Context as the first parameter of functions that do I/O.",
            "Close channels from the sender side, never from the receiver.",
            "Use sync.WaitGroup to wait for a set of goroutines to finish.",
        ],
    },
}

SOURCES = {"python": "FastAPI", "javascript": "React", "go": "Go"}
EXAMPLES = {
    "python": "@app.get('/items/{item_id}')\nasync def read_item(item_id: int, db=Depends(get_db)):\n    return db.get(item_id)",
    "javascript": "const [count, setCount] = useState(0);\nuseEffect(() => { document.title = `${count}`; }, [count]);",
    "go": "if err != nil {\n    return fmt.Errorf(\"open config: %w\", err)\n}",
}
LANGUAGES = {"python": "python", "javascript": "jsx", "go": "go"}


def make_rule(
    technology: str,
    topic: str,
    passage: str,
    n: int,
    *,
    quality: float | None = 0.7,
    body_extra: str = "",
    example: bool = True,
) -> Rule:
    source = SOURCES.get(technology, technology.title())
    url = f"https://docs.example.org/{technology}/{topic}/page{n % 5}"
    evidence = passage
    return Rule(
        id=rule_id(url, f"{evidence} #{n}"),
        title=f"{topic.title()}: {passage.split(' ', 6)[-1][:60]}",
        body=passage + (" " + body_extra if body_extra else ""),
        technology=technology,
        framework=source.lower(),
        source_name=source,
        url=url,
        evidence=evidence,
        example=EXAMPLES.get(technology) if example and n % 2 == 0 else None,
        example_language=LANGUAGES.get(technology) if example and n % 2 == 0 else None,
        keywords=[topic, *passage.lower().split()[:3]],
        urls=[url, f"https://mirror.example.org/{technology}/{topic}"] if n % 7 == 0 else [url],
        quality_score=quality,
    )


def sample_rules(count: int = 200, seed: int = 7) -> list[Rule]:
    """``count`` rules over three technologies and seven topics, deterministic."""
    rng = random.Random(seed)
    pool = [(t, topic, p) for t, topics in PASSAGES.items() for topic, ps in topics.items() for p in ps]
    rules = []
    for n in range(count):
        technology, topic, passage = pool[n % len(pool)]
        rules.append(make_rule(technology, topic, passage, n, quality=round(rng.uniform(0.3, 1.0), 3)))
    return rules


def write_rules_jsonl(path: Path, rules: Iterable[Rule]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for rule in rules:
            handle.write(json.dumps(asdict(rule), ensure_ascii=False) + "\n")
    return path
