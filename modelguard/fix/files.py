"""A planned rewrite on disk: content hashes guard against files changed since they were read,
writes are atomic and only happen on change, and symlinks are followed only inside the root.
"""

from __future__ import annotations

import difflib
import io
import os
import stat
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from modelguard.defaults import STALE_TEMP_SECONDS
from modelguard.engine.runner import read_source
from modelguard.files import remove_stale_temps, sha256_hex, write_atomic
from modelguard.findings import Failed, Finding, Skipped
from modelguard.fix.plan import LINE_BREAK, FixPlan, line_starts
from modelguard.report.text import printable
from modelguard.scan import PYTHON_SUFFIXES


@dataclass(frozen=True, slots=True)
class FileFix:
    """One file's planned rewrite: the bytes read, the bytes to write, and what was decided."""

    path: Path  # the file to write (symlinks resolved)
    shown: str  # the path as reported
    original: bytes
    fixed: bytes
    plan: FixPlan
    remaining: tuple[Finding, ...]  # selected findings not fixed (mentions included)
    # A module that does not parse, rewritten all the same (`--unsafe-fixes`, lexer-verified
    # edits): its parse error is still reported.
    parse_error: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        # the name escaped: a newline or escape sequence in it must not forge a diff header
        return unified_diff(printable(self.shown), self.original, self.fixed)


class _Moved(Exception):
    """The file changed, or went, between the last read and the rename: not written."""


def write_fix(fix: FileFix) -> Failed | None:
    """Write a changed file atomically, unless it is read-only, gone, hard-linked, or changed
    since it was read. Returns the reason it was not written, or None.

    The file is compared with what was read (size, mtime, digest) twice: before the temp file
    is written, and again after it is written and synced, just before the rename; a file
    deleted meanwhile is not recreated. What remains is the window between that last check
    and the rename itself. A file with other hard links is refused: the rename would give
    this name a new inode and leave the other names with the old content."""
    if not fix.changed:
        return None
    try:
        current, status = _read_again(fix)
    except FileNotFoundError:
        return Failed(fix.shown, "vanished before it could be rewritten")
    except OSError as error:
        return Failed(fix.shown, f"cannot read before rewriting: {error.strerror or error}")
    expected = sha256_hex(fix.original)
    if current is None or sha256_hex(current) != expected:
        return Failed(fix.shown, "changed on disk since it was read; not rewritten (run again)")
    mode = status.st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(fix.path, os.W_OK):
        return Failed(fix.shown, "read-only file; not rewritten")
    if status.st_nlink > 1:
        return Failed(fix.shown, f"has {status.st_nlink} hard links; rewriting would split "
                                 "them; not rewritten")

    def unchanged() -> None:
        try:
            again, now = _read_again(fix)
            if (now.st_ino, now.st_size, now.st_mtime_ns) != (
                    status.st_ino, status.st_size, status.st_mtime_ns) or again is None or (
                    sha256_hex(again) != expected):
                raise _Moved("changed on disk while it was rewritten; not rewritten (run again)")
        except FileNotFoundError:
            raise _Moved("deleted while it was rewritten; not recreated") from None
        except OSError as error:  # e.g. swapped for a FIFO: refused, never waited on
            raise _Moved(f"cannot read while rewriting: {error.strerror or error}; "
                         "not rewritten") from None

    try:
        write_atomic(fix.path, fix.fixed, before_replace=unchanged)
    except _Moved as moved:
        return Failed(fix.shown, str(moved))
    except OSError as error:
        return Failed(fix.shown, f"cannot write: {error.strerror or error}")
    return None


def _read_again(fix: FileFix) -> tuple[bytes | None, os.stat_result]:
    """The file's bytes and stat now, read as the scan read it (without blocking, regular
    files only: a FIFO swapped in is refused, not waited on); None when it grew past what was
    read (changed, then, whatever it holds)."""
    return read_source(str(fix.path), len(fix.original))


def remove_stale_temps_near(files: Iterable[FileFix]) -> None:
    """Remove the temp files a killed earlier run left in the folders these files are in."""
    for folder in sorted({f.path.parent for f in files}):
        remove_stale_temps(folder, STALE_TEMP_SECONDS)


def resolve_target(path: Path, root: Path) -> Path | Skipped:
    """The file to read and write for `path`: symlinks are followed only within `root`."""
    if not path.is_symlink():
        return path
    target = path.resolve()
    real_root = root.resolve()
    if target != real_root and real_root not in target.parents:
        return Skipped(str(path), f"symlink to {target}, outside {root.absolute()}; not rewritten")
    return target


def unified_diff(shown: str, before: bytes, after: bytes) -> str:
    """A unified diff of two versions of a file (a Python file decoded as Python would, others as
    UTF-8), line endings kept as they are."""
    encoding = "utf-8-sig"
    if shown.endswith(tuple(PYTHON_SUFFIXES)):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(before).readline)
        except SyntaxError:
            encoding = "utf-8"
    old = before.decode(encoding, "replace")
    new = after.decode(encoding, "replace")
    lines = difflib.unified_diff(
        _diff_lines(old), _diff_lines(new), fromfile=f"a/{shown}", tofile=f"b/{shown}"
    )
    return "".join(lines)


def _diff_lines(text: str) -> list[str]:
    starts = line_starts(text)
    lines = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True) if a < b]
    if lines and not LINE_BREAK.search(lines[-1][-1:]):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
