"""What `modelguard fix` prints and writes; the decisions are made in modelguard.fix.run."""

from __future__ import annotations

import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from modelguard import __version__
from modelguard.defaults import SMOKE_TIMEOUT
from modelguard.findings import PARAMETER, Failed, Selection
from modelguard.fix.files import remove_stale_temps_near, write_fix
from modelguard.fix.run import FixRun, fix_paths
from modelguard.registry.index import ModelIndex
from modelguard.report.model import FailOn, Report
from modelguard.report.text import finding_line, printable
from modelguard.scan import ScanSettings
from modelguard.workspace.discover import DiscoverOptions

if TYPE_CHECKING:
    # Loaded by --verify only: a hook run never imports the smoke clients.
    from modelguard.fix.verify import Refusal, VerifyOptions


def run_fix(
    paths: Sequence[Path],
    index: ModelIndex,
    settings: ScanSettings,
    fail_on: FailOn,
    selection: Selection,
    allow_unsafe: bool,
    show_diff: bool,
    check_only: bool,
    options: DiscoverOptions | None = None,
    verify: VerifyOptions | None = None,
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
) -> int:
    """Plan every file, then (with `verify`, after smoke-calling the replacements) print
    (--diff), list (--check) or write the changes. Exit code: 2 if any file had an error or
    the verification could not be configured, else 1 if files were (or would be) rewritten,
    failing findings remain or a replacement did not answer, else 0."""
    try:
        run = fix_paths(paths, index, settings, selection, allow_unsafe, options, jobs=jobs,
                        cache_dir=cache_dir)
    except FileNotFoundError as error:
        click.echo(f"modelguard: error: {error}", err=True)
        return 2
    for warning in run.warnings:
        click.echo(printable(f"modelguard: warning: {warning}"), err=True)
    refusals: tuple[Refusal, ...] = ()
    if verify is not None:
        from modelguard.fix.verify import VerifyUsageError, refuse_unverified, smoke_replacements
        from modelguard.smoke.report import result_line

        try:
            results = smoke_replacements(run, index, verify)
        except VerifyUsageError as error:
            click.echo(f"modelguard: error: {error}", err=True)
            return 2
        for result in results.values():
            click.echo(printable(f"verify: {result_line(result)}"), err=True)
        run, refusals = refuse_unverified(run, index, results)
        for refusal in refusals:
            target = refusal.result.target
            sending = f" sending {target.sending}" if target.sending else ""
            click.echo(printable(f"modelguard: --verify: {target.model} "
                                 f"({target.provider}) did not answer{sending}; not "
                                 f"rewriting {', '.join(refusal.files)}"), err=True)
    errors: list[Failed] = list(run.errors)
    unwritten: set[str] = set()  # not the files with other errors: see FileFix.parse_error
    dry = show_diff or check_only
    if not dry:
        remove_stale_temps_near(run.changed)
    with _terminate_as_exit():
        rewritten = _write_or_show(run, errors, unwritten, show_diff, check_only)
    for skipped in run.skipped:
        click.echo(printable(f"{skipped.path}: skipped: {skipped.reason}"), err=True)
    # A file that could not be written keeps the findings its plan would have fixed.
    remaining = sorted(
        [*run.remaining, *(f for e in run.errors for f in e.findings),
         *(e.finding for f in run.changed if f.shown in unwritten for e in f.plan.edits)],
        key=lambda f: f.sort_key,
    )
    report = Report(__version__, index.registry_version, settings.as_of, fail_on,
                    len(run.files), tuple(remaining), tuple(sorted(errors, key=lambda e: e.path)),
                    registry_origin=index.registry_origin,
                    registry_location=index.registry_location)
    for finding in report.failing:
        click.echo(printable(finding_line(finding)), err=True)
    for failed in report.errors:
        click.echo(printable(f"{failed.path}: error: {failed.message}"), err=True)
    edits = [e for f in run.changed if f.shown not in unwritten for e in f.plan.edits]
    renamed = sum(1 for e in edits if e.finding.rule is PARAMETER and e.new)
    removed = sum(1 for e in edits if e.finding.rule is PARAMETER and not e.new)
    verb = "Would rewrite" if dry else "Rewrote"
    click.echo(
        f"{verb} {len(edits) - renamed - removed} model id(s)"
        + (f", renamed {renamed} parameter(s)" if renamed else "")
        + (f", removed {removed} argument(s)" if removed else "")
        + f" in {rewritten} file(s) with registry "
        f"{report.registry_label} as of {settings.as_of}; {len(report.failing)} failing "
        f"finding(s) left (--fail-on {fail_on.value})"
        + (f", {len(report.errors)} error(s)" if report.errors else ""),
        err=True,
    )
    if report.errors or any(_config_error(r) for r in refusals):
        return 2
    return 1 if rewritten or report.failing or refusals else 0


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM ends the writes as Ctrl-C does, by an exception, so the temp file of the write
    under way is removed (see write_atomic) instead of being left behind."""
    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread: signals are not ours to handle
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _write_or_show(run: FixRun, errors: list[Failed], unwritten: set[str], show_diff: bool,
                   check_only: bool) -> int:
    """Print (--diff), list (--check) or write each changed file; the number of files. A file
    that could not be written goes to `errors` and `unwritten`."""
    rewritten = 0
    for file in run.files:
        for note in file.plan.skipped:
            cell = f"cell {note.finding.cell}:" if note.finding.cell is not None else ""
            where = f"{note.finding.path}:{cell}{note.finding.line}:{note.finding.column}"
            what = note.finding.parameter or note.finding.model
            click.echo(printable(f"{where}: note: `{what}` not rewritten: {note.reason}"),
                       err=True)
        if not file.changed:
            continue
        if show_diff:
            click.echo(file.diff(), nl=False)
        elif check_only:
            click.echo(printable(f"Would rewrite {file.shown}"))
        else:
            failure = write_fix(file)
            if failure is not None:
                errors.append(failure)
                unwritten.add(failure.path)
                continue
            click.echo(printable(f"Rewriting {file.shown}"), err=True)
        rewritten += 1
    return rewritten


def _config_error(refusal: Refusal) -> bool:
    """Did the replacement go unverified because the smoke call could not be configured?"""
    from modelguard.smoke import Skipped as SmokeSkipped

    return isinstance(refusal.result, SmokeSkipped) and refusal.result.config_error


def verify_options(
    verify: bool, base_url: str | None, endpoint: str | None, timeout: float | None
) -> VerifyOptions | str | None:
    """The --verify settings, None without --verify, or a usage error's message."""
    if not verify:
        given = [name for name, value in (("--base-url", base_url), ("--endpoint", endpoint),
                                          ("--timeout", timeout)) if value is not None]
        return f"{', '.join(given)} only apply with --verify" if given else None
    from modelguard.fix.verify import VerifyOptions
    from modelguard.smoke import Endpoint

    return VerifyOptions(base_url, Endpoint(endpoint) if endpoint else None,
                         SMOKE_TIMEOUT if timeout is None else timeout)
