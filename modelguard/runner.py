"""Run the scan over files; every outcome is data, never an exception."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from modelguard.findings import Failed, FileResult, Scanned
from modelguard.index import ModelIndex
from modelguard.scan import ScanError, ScanSettings, scan_source


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
    try:
        source = path.read_bytes()
    except OSError as error:
        return Failed(shown, f"cannot read: {error.strerror or error}")
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
