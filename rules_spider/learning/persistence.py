"""Saving and loading quality models: joblib beside a JSON of versions and scores.

``<state dir>/models/<version>.joblib`` holds the fitted model and
``<version>.json`` its :class:`ModelMetadata`; ``version`` is the first 16
hex digits of the joblib file's SHA-256, checked again on load.

Compatibility rule: a model loads only under the scikit-learn **major.minor**
it was saved with (scikit-learn does not promise that pickles survive a
minor release) and the same numpy **major** version. Anything else raises
:class:`ModelVersionError` naming both versions, before the pickle is opened.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from datetime import datetime
from pathlib import Path

import joblib
import numpy as np
import scipy
import sklearn
from pydantic import AwareDatetime, BaseModel, ConfigDict

from rules_spider.learning.model import QualityModel
from rules_spider.outputs.atomic import write_bytes_atomic
from rules_spider.learning.state_dir import resolve_in_state_dir

MODELS_DIRNAME = "models"


class ModelVersionError(RuntimeError):
    """A saved model that this environment must not (or cannot) load."""


class ModelMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_version: str
    sklearn_version: str
    numpy_version: str
    scipy_version: str
    joblib_version: str
    python_version: str
    trained_at: AwareDatetime
    training_size: int  # rules with enough feedback in the window
    n_signals: int  # signals behind those rules' targets
    cv_folds: int
    cv_mae: float
    cv_interval_coverage: float
    cv_mean_interval_width: float
    interval_alpha: float
    feedback_window_hours: float
    min_feedback_signals: int
    params: dict[str, object]


def current_versions() -> dict[str, str]:
    return {
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "joblib_version": joblib.__version__,
        "python_version": platform.python_version(),
    }


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _major(version: str) -> str:
    return version.split(".")[0]


def check_compatible(metadata: ModelMetadata) -> None:
    """Raise :class:`ModelVersionError` unless this environment can load ``metadata``'s model."""
    here = current_versions()
    if _major_minor(metadata.sklearn_version) != _major_minor(here["sklearn_version"]):
        raise ModelVersionError(
            f"model {metadata.model_version} was saved with scikit-learn "
            f"{metadata.sklearn_version}, this environment has scikit-learn "
            f"{here['sklearn_version']} (major.minor must match): retrain it with "
            "`scrapy feedback --retrain`"
        )
    if _major(metadata.numpy_version) != _major(here["numpy_version"]):
        raise ModelVersionError(
            f"model {metadata.model_version} was saved with numpy {metadata.numpy_version}, "
            f"this environment has numpy {here['numpy_version']} (major must match): "
            "retrain it with `scrapy feedback --retrain`"
        )


def save_model(
    model: QualityModel,
    state_dir: Path,
    *,
    trained_at: datetime,
    training_size: int,
    n_signals: int,
    cv_folds: int,
    cv_mae: float,
    cv_interval_coverage: float,
    cv_mean_interval_width: float,
    feedback_window_hours: float,
    min_feedback_signals: int,
) -> ModelMetadata:
    """Persist ``model`` under ``state_dir/models`` and return its metadata."""
    models_dir = Path(state_dir) / MODELS_DIRNAME
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    write_bytes_atomic(models_dir / f"{digest}.joblib", data)
    metadata = ModelMetadata(
        model_version=digest,
        trained_at=trained_at,
        training_size=training_size,
        n_signals=n_signals,
        cv_folds=cv_folds,
        cv_mae=cv_mae,
        cv_interval_coverage=cv_interval_coverage,
        cv_mean_interval_width=cv_mean_interval_width,
        interval_alpha=model.alpha,
        feedback_window_hours=feedback_window_hours,
        min_feedback_signals=min_feedback_signals,
        params={key: value for key, value in model.get_params().items()},
        **current_versions(),
    )
    write_bytes_atomic(
        models_dir / f"{digest}.json",
        json.dumps(metadata.model_dump(mode="json"), indent=2, sort_keys=True).encode(),
    )
    return metadata


def model_path(state_dir: Path, version: str) -> Path:
    return Path(state_dir) / MODELS_DIRNAME / f"{version}.joblib"


def read_metadata(state_dir: Path, path: str | Path) -> ModelMetadata:
    joblib_path = resolve_in_state_dir(state_dir, path).with_suffix(".joblib")
    json_path = joblib_path.with_suffix(".json")
    if not json_path.is_file():
        raise FileNotFoundError(f"no model metadata at {json_path}")
    return ModelMetadata.model_validate_json(json_path.read_text(encoding="utf-8"))


def load_model(state_dir: Path, path: str | Path) -> tuple[QualityModel, ModelMetadata]:
    """Load the model at ``path`` (``.joblib`` or its ``.json``; must be inside
    ``state_dir``) after checking versions and the file's hash."""
    joblib_path = resolve_in_state_dir(state_dir, path).with_suffix(".joblib")
    metadata = read_metadata(state_dir, joblib_path)
    check_compatible(metadata)
    digest = hashlib.sha256(joblib_path.read_bytes()).hexdigest()[:16]
    if digest != metadata.model_version:
        raise ModelVersionError(
            f"{joblib_path} does not match its metadata (hash {digest}, "
            f"expected {metadata.model_version}): the file was changed after saving"
        )
    model = joblib.load(joblib_path)
    if not isinstance(model, QualityModel):
        raise ModelVersionError(f"{joblib_path} holds a {type(model).__name__}, not a QualityModel")
    return model, metadata
