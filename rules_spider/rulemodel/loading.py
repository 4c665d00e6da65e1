"""The rule model as each process uses it: loaded once, reloaded when its file changes."""

from __future__ import annotations

import logging
from pathlib import Path

from rules_spider.rulemodel import persistence
from rules_spider.rulemodel.persistence import CARD_FILE, LoadedRuleModel, load_rule_model, state_model_dir

logger = logging.getLogger(__name__)

_cache: dict[tuple[Path | None, str], tuple[float, LoadedRuleModel]] = {}


def _card_mtime(state_dir: Path | None) -> float:
    """When the retrained model's card was written (0: none, the shipped model is used; it does not change)."""
    if state_dir is not None:
        card = state_model_dir(state_dir) / CARD_FILE
        if card.is_file():
            return card.stat().st_mtime
    return 0.0


def current_rule_model(state_dir: Path | None) -> LoadedRuleModel:
    """The model for ``state_dir`` (a retrained one there, else the shipped one), cached per process.

    A retrain (``scrapy feedback --retrain``) rewrites the card last, so a changed card's time means a
    new model: it is loaded on the next call.
    """
    mtime = _card_mtime(state_dir)
    key = (state_dir, str(persistence.SHIPPED_DIR))
    cached = _cache.get(key)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    model = load_rule_model(state_dir)
    _cache[key] = (mtime, model)
    logger.info("Rule model %s loaded from %s", model.card.model_version, model.path.parent)
    return model
