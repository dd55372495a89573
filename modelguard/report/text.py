"""Terminal output: one line per finding, then a summary. Colour only where rich detects a
terminal (and never when NO_COLOR is set)."""

from __future__ import annotations

import itertools
import os
import re
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, TextIO

from modelguard.findings import Finding, FixSafety
from modelguard.report.interface import Reporter
from modelguard.report.model import Report

if TYPE_CHECKING:  # rich takes a tenth of a second to import: only a run that colours pays it
    from rich.console import Console

# Text rich prints unchanged: printable ASCII with no markup (`[`, `\\`) and no emoji code
# (a colon followed by anything but a space).
_PLAIN = re.compile(r"[ -Z\]^-~]*")
_EMOJI_CODE = re.compile(r":\S")

# C0 and C1 control characters and DEL: shown escaped, so that a path cannot move the cursor,
# recolour the terminal or start a line of its own. Lone surrogates too: a file name that is
# not UTF-8 arrives with its bytes surrogate-escaped, and no UTF-8 output can carry them.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_UNDECODABLE = re.compile("[\ud800-\udfff]")
_NAMED_CONTROL = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

_STYLE = {"MG001": "bold red", "MG002": "yellow", "MG003": "bold yellow", "MG004": "cyan",
          "MG005": "magenta"}


def finding_line(finding: Finding) -> str:
    """`path:line:col MG001 message, Replace with …` as plain text (markup-escaped)."""
    where = f"{finding.path}:" + (f"cell {finding.cell}:" if finding.cell is not None else "")
    line = f"{where}{finding.line}:{finding.column} {finding.rule.code} {finding.message}"
    if finding.replacement is not None and finding.fix is not FixSafety.NONE:
        line += f", {finding.fix_title}{finding.replacement_note}"
    return line


def printable(text: str) -> str:
    """`text` with control characters escaped (`\\n`, `\\x1b`)."""
    return _CONTROL.sub(_escape_control, text)


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    if 0xDC80 <= ord(char) <= 0xDCFF:  # the byte surrogateescape stood in for
        return f"\\x{ord(char) - 0xDC00:02x}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return f"\\u{ord(char):04x}"
    return _NAMED_CONTROL.get(char) or f"\\x{ord(char):02x}"


def undecodable_escaped(text: str, backslash: str = "\\") -> str:
    """`text` with lone surrogates written as `printable` writes them (`\\xff`), so that it
    encodes as valid UTF-8. In JSON text pass `backslash="\\\\"`: inside a string literal
    (the only place a surrogate can be) that reads back as one backslash."""
    return _UNDECODABLE.sub(lambda m: backslash + _escape_control(m)[1:], text)


class TextReporter(Reporter):
    """The terminal format without colour: what `--output` and `--output-format text=` write,
    and what a check prints when its output is no terminal."""

    def render(self, report: Report) -> str:
        return "".join(self.chunks(report))

    def chunks(self, report: Report) -> Iterator[str]:
        lines = itertools.chain((finding_line(f) for f in report.findings),
                                (f"{e.path}: error: {e.message}" for e in report.errors))
        while batch := list(itertools.islice(lines, _BATCH)):
            yield "".join(printable(line) + "\n" for line in batch)


_BATCH = 1000  # lines per chunk: few calls to write, little text held at once


def colours(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """Would rich colour `stream`? Its own tests, in its order (TTY_COMPATIBLE, FORCE_COLOR,
    then isatty), so that output to a pipe or a file need not load rich at all."""
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return stream.isatty()
    except ValueError:  # a closed stream
        return False


def print_findings(report: Report, out: Console) -> None:
    from rich.markup import escape

    # One print per batch of lines: rich's cost is mostly per call, and a run can hold a
    # million findings.
    batch: list[str] = []
    for finding in report.findings:
        text = escape(printable(finding_line(finding)))
        head, _, rest = text.partition(f" {finding.rule.code} ")
        style = _STYLE[finding.rule.code]
        batch.append(f"[bold]{head}[/bold] [{style}]{finding.rule.code}[/{style}] {rest}")
        if len(batch) == _BATCH:
            out.print("\n".join(batch), highlight=False, soft_wrap=True, emoji=False)
            batch.clear()
    if batch:
        out.print("\n".join(batch), highlight=False, soft_wrap=True, emoji=False)
    for failed in report.errors:
        path, message = escape(printable(failed.path)), escape(printable(failed.message))
        out.print(f"[bold]{path}[/bold]: [red]error[/red]: {message}",
                  highlight=False, soft_wrap=True, emoji=False)


def summary_line(report: Report) -> str:
    summary = report.summary()
    counts = ", ".join(f"{code}: {n}" for code, n in summary["by_rule"].items())  # type: ignore[attr-defined]
    return (
        f"Scanned {report.files_scanned} file(s) with registry {report.registry_label} "
        f"as of {report.as_of}: {len(report.findings)} finding(s)"
        + (f" ({counts})" if counts else "")
        + f", {len(report.failing)} failing (--fail-on {report.fail_on.value})"
        + (f", {len(report.errors)} error(s)" if report.errors else "")
    )


def print_summary(report: Report, err: Console) -> None:
    err.print(summary_line(report), highlight=False, soft_wrap=True)


def write_summary(report: Report) -> None:
    """The summary on stderr, as `print_summary` prints it; without loading rich when the line
    holds nothing rich would change (markup, emoji codes, control characters)."""
    line = summary_line(report)
    if _PLAIN.fullmatch(line) and not _EMOJI_CODE.search(line):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
        return
    from rich.console import Console

    print_summary(report, Console(stderr=True))
