"""On-disk cache of validated LLM answers, so a re-run costs no LLM calls.

One JSON file per key under the cache directory (fanned out by the key's
first two hex digits). The key is the sha256 of the generator name, the model
id, :data:`~rules_spider.generation.prompt.PROMPT_VERSION` and the hash of the
page content sent; any of them changing means a fresh call. Writes are
atomic (``outputs.atomic.write_text_atomic``), so concurrent threads or
processes never read half a file.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from rules_spider.outputs.atomic import write_text_atomic

logger = logging.getLogger(__name__)

CACHE_FORMAT = 1


def cache_key(generator: str, model: str, prompt_version: str, content_hash: str) -> str:
    material = json.dumps([generator, model, prompt_version, content_hash])
    return hashlib.sha256(material.encode()).hexdigest()


class LlmCache:
    """Validated answers by key. ``get`` returns ``None`` on a miss or a bad file."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self.path_for(key)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            entry = json.loads(raw)
        except json.JSONDecodeError:
            logger.warning("Ignoring unreadable LLM cache file %s", path)
            return None
        if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
            logger.warning("Ignoring LLM cache file %s in an unknown format", path)
            return None
        payload = entry.get("payload")
        return payload if isinstance(payload, dict) else None

    def put(self, key: str, payload: dict[str, Any]) -> None:
        entry = {"format": CACHE_FORMAT, "key": key, "payload": payload}
        write_text_atomic(self.path_for(key), json.dumps(entry, ensure_ascii=False))
