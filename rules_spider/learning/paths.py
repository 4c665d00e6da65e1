"""Where the learning state lives, and the rule that models load only from there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEFAULT_OUTPUT_DIR = "output"


class UnsafePathError(ValueError):
    """A path that would load or save engine files outside the state directory."""


def state_dir_from_settings(settings: Any) -> Path:
    """``RULES_STATE_DIR``, or ``<RULES_OUTPUT_DIR>/state`` when it is empty."""
    configured = settings.get("RULES_STATE_DIR") or ""
    if configured:
        return Path(configured)
    return Path(settings.get("RULES_OUTPUT_DIR") or DEFAULT_OUTPUT_DIR) / "state"


def default_state_dir() -> Path:
    """The state directory of a run with default settings (``output/state``)."""
    return Path(DEFAULT_OUTPUT_DIR) / "state"


def resolve_in_state_dir(state_dir: Path, path: str | Path) -> Path:
    """Resolve ``path`` (relative paths are taken from ``state_dir``) and refuse
    any that ends up outside ``state_dir``.

    Pickled models run code when loaded, so only files under the configured
    state directory are ever loaded; symlinks are resolved before the check.
    """
    root = Path(state_dir).resolve()
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root):
        raise UnsafePathError(
            f"{str(path)!r} resolves to {str(resolved)!r}, outside the state directory "
            f"{str(root)!r}; engine state and models are only read from and written to "
            "the configured state directory (RULES_STATE_DIR)"
        )
    return resolved
