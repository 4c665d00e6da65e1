"""Crash-safe writes: single files, and a whole generated tree at once.

Files: ``write_text_atomic`` writes a temporary file in the target's directory,
fsyncs it and ``os.replace``-s it over the target, so readers see the old file
or the new one, never half of either.

Trees (the choice made for ``O/C``): ``staged_tree`` builds every generated
entry into a hidden staging directory inside the target (same filesystem, so
renames are atomic), and only when the whole build succeeded swaps the staged
top-level entries in. A crash or an exception while building leaves the
previous tree untouched; the staging directory is removed (or, after a kill,
on the next run). Staged files are written without a sync each and flushed to
disk together just before the swap (``sync_tree``: the fsyncs run side by side,
so the filesystem commits them in a few journal transactions instead of one a
file). A build's scratch files (``StagedTree.scratch``) live in a second
staging directory beside it and are never swapped in. The swap itself is a handful of renames guarded by a journal
written first: the old entries move to a hidden trash directory, the new ones
move in, then the journal is deleted. If the process dies during the swap,
``recover_interrupted_commit`` (called at the start of every ``staged_tree``)
reads the journal and puts the whole previous tree back (builds of one target
hold an exclusive lock, ``.rules-spider.lock``, so recovery never touches a
build in progress). Entries that the
previous build generated and this one does not (a technology that lost all its
rules) are removed in the same swap, using a manifest of generated names so
files the user put there are never touched.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

MANIFEST_NAME = ".rules-spider-tree.json"
STAGING_PREFIX = ".staging-"
TRASH_PREFIX = ".trash-"
JOURNAL_NAME = "journal.json"
LOCK_NAME = ".rules-spider.lock"
# fsync waits on the disk, not the CPU: this many at once let the filesystem batch them.
SYNC_THREADS = 16


def _fsync_dir(path: Path) -> None:
    """Persist a directory's entries (renames) on POSIX; a no-op on Windows."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` so a crash never leaves a partial file.

    A new file gets the usual permissions (0o666 minus the umask); a replaced
    file keeps its mode.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name[:40]}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` (no newline translation) atomically."""
    write_bytes_atomic(path, text.encode(encoding))


@dataclass
class StagedTree:
    """Where a build writes; ``owned`` names the generated top-level entries.

    Every top-level entry of ``root`` replaces the target's entry of the same
    name on commit. Only names in ``owned`` are recorded in the manifest, and
    only recorded names are ever deleted by a later build. ``scratch`` is for
    the build's temporary files: removed with the staging directory, never
    swapped in.
    """

    root: Path
    scratch: Path
    owned: set[str] = field(default_factory=set)

    def write_text(self, path: Path, text: str) -> None:
        """Write a staged file (parents made); ``sync_tree`` makes it durable before the swap."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def _fsync_paths(paths: Sequence[str]) -> None:
    for path in paths:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sync_tree(root: Path) -> None:
    """Flush every file and directory under ``root`` to disk (directories only on POSIX)."""
    paths: list[str] = []
    for directory, _, files in os.walk(root):
        paths.extend(os.path.join(directory, name) for name in files)
        if os.name != "nt":
            paths.append(directory)
    if not paths:
        return
    threads = min(SYNC_THREADS, len(paths))
    # One task per thread, not per file: the dense bench's 18,000 files made as many futures, ~18 MiB
    # that the building process kept once the sync was over.
    with ThreadPoolExecutor(max_workers=threads) as pool:
        # list(): an fsync that failed raises here, before anything is swapped in.
        list(pool.map(_fsync_paths, [paths[i::threads] for i in range(threads)]))


def _read_manifest(target: Path) -> set[str]:
    path = target / MANIFEST_NAME
    if not path.is_file():
        return set()
    try:
        names = json.loads(path.read_text(encoding="utf-8")).get("generated", [])
    except (OSError, ValueError, AttributeError) as exc:
        logger.warning("Ignoring unreadable %s: %s", path, exc)
        return set()
    # A manifest edited by hand must not make us delete anything outside the target.
    return {n for n in names if isinstance(n, str) and n and "/" not in n and "\\" not in n and n not in {".", ".."}}


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _keep_old_copy(dst: Path, saved: Path) -> None:
    """Keep the previous version of ``dst`` in the trash without ever removing ``dst``."""
    if dst.is_dir() and not dst.is_symlink():
        os.rename(dst, saved)
        return
    try:
        os.link(dst, saved)
    except OSError:
        shutil.copy2(dst, saved)


def _rollback(target: Path, trash: Path, journal: dict) -> None:
    """Undo a partial commit described by ``journal``: the old tree comes back."""
    existed = set(journal["existed"])
    for name in journal["names"]:
        dst = target / name
        saved = trash / name
        if saved.exists() or saved.is_symlink():
            if dst.exists() or dst.is_symlink():
                _remove(dst)
            os.rename(saved, dst)
        elif name not in existed and (dst.exists() or dst.is_symlink()):
            _remove(dst)
        # else: the swap never reached this entry, so it is still the old one.
    _fsync_dir(target)


def _undo_commit(target: Path, trash: Path, journal: dict) -> None:
    """Roll back now; if that fails too, the journal stays for the next run's recovery."""
    _rollback(target, trash, journal)
    shutil.rmtree(trash)


def recover_interrupted_commit(target: Path) -> None:
    """Restore the previous tree after a crash mid-commit; drop stale staging dirs."""
    if not target.is_dir():
        return
    for entry in sorted(target.iterdir()):
        if entry.name.startswith(TRASH_PREFIX) and entry.is_dir():
            journal_path = entry / JOURNAL_NAME
            if journal_path.is_file():
                journal = json.loads(journal_path.read_text(encoding="utf-8"))
                logger.warning("Rolling back an interrupted output commit in %s", target)
                _rollback(target, entry, journal)
            shutil.rmtree(entry)
        elif entry.name.startswith(STAGING_PREFIX) and entry.is_dir():
            logger.info("Removing leftover staging directory %s", entry)
            shutil.rmtree(entry)


def _commit(staged: StagedTree, target: Path) -> None:
    sync_tree(staged.root)
    previous = _read_manifest(target)
    (staged.root / MANIFEST_NAME).write_text(
        json.dumps({"generated": sorted(staged.owned)}, indent=2) + "\n", encoding="utf-8"
    )
    names = sorted(p.name for p in staged.root.iterdir())
    if JOURNAL_NAME in names:
        raise ValueError(f"{JOURNAL_NAME} is a reserved name")
    stale = sorted(n for n in previous - set(names) if (target / n).exists() or (target / n).is_symlink())
    everything = names + stale
    trash = Path(tempfile.mkdtemp(prefix=TRASH_PREFIX, dir=target))
    journal = {
        "names": everything,
        "existed": [n for n in everything if (target / n).exists() or (target / n).is_symlink()],
    }
    try:
        write_text_atomic(trash / JOURNAL_NAME, json.dumps(journal))
    except BaseException:
        shutil.rmtree(trash, ignore_errors=True)
        raise
    existed = set(journal["existed"])
    try:
        for name in everything:
            dst = target / name
            if name in existed:
                _keep_old_copy(dst, trash / name)
            if name in stale:
                _remove(dst)
                continue
            src = staged.root / name
            if src.is_dir():
                if dst.exists() or dst.is_symlink():
                    _remove(dst)
                os.rename(src, dst)
            else:
                if dst.is_dir() and not dst.is_symlink():
                    shutil.rmtree(dst)
                os.replace(src, dst)
        _fsync_dir(target)
    except BaseException:
        logger.error("Output commit into %s failed; restoring the previous tree", target)
        _undo_commit(target, trash, journal)
        raise
    # The commit is complete once the journal is gone; the trash is just garbage now.
    (trash / JOURNAL_NAME).unlink()
    _fsync_dir(trash)
    shutil.rmtree(trash)


@contextmanager
def _exclusive(target: Path) -> Iterator[None]:
    """One build of ``target`` at a time (several scrapy-redis workers may finish together).

    An advisory ``flock`` on POSIX; on platforms without ``fcntl`` builds are not serialised.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(target / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def staged_tree(target: str | os.PathLike[str]) -> Iterator[StagedTree]:
    """Build into a staging directory; swap it into ``target`` only on success."""
    target_path = Path(target)
    target_path.mkdir(parents=True, exist_ok=True)
    with _exclusive(target_path):
        recover_interrupted_commit(target_path)
        root = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target_path))
        scratch = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}scratch-", dir=target_path))
        staged = StagedTree(root, scratch)
        try:
            yield staged
            shutil.rmtree(scratch)
            _commit(staged, target_path)
        finally:
            shutil.rmtree(root, ignore_errors=True)
            shutil.rmtree(scratch, ignore_errors=True)
