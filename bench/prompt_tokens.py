"""Prompt size per page for the LLM generators: the v1 prompt (the page's sections, up to 24,000
characters) against today's (the rule model's candidate units with their context).

    .venv/bin/python bench/prompt_tokens.py [--tokenizer path/to/tokenizer.json] [--pages 120]

Counts tokens with the given Hugging Face ``tokenizer.json`` (any local one; nothing is downloaded),
else estimates 4 characters a token. Pages: a fixed sample of the labeled corpus's pages.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from pathlib import Path

from rules_spider.compose import PageInfo
from rules_spider.corpus.labels import iter_label_files, read_labels
from rules_spider.extraction import extract_page
from rules_spider.generation.prompt import SYSTEM_PROMPT, build_prompt, encode_data
from rules_spider.items import DocPage
from rules_spider.page_rules import Selection, page_to_rules

V1_MAX_INPUT_CHARS = 24_000


def v1_payload(page: DocPage) -> dict[str, object]:
    """The page data the v1 prompt sent: every section's blocks, cut at 24,000 characters."""
    budget, sections = V1_MAX_INPUT_CHARS, []
    for section in page.sections:
        blocks = []
        for block in section.blocks:
            if not block.text.strip() or budget <= 0:
                continue
            blocks.append({"kind": block.kind, "text": block.text[:budget]})
            budget -= len(block.text)
        if blocks:
            sections.append({"heading_path": list(section.path), "blocks": blocks})
    return {"url": page.url, "title": page.title, "technology": page.technology, "sections": sections}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    parser.add_argument("--tokenizer", type=Path, default=None)
    parser.add_argument("--pages", type=int, default=120)
    args = parser.parse_args()
    if args.tokenizer:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(args.tokenizer))
        tokenizer.no_truncation()
        count = lambda text: len(tokenizer.encode(text).ids)  # noqa: E731
        unit = f"tokens ({args.tokenizer})"
    else:
        count = lambda text: len(text) // 4  # noqa: E731
        unit = "tokens (4 characters each, estimated)"
    paths = sorted({r.path for p in iter_label_files(args.labels) for r in read_labels(p)})
    random.Random(0).shuffle(paths)
    before, after = [], []
    for path in paths[: args.pages]:
        url = Path(path).as_uri()
        html = Path(path).read_bytes()
        extracted = extract_page(html, url)
        page = DocPage(url=url, source_name="bench", technology="python", title=extracted.title,
                       sections=list(extracted.sections), text=extracted.text)
        before.append(count(SYSTEM_PROMPT) + count(encode_data(v1_payload(page))))
        result = page_to_rules(html, PageInfo(url=url, source_name="bench", technology="python"),
                               Selection(keep_units=True))
        page.units = result.units
        prompt = build_prompt(page, max_rules=25, max_input_chars=V1_MAX_INPUT_CHARS)
        after.append(count(prompt.system) + count(prompt.messages[0].content) if prompt.has_content else 0)
    print(json.dumps({"pages": len(before), "unit": unit,
                      "v1_sections": {"mean": round(statistics.mean(before)), "median": statistics.median(before)},
                      "v2_units": {"mean": round(statistics.mean(after)), "median": statistics.median(after)},
                      "ratio_of_means": round(statistics.mean(after) / statistics.mean(before), 3)}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
