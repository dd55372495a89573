"""Several report files from one run: `--output-format FORMAT=FILE`, written after the run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from modelguard.files import write_atomic
from modelguard.report import OutputFormat, Report, render_chunks


@dataclass(frozen=True, slots=True)
class OutputTarget:
    fmt: OutputFormat
    path: Path


def parse_target(value: str) -> OutputTarget:
    """`sarif=out/modelguard.sarif` → OutputTarget; ValueError with a one-line reason."""
    name, sep, path = value.partition("=")
    if not sep or not path:
        raise ValueError(f"{value!r} is not FORMAT=FILE")
    try:
        fmt = OutputFormat(name.strip().lower())
    except ValueError:
        known = ", ".join(f.value for f in OutputFormat)
        raise ValueError(f"unknown format {name!r} in {value!r} (known: {known})") from None
    return OutputTarget(fmt, Path(path))


def check_distinct(targets: Sequence[OutputTarget]) -> None:
    seen: set[Path] = set()
    for target in targets:
        resolved = target.path.resolve()
        if resolved in seen:
            raise ValueError(f"{target.path} is named by more than one output")
        seen.add(resolved)


def write_outputs(report: Report, targets: Sequence[OutputTarget]) -> None:
    """Write each target atomically, its report made as it is written (a million findings are
    never one string). A target whose rendering or writing fails leaves its file as it was.
    Raises OSError (with the path in `filename`) when a file cannot be written."""
    for target in targets:
        try:
            write_atomic(target.path, render_chunks(report, target.fmt))
        except OSError as error:
            error.filename = str(target.path)
            raise
