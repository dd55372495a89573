"""Run the scan over files; every outcome is data, never an exception."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from modelguard.findings import Failed, FileResult, Scanned, Skipped
from modelguard.index import ModelIndex
from modelguard.scan import (
    NOTEBOOK_SIZE_FACTOR,
    NOTEBOOK_SUFFIX,
    ScanError,
    ScanSettings,
    scan_source,
)

# A NUL byte in the first block marks a binary file (git's heuristic).
_BINARY_PROBE = 8000


def display_path(path: Path) -> str:
    """Relative to the working directory when possible, always with `/` separators."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        relative = os.path.relpath(absolute)
        return Path(relative).as_posix() if not relative.startswith("..") else absolute.as_posix()


def scan_file(path: Path, index: ModelIndex, settings: ScanSettings) -> FileResult:
    shown = display_path(path)
    limit = settings.max_file_size
    if path.name.endswith(NOTEBOOK_SUFFIX):
        limit *= NOTEBOOK_SIZE_FACTOR
    try:
        size = path.stat().st_size
        if size > limit:
            return Skipped(shown, f"larger than {limit} bytes ({size}); see max-file-size")
        source = path.read_bytes()
    except OSError as error:
        return Failed(shown, f"cannot read: {error.strerror or error}")
    if b"\0" in source[:_BINARY_PROBE]:
        return Skipped(shown, "binary file")
    try:
        return Scanned(shown, scan_source(shown, source, index, settings))
    except ScanError as error:
        return Failed(shown, str(error))
    except RecursionError:
        return Failed(shown, "too deeply nested to parse")


def run_files(
    files: Iterable[Path], index: ModelIndex, settings: ScanSettings
) -> Iterator[FileResult]:
    for path in files:
        yield scan_file(path, index, settings)
