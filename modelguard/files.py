"""Files on disk as every stage sees them: how a path is shown, a content digest, an atomic
write, and the pruning of cache folders."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path


def display_path(path: Path) -> str:
    """Relative to the working directory when possible, always with `/` separators."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        relative = os.path.relpath(absolute)
        return Path(relative).as_posix() if not relative.startswith("..") else absolute.as_posix()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# What a temporary file of write_atomic is called: `.NAME.modelguard-XXXXXXXX.tmp`, XXXXXXXX
# being mkstemp's eight random characters. Distinctive, so a stale one is known to be ours.
_TEMP_MARK = ".modelguard-"
_OUR_TEMP = re.compile(r"\..+\.modelguard-[a-z0-9_]{8}\.tmp", re.DOTALL)


def write_atomic(
    path: Path, data: bytes | str | Iterable[str], before_replace: Callable[[], None] | None = None
) -> None:
    """Write `data` to `path` via a temp file in the same folder (so `os.replace` never crosses
    file systems), fsync'd, keeping an existing file's permission bits, owner and group.
    Strings are written as UTF-8 with no newline translation; pieces of text (an iterable of
    strings) are written as they come, so a large report is never whole in memory; whatever
    making them raises aborts the write. `before_replace` runs when the
    temp file is complete, just before the rename; whatever it raises aborts the write (the
    temp file is removed, whatever ends the write: an error, Ctrl-C, SystemExit)."""
    import tempfile  # here: a run that writes nothing does not load it

    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    try:
        existing: os.stat_result | None = path.stat()
    except FileNotFoundError:
        existing = None
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}{_TEMP_MARK}",
                                suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:
                for piece in payload:
                    handle.write(piece.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if existing is not None:
            os.chmod(temp, stat.S_IMODE(existing.st_mode))
            made = os.stat(temp)
            if (made.st_uid, made.st_gid) != (existing.st_uid, existing.st_gid):
                os.chown(temp, existing.st_uid, existing.st_gid)  # root writing a user's file
                os.chmod(temp, stat.S_IMODE(existing.st_mode))  # chown drops setuid/setgid
        else:  # a new file gets the usual permissions, not mkstemp's private 0600
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        if before_replace is not None:
            before_replace()
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_stale_temps(folder: Path, older_than: float) -> None:
    """Remove the temp files write_atomic left in `folder` (a run killed mid-write) that were
    last written more than `older_than` seconds ago; younger ones may be a running write's."""
    import time

    try:
        names = os.listdir(folder)
    except OSError:
        return
    cutoff = time.time() - older_than
    for name in names:
        if _TEMP_MARK not in name or _OUR_TEMP.fullmatch(name) is None:
            continue
        temp = folder / name
        try:
            if temp.lstat().st_mtime < cutoff and stat.S_ISREG(temp.lstat().st_mode):
                temp.unlink()
        except OSError:
            continue


def keep_newest(folder: Path, pattern: str, keep: int) -> None:
    """Remove all but the `keep` most recently written files of `folder` matching `pattern`
    (a glob); a file that vanishes meanwhile is no error."""
    found = []
    for path in folder.glob(pattern):
        try:
            found.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    found.sort(reverse=True)
    for _, path in found[keep:]:
        path.unlink(missing_ok=True)
