"""Files on disk as every stage sees them: how a path is shown, a content digest, an atomic
write, and the pruning of cache folders."""

from __future__ import annotations

import hashlib
import os
import stat
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


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` via a temp file in the same folder (so `os.replace` never crosses
    file systems), fsync'd, keeping an existing file's permission bits. Strings are written as
    UTF-8 with no newline translation."""
    import tempfile  # here: a run that writes nothing does not load it

    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        else:  # a new file gets the usual permissions, not mkstemp's private 0600
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


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
