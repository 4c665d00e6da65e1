"""The rule model as each process uses it: loaded once, reloaded when its file changes."""

from __future__ import annotations

import logging
from pathlib import Path

from rules_spider.rulemodel.persistence import (
    CARD_FILE,
    SHIPPED_DIR,
    LoadedRuleModel,
    load_rule_model,
    state_model_dir,
)

logger = logging.getLogger(__name__)

_cache: dict[Path | None, tuple[float, LoadedRuleModel]] = {}


def _card_mtime(state_dir: Path | None) -> float:
    for folder in ([state_model_dir(state_dir)] if state_dir is not None else []) + [SHIPPED_DIR]:
        card = folder / CARD_FILE
        if card.is_file():
            return card.stat().st_mtime
    return 0.0


def current_rule_model(state_dir: Path | None) -> LoadedRuleModel:
    """The model for ``state_dir`` (a retrained one there, else the shipped one), cached per process.

    A retrain (``scrapy feedback --retrain``) rewrites the card last, so a changed card's time means a
    new model: it is loaded on the next call.
    """
    mtime = _card_mtime(state_dir)
    cached = _cache.get(state_dir)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    model = load_rule_model(state_dir)
    _cache[state_dir] = (mtime, model)
    logger.info("Rule model %s loaded from %s", model.card.model_version, model.path.parent)
    return model
