"""What the review page says about the rule model: its cross-validated figures, and each rule's
probability interval from the calibration of the model that scored it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rules_spider.rulemodel.calibration import Calibration
from rules_spider.rulemodel.persistence import SHIPPED_DIR, ModelCard, read_card, state_model_dir
from rules_spider.rulemodel.retrain import USER_SET


@dataclass(frozen=True, slots=True)
class ModelFigures:
    """The model in force: leave-one-set-out means, and its score on the user's own labels."""

    version: str
    retrained: bool
    trained_at: datetime
    units: int
    user_labels: int
    mean_precision: float | None
    mean_recall: float | None
    user_precision: float | None
    user_recall: float | None


@dataclass(frozen=True, slots=True)
class ModelCards:
    """The shipped card and the state dir's (when a retrained model is saved there)."""

    shipped: ModelCard
    retrained: ModelCard | None

    @classmethod
    def load(cls, state_dir: Path) -> ModelCards:
        shipped = read_card(SHIPPED_DIR)
        if shipped is None:
            raise FileNotFoundError(f"the package's rule model card is missing from {SHIPPED_DIR}")
        return cls(shipped, read_card(state_model_dir(state_dir)))

    @property
    def current(self) -> ModelCard:
        return self.retrained or self.shipped

    def interval(self, model_version: str | None, score: float | None) -> tuple[float, float] | None:
        """The 90% interval of ``score`` under the model that gave it (None when that model is gone)."""
        if score is None:
            return None
        for card in (self.retrained, self.shipped):
            if card is not None and card.model_version == model_version:
                return Calibration.from_dict(card.calibration).interval(score)
        return None

    def figures(self) -> ModelFigures:
        card = self.current
        user = next((row for row in card.leave_one_set_out if row.get("set") == USER_SET), None)
        return ModelFigures(
            version=card.model_version, retrained=self.retrained is not None, trained_at=card.trained_at,
            units=card.units, user_labels=card.user_labels, mean_precision=card.mean_precision,
            mean_recall=card.mean_recall, user_precision=user.get("precision") if user else None,
            user_recall=user.get("recall") if user else None,
        )
