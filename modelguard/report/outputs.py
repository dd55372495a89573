"""Several report files from one run: `--output-format FORMAT=FILE`, written after the run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from modelguard.files import write_atomic
from modelguard.report import OutputFormat, Report, render


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
    """Render every target first, so a rendering problem writes nothing; then write each file
    atomically. Raises OSError (with the path in `filename`) when a file cannot be written."""
    rendered = [(target.path, render(report, target.fmt)) for target in targets]
    for path, text in rendered:
        try:
            write_atomic(path, text)
        except OSError as error:
            error.filename = str(path)
            raise
