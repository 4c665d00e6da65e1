"""Safe file names and joins for anything named by the docs or by a catalog.

Source names, technologies and rule titles end up in file and directory names.
They are untrusted: ``slugify`` turns any of them into a short, portable name
and ``safe_join`` refuses any path that would land outside its root.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# Names Windows refuses for a file or directory whatever the extension.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
    | {"com\u00b9", "com\u00b2", "com\u00b3", "lpt\u00b9", "lpt\u00b2", "lpt\u00b3"}
)
DEFAULT_MAX_LENGTH = 64
_HASH_CHARS = 8
_UNSAFE_RUN = re.compile(r"[^a-z0-9_]+")


class UnsafePathError(ValueError):
    """A path would resolve outside the directory it must stay in."""


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]


def slugify(name: str, *, max_length: int = DEFAULT_MAX_LENGTH, fallback: str = "unnamed") -> str:
    """A lowercase ``[a-z0-9_-]`` name for ``name``, safe on every common filesystem.

    Accents are folded to ASCII, every other run of characters becomes ``-``
    (so ``..``, ``/``, ``\\`` and NUL bytes cannot survive), Windows reserved
    device names get a ``_`` suffix, and names longer than ``max_length`` are
    cut and given a hash of the full name so distinct long names stay distinct.
    An empty result becomes ``fallback`` plus a hash of the input (when there
    was any input), so ``"///"`` and ``"..."`` do not collide.
    """
    if max_length < _HASH_CHARS + 2:
        raise ValueError(f"max_length must be at least {_HASH_CHARS + 2}")
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE_RUN.sub("-", folded.lower()).strip("-_")
    if not slug:
        return f"{fallback}-{_digest(name)}" if name else fallback
    if slug in WINDOWS_RESERVED:
        slug += "_"
    if len(slug) > max_length:
        head = slug[: max_length - _HASH_CHARS - 1].rstrip("-_")
        slug = f"{head}-{_digest(name)}"
    return slug


def unique_slugs(names: Iterable[str], *, max_length: int = DEFAULT_MAX_LENGTH) -> dict[str, str]:
    """Map each distinct name to a slug no other name in ``names`` shares.

    Names whose slugs collide (``"C++"`` and ``"c"``) all get a hash suffix, so
    the result does not depend on the order of ``names``.
    """
    distinct = sorted(set(names))
    plain = {name: slugify(name, max_length=max_length) for name in distinct}
    counts: dict[str, int] = {}
    for slug in plain.values():
        counts[slug] = counts.get(slug, 0) + 1
    result: dict[str, str] = {}
    for name, slug in plain.items():
        if counts[slug] > 1:
            base = slug[: max_length - _HASH_CHARS - 1].rstrip("-_")
            slug = f"{base}-{_digest(name)}"
        result[name] = slug
    return result


def safe_join(root: str | os.PathLike[str], *parts: str) -> Path:
    """``root / parts...`` resolved, refusing anything that escapes ``root``.

    Absolute parts, NUL bytes, ``..`` that climbs out and symlinks that point
    outside all raise ``UnsafePathError``. The returned path is absolute.
    """
    base = Path(root).resolve()
    for part in parts:
        if "\x00" in part:
            raise UnsafePathError(f"NUL byte in path part {part!r}")
        if not part:
            raise UnsafePathError("empty path part")
        if Path(part).is_absolute() or Path(part).drive or part.startswith(("/", "\\")):
            raise UnsafePathError(f"absolute path part {part!r} under {base}")
    candidate = base.joinpath(*parts).resolve()
    if candidate != base and not candidate.is_relative_to(base):
        raise UnsafePathError(f"{'/'.join(parts)!r} resolves to {candidate}, outside {base}")
    return candidate


def safe_child(directory: Path, name: str) -> Path:
    """``directory / name`` for a plain file name (one component: no separator, NUL, ``.`` or ``..``).

    For many files in one directory already checked by ``safe_join``: no path to resolve.
    """
    if not name or name in {".", ".."} or any(c in name for c in "/\\\x00"):
        raise UnsafePathError(f"not a plain file name: {name!r}")
    return directory / name
