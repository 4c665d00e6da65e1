"""The reranker as a worker uses it: loaded once per process, reloaded when its card changes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from rules_spider.reranker.card import CARD_FILE, RerankerError

if TYPE_CHECKING:
    from rules_spider.reranker.persistence import LoadedReranker

logger = logging.getLogger(__name__)

EXTRA = "local-llm"
_cache: dict[Path, tuple[float, LoadedReranker]] = {}


class MissingRerankerExtraError(RerankerError):
    pass


def current_reranker(folder: Path) -> LoadedReranker:
    """The reranker in ``folder``, cached per process.

    A worker pool runs one process per core, so each process's torch gets one thread.
    """
    card = folder / CARD_FILE
    mtime = card.stat().st_mtime if card.is_file() else 0.0
    cached = _cache.get(folder)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    try:
        import torch

        from rules_spider.reranker.persistence import load_reranker
    except ImportError as exc:
        raise MissingRerankerExtraError(
            f"RULES_RERANKER needs the {EXTRA} extra: pip install 'rules-spider[{EXTRA}]', and torch (its CPU "
            f"wheel: pip install torch --index-url https://download.pytorch.org/whl/cpu) ({exc})") from exc
    torch.set_num_threads(1)
    loaded = load_reranker(folder)
    _cache[folder] = (mtime, loaded)
    logger.info("Reranker %s loaded from %s", loaded.card.reranker_version, folder)
    return loaded
