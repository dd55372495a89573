"""Cache folders that keep one file per key: the newest few are kept, the rest removed."""

from __future__ import annotations

from pathlib import Path


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
