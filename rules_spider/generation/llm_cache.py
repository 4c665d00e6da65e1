"""On-disk cache of validated LLM answers, so a re-run costs no LLM calls.

One JSON file per key under the cache directory (fanned out by the key's
first two hex digits). The key is the sha256 of the generator name, the model
id, :data:`~rules_spider.generation.prompt.PROMPT_VERSION` and the hash of the
page content sent; any of them changing means a fresh call. Writes go to a
temporary file that is then ``os.replace``-d into place, so concurrent
threads or processes never read half a file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

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
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"format": CACHE_FORMAT, "key": key, "payload": payload}
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:16]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle, ensure_ascii=False)
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
