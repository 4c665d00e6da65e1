"""The rule that engine state and models are loaded from and saved to the state directory only.

Where that directory is comes from the config (``RulesConfig.state_dir``).
"""

from __future__ import annotations

from pathlib import Path

from rules_spider.outputs.paths import UnsafePathError

__all__ = ["UnsafePathError", "resolve_in_state_dir"]

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
