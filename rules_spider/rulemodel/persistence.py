"""Save and load the rule model: joblib beside a JSON card of versions, training data and scores.

The model shipped in the package lives in ``rulemodel/shipped/``; a model retrained from a user's labels
is saved in ``<state dir>/rule_model/`` and wins when present. A model loads only under the scikit-learn
major.minor it was saved with, and only when its file still has the hash its card records.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from datetime import datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy
import sklearn
from pydantic import AwareDatetime, BaseModel, ConfigDict

from rules_spider.outputs.atomic import write_bytes_atomic, write_text_atomic
from rules_spider.rulemodel.calibration import Calibration
from rules_spider.rulemodel.estimator import RuleModel

# The model shipped in the package. A Traversable, not a Path: in a scrapyd egg it lies inside a zip file.
SHIPPED_DIR: Traversable = resources.files("rules_spider.rulemodel") / "shipped"
STATE_SUBDIR = "rule_model"
MODEL_FILE = "rule_model.joblib"
CARD_FILE = "rule_model.json"


class RuleModelError(RuntimeError):
    """A saved rule model that cannot or must not be loaded here; the message says why and what to do."""


class ModelCard(BaseModel):
    """What a saved rule model is: versions, training data, threshold and held-out scores."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_version: str
    sklearn_version: str
    numpy_version: str
    scipy_version: str
    python_version: str
    trained_at: AwareDatetime
    training_seconds: float
    training_data_hash: str
    units: int
    positives: int
    sets: dict[str, dict[str, int]]
    user_labels: int = 0
    user_label_weight: float = 0.0
    params: dict[str, Any]
    threshold: float
    threshold_rule: str
    leave_one_set_out: list[dict[str, Any]]
    mean_precision: float | None
    mean_recall: float | None
    calibration: list[dict[str, float | int]]


@dataclass(frozen=True, slots=True)
class LoadedRuleModel:
    """A fitted model with its card, its calibration and where it was loaded from."""

    model: RuleModel
    card: ModelCard
    calibration: Calibration
    path: Path | Traversable

    @property
    def threshold(self) -> float:
        return self.card.threshold


def current_versions() -> dict[str, str]:
    return {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__,
            "scipy_version": scipy.__version__, "python_version": platform.python_version()}


def version_problem(saved_sklearn: str, saved_numpy: str) -> str | None:
    """Why a model saved under these versions must not be loaded here, or None."""
    here = current_versions()
    if saved_sklearn.split(".")[:2] != here["sklearn_version"].split(".")[:2]:
        return (f"saved with scikit-learn {saved_sklearn}, this environment has {here['sklearn_version']} "
                "(major.minor must match)")
    if saved_numpy.split(".")[0] != here["numpy_version"].split(".")[0]:
        return f"saved with numpy {saved_numpy}, this environment has {here['numpy_version']} (major must match)"
    return None


def save_rule_model(model: RuleModel, calibration: Calibration, folder: Path, *, trained_at: datetime,
                    **card_fields: Any) -> ModelCard:
    """Write ``rule_model.joblib`` and its card into ``folder`` (atomically, the card last)."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{MODEL_FILE}.staging"
    joblib.dump(model, staging, compress=3)
    data = staging.read_bytes()
    staging.unlink()
    write_bytes_atomic(folder / MODEL_FILE, data)
    card = ModelCard(
        model_version=hashlib.sha256(data).hexdigest()[:16],
        trained_at=trained_at,
        params=model.get_params(),
        threshold=model.threshold,
        calibration=calibration.to_dict(),
        **current_versions(),
        **card_fields,
    )
    write_text_atomic(folder / CARD_FILE, json.dumps(card.model_dump(mode="json"), indent=2, sort_keys=True) + "\n")
    return card


def read_card(folder: Path | Traversable) -> ModelCard | None:
    """The card of the model saved in ``folder`` (without loading the model), or None."""
    card_path = folder / CARD_FILE
    return ModelCard.model_validate_json(card_path.read_text(encoding="utf-8")) if card_path.is_file() else None


def load_rule_model_from(folder: Path | Traversable) -> LoadedRuleModel:
    """The model saved in ``folder``, after checking versions and the file's hash."""
    card_path, model_path = folder / CARD_FILE, folder / MODEL_FILE
    if not card_path.is_file() or not model_path.is_file():
        raise RuleModelError(f"no rule model in {folder} (train one with `rules-spider-corpus train`)")
    card = ModelCard.model_validate_json(card_path.read_text(encoding="utf-8"))
    problem = version_problem(card.sklearn_version, card.numpy_version)
    if problem:
        raise RuleModelError(f"rule model {model_path}: {problem}; retrain it with `scrapy feedback --retrain`")
    data = model_path.read_bytes()
    if hashlib.sha256(data).hexdigest()[:16] != card.model_version:
        raise RuleModelError(f"{model_path} does not match its card {card_path}: the file changed after saving")
    model = joblib.load(io.BytesIO(data))
    if not isinstance(model, RuleModel):
        raise RuleModelError(f"{model_path} holds a {type(model).__name__}, not a RuleModel")
    return LoadedRuleModel(model=model, card=card, calibration=Calibration.from_dict(card.calibration),
                           path=model_path)


def state_model_dir(state_dir: Path) -> Path:
    return Path(state_dir) / STATE_SUBDIR


def load_rule_model(state_dir: Path | None) -> LoadedRuleModel:
    """The user's retrained model from ``state_dir`` when there is one, else the shipped model.

    Unpickling runs code, so a retrained model loads only from inside the state directory: a
    ``rule_model`` folder (or file in it) that is a symlink to elsewhere raises ``UnsafePathError``.
    """
    if state_dir is not None and (state_model_dir(state_dir) / CARD_FILE).is_file():
        from rules_spider.learning.state_dir import resolve_in_state_dir

        for name in (CARD_FILE, MODEL_FILE):
            resolve_in_state_dir(Path(state_dir), Path(STATE_SUBDIR) / name)
        return load_rule_model_from(state_model_dir(state_dir))
    return load_rule_model_from(SHIPPED_DIR)
