"""Command line: parse options, wire the stages together, map outcomes to exit codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from modelguard.api import UNSUPPORTED, check_paths
from modelguard.cli.common import (
    EXIT_USAGE,
    fatal,
    parse_date,
    registry_in_use,
    registry_option,
)
from modelguard.defaults import BUNDLED, SMOKE_TIMEOUT, WARN_WITHIN_DAYS
from modelguard.engine.cache import default_cache_dir
from modelguard.files import write_atomic
from modelguard.findings import RULES, Finding, FixSafety, Selection
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import Registry
from modelguard.report import FailOn, OutputFormat, Report, render_chunks
from modelguard.report.baseline import BaselineError, apply_baseline, baseline_text, parse_baseline
from modelguard.report.outputs import OutputTarget, check_distinct, parse_target, write_outputs
from modelguard.report.text import (
    TextReporter,
    colours,
    print_findings,
    printable,
    write_summary,
)
from modelguard.scan import ScanSettings
from modelguard.workspace.config import (
    Config,
    ConfigError,
    config_table,
    load_config,
    locate_config,
    override,
    render_toml,
)
from modelguard.workspace.discover import NOT_REGULAR, DiscoverOptions
from modelguard.workspace.gitinfo import repository_of
from modelguard.workspace.paths import PathSpec, PatternError, parse_pattern


def _load(
    registry_dir: str | None, offline: bool = False, extra_files: tuple[Path, ...] = (),
    configured: str = BUNDLED,
) -> Registry:
    return registry_in_use(registry_dir, offline, extra_files, configured)


class LazyGroup(click.Group):
    """A group some of whose commands are built on first use (listed, run or asked for help):
    `check` does not import what `smoke` and `registry` need."""

    def __init__(self, *args: Any,
                 lazy: Mapping[str, Callable[[], click.Command]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def add_lazy(self, name: str, build: Callable[[], click.Command]) -> None:
        self.lazy[name] = build

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        build = self.lazy.pop(cmd_name, None)
        if build is not None:
            self.add_command(build(), cmd_name)
        return super().get_command(ctx, cmd_name)


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:  # reads the configuration and the registry: only when asked
        from modelguard.cli.version import print_version

        print_version(ctx, param, value)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_version,
              help="Show the version and the registry in use, and exit.")
def cli() -> None:
    """Find deprecated and retired LLM model ids in a codebase."""




def _rule_codes(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """Codes as ruff takes them: repeated, comma-separated, any case; ALL is every rule."""
    codes: list[str] = []
    for value in values:
        for part in value.split(","):
            code = part.strip().upper()
            if code == "ALL":
                codes.extend(sorted(RULES))
            elif code in RULES:
                codes.append(code)
            elif code:
                raise click.BadParameter(
                    f"unknown rule {part.strip()!r} (known: ALL, {', '.join(sorted(RULES))})")
    return tuple(dict.fromkeys(codes))


def scan_options(command: Callable[..., None]) -> Callable[..., None]:
    """Options shared by every command that scans: dates, rules, providers, registry, config.

    Options that the configuration file can also set default to None ("not given"); defaults
    are resolved once, in `scan_context`, from the file and then the Config defaults."""
    options = [
        click.option("--as-of", callback=parse_date, metavar="YYYY-MM-DD",
                     help="Judge lifecycles at this date (default: today)."),
        click.option("--warn-within", type=click.IntRange(min=0), default=None,
                     metavar="DAYS",
                     help="A deprecated model shutting down this soon is MG003 "
                          f"(default: {WARN_WITHIN_DAYS})."),
        click.option("--fail-on", type=click.Choice([f.value for f in FailOn]), default=None,
                     help="Least severe finding that fails the run (default: retired)."),
        click.option("--select", multiple=True, callback=_rule_codes, metavar="CODES",
                     help="Report only these rules (comma-separated or repeated; ALL)."),
        click.option("--ignore", multiple=True, callback=_rule_codes, metavar="CODES",
                     help="Do not report these rules (comma-separated or repeated; ALL)."),
        click.option("--provider", "providers", multiple=True, metavar="NAME",
                     help="Only these providers' entries apply to bare ids (repeatable)."),
        registry_option,
        click.option("--offline", is_flag=True,
                     help="Use the bundled registry, never one installed by `registry sync`."),
        click.option("--config", "config_file", metavar="FILE",
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Read settings from FILE instead of looking for one."),
        click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
        click.option("--extend-exclude", multiple=True, metavar="PATTERN",
                     help="Also skip paths matching this gitignore-style pattern (repeatable)."),
        click.option("--force-exclude/--no-force-exclude", default=None,
                     help="Apply excludes to files named on the command line too "
                          "(pre-commit names every staged file)."),
        click.option("--extra-registry", "extra_registries", multiple=True, metavar="FILE",
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Add a private provider file to the registry (repeatable)."),
        click.option("--max-file-size", type=click.IntRange(min=1), default=None,
                     metavar="BYTES", help="Skip larger files (default: 1048576)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True, slots=True)
class ScanContext:
    """What a scanning command needs, built once from the shared options."""

    index: ModelIndex
    settings: ScanSettings
    fail_on: FailOn
    selection: Selection
    config: Config = field(default_factory=Config)
    discover: DiscoverOptions = field(default_factory=DiscoverOptions)


def resolve_config(
    paths: tuple[Path, ...] | list[Path] = (),
    *,
    config_file: Path | None = None,
    isolated: bool = False,
    warn_within: int | None = None,
    fail_on: str | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    providers: tuple[str, ...] = (),
    extend_exclude: tuple[str, ...] = (),
    force_exclude: bool | None = None,
    extra_registries: tuple[Path, ...] = (),
    max_file_size: int | None = None,
) -> Config:
    """The configuration file (given, or found from the first path), then the command line."""
    if isolated:
        found = None
    else:
        found = config_file or locate_config(Path(paths[0]) if paths else Path("."))
    try:
        config = load_config(found)
    except ConfigError as error:
        for problem in error.problems:
            click.echo(f"modelguard: error: {problem}", err=True)
        sys.exit(EXIT_USAGE)
    config = override(
        config,
        warn_within_days=warn_within,
        fail_on=fail_on,
        select=tuple(code.upper() for code in select),
        ignore=tuple(code.upper() for code in ignore),
        providers=providers,
        max_file_size=max_file_size,
        force_exclude=force_exclude,
    )
    for pattern in extend_exclude:
        try:
            parse_pattern(pattern)
        except PatternError as error:
            fatal(f"--extend-exclude: {error}")
    return override(
        config,
        extend_exclude=config.extend_exclude + extend_exclude if extend_exclude else None,
        extra_registries=config.extra_registries
        + tuple(p.absolute() for p in extra_registries) if extra_registries else None,
    )


def scan_context(
    *,
    as_of: dt.date | None,
    registry_dir: str | None,
    offline: bool = False,
    paths: tuple[Path, ...] | list[Path] = (),
    **options: Any,
) -> ScanContext:
    config = resolve_config(paths, **options)
    registry = _load(registry_dir, offline, config.extra_registries, config.registry)
    unknown = sorted(set(config.providers) - {p.slug for p in registry.providers})
    if unknown:
        known = ", ".join(p.slug for p in registry.providers)
        fatal(f"unknown provider {unknown[0]!r} (known: {known})")
    root = config.root or Path(".")
    return ScanContext(
        index=build_index(registry, config.providers or None),
        settings=ScanSettings(
            as_of=as_of or dt.date.today(),
            warn_within_days=config.warn_within_days,
            max_file_size=config.max_file_size,
        ),
        fail_on=FailOn(config.fail_on),
        selection=Selection(
            frozenset(config.select),
            frozenset(config.ignore),
            frozenset(model.casefold() for model in config.ignore_models),
            tuple(
                (PathSpec.from_lines([pattern]), frozenset(codes))
                for pattern, codes in config.per_file_ignores
            ),
            str(root.absolute()),
        ),
        config=config,
        discover=DiscoverOptions(
            root=config.root,
            exclude=PathSpec.from_lines(config.exclude + config.extend_exclude),
            include=None if config.include is None else PathSpec.from_lines(config.include),
            force_exclude=config.force_exclude,
        ),
    )


def _targets(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[OutputTarget]:
    try:
        targets = [parse_target(value) for value in values]
        check_distinct(targets)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return targets


def _warn(line: str) -> None:
    click.echo(printable(f"modelguard: warning: {line}"), err=True)


def _read_baseline(path: Path) -> dict[tuple[str, str, str], str | None]:
    try:
        return parse_baseline(path.read_text(encoding="utf-8"))
    except OSError as error:
        fatal(f"cannot read baseline {path}: {error.strerror or error}")
    except (BaselineError, UnicodeDecodeError) as error:
        fatal(f"baseline {path}: {error}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@scan_options
@click.option("--format", "fmt", type=click.Choice([f.value for f in OutputFormat]),
              default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report here (only once the run has finished).")
@click.option("--output-format", "targets", multiple=True, callback=_targets,
              metavar="FORMAT=FILE",
              help="Also write FORMAT to FILE once the run has finished (repeatable).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Record every finding in this baseline file and exit 0.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Scan with N processes (default: the number of CPUs).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .modelguard_cache/.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when findings fail the run (errors still exit 2).")
@click.option("--statistics", is_flag=True,
              help="Print the number of findings per rule instead of the findings.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print the findings and errors, nothing else (no summary, no hints).")
@click.option("--repo-name", default=None, metavar="NAME",
              help="Name the repository in the JSON report (default: owner/name of the "
                   "git remote `origin`).")
def check(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    targets: list[OutputTarget],
    baseline: Path | None,
    write_baseline: Path | None,
    jobs: int | None,
    no_cache: bool,
    exit_zero: bool,
    statistics: bool,
    quiet: bool,
    repo_name: str | None,
    **options: Any,
) -> None:
    """Report deprecated and retired model ids under PATHS (default: the current folder)."""
    context = scan_context(paths=paths, **options)
    for target in (*(t.path for t in targets), *([output] if output else [])):
        # Checked before the scan, not after it: a typo must not cost a whole run.
        if not target.absolute().parent.is_dir():
            fatal(f"cannot write {target}: no such folder {target.parent}")
    accepted = _read_baseline(baseline) if baseline is not None else None
    try:
        report = check_paths(
            list(paths), context.index, context.settings, context.fail_on, context.selection,
            context.discover,
            jobs=jobs or os.cpu_count() or 1,
            cache_dir=None if no_cache else default_cache_dir(),
            # Written by this run after the scan, or read by it: never scanned (nor is an older
            # one of these with no modelguard mark, e.g. a text report named report.md).
            own_files=[p for p in (baseline, write_baseline, output, *(t.path for t in targets))
                       if p is not None],
            on_warning=_warn,
        )
    except FileNotFoundError as error:
        fatal(str(error))
    for note in report.notes:
        _warn(note)
    for skipped in report.skipped:
        if skipped.reason == UNSUPPORTED or skipped.reason.startswith(NOT_REGULAR):
            _warn(f"{skipped.path}: skipped: {skipped.reason}")
    if not report.files_scanned and not report.errors:
        _warn(f"no files to scan under {', '.join(map(str, paths)) or '.'}")
    repository = repository_of(paths[0] if paths else Path("."))
    report = dataclasses.replace(report, repository_name=repo_name or repository.name,
                                 repository_commit=repository.commit)
    if write_baseline is not None:
        try:
            write_atomic(write_baseline, baseline_text(report))
        except OSError as error:
            fatal(f"cannot write {write_baseline}: {error.strerror or error}")
        write_summary(report)
        click.echo(f"Recorded {len(report.findings)} finding(s) in {write_baseline}", err=True)
        sys.exit(EXIT_USAGE if report.errors else 0)
    hidden = 0
    if accepted is not None:
        report, hidden = apply_baseline(report, accepted)
    output_format = OutputFormat(fmt)
    all_targets = [*targets, *([OutputTarget(output_format, output)] if output else [])]
    try:
        check_distinct(all_targets)
        write_outputs(report, all_targets)
    except ValueError as error:
        fatal(str(error))
    except OSError as error:
        fatal(f"cannot write {error.filename}: {error.strerror or error}")
    if statistics:
        click.echo(_statistics(report), nl=False)
    elif output is None and output_format is OutputFormat.TEXT:
        if not colours(sys.stdout):  # the same text without rich, which is slow to load and run
            for chunk in TextReporter().chunks(report):
                click.echo(chunk, nl=False)
        elif report.findings or report.errors:
            from rich.console import Console

            print_findings(report, Console())
    elif output is None:
        for chunk in render_chunks(report, output_format):
            click.echo(chunk, nl=False)
    if not quiet:
        write_summary(report)
        if hint := _fixable_hint(report):
            click.echo(hint, err=True)
    if hidden and not quiet:
        click.echo(f"{hidden} finding(s) matched the baseline and are not reported", err=True)
    sys.exit(0 if exit_zero and report.exit_code == 1 else report.exit_code)


def _statistics(report: Report) -> str:
    """ruff's --statistics: count, code, [*] when `modelguard fix` rewrites some, rule name."""
    counts = Counter(f.rule.code for f in report.findings)
    fixable = {f.rule.code for f in report.findings if _fixable(f)}
    width = len(str(max(counts.values(), default=0)))
    return "".join(
        f"{count:>{width}}\t{code}\t{'[*] ' if code in fixable else ''}{RULES[code].name}\n"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _fixable(finding: Finding) -> bool:
    return finding.fix is FixSafety.SAFE and finding.rewritable


def _fixable_hint(report: Report) -> str | None:
    safe = sum(1 for f in report.findings if _fixable(f))
    unsafe = sum(1 for f in report.findings
                 if f.fix is FixSafety.UNSAFE and f.rewritable)
    if not safe and not unsafe:
        return None
    more = f" ({unsafe} more with `modelguard fix --unsafe-fixes`)" if unsafe else ""
    return f"[*] {safe} fixable with `modelguard fix`{more}"


@cli.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@scan_options
@click.option("--unsafe-fixes", is_flag=True, help="Also rewrite ids in unsafe contexts.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--check", "check_only", is_flag=True,
              help="Say which files would change; write nothing.")
@click.option("--verify", is_flag=True,
              help="Smoke-call each replacement first; rewrite only to those that answer.")
@click.option("--base-url", default=None, metavar="URL",
              help="With --verify: the API root to call (https, or http to loopback only).")
@click.option("--endpoint", type=click.Choice(["chat", "responses", "messages"]), default=None,
              help="With --verify: API to call (default: chat, or messages for Anthropic).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS",
              help=f"With --verify: per-request timeout (default: {SMOKE_TIMEOUT:g}).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Scan with N processes (default: the number of CPUs).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .modelguard_cache/.")
def fix_command(paths: tuple[Path, ...], unsafe_fixes: bool, show_diff: bool, check_only: bool,
                verify: bool, base_url: str | None, endpoint: str | None, timeout: float | None,
                jobs: int | None, no_cache: bool, **options: Any) -> None:
    """Rewrite deprecated and retired model ids under PATHS to their replacements."""
    from modelguard.cli.fix import run_fix, verify_options

    checks = verify_options(verify, base_url, endpoint, timeout)
    if isinstance(checks, str):
        fatal(checks)
    context = scan_context(paths=paths, **options)
    sys.exit(run_fix(list(paths), context.index, context.settings, context.fail_on,
                     context.selection, unsafe_fixes, show_diff, check_only, context.discover,
                     checks, jobs=jobs or os.cpu_count() or 1,
                     cache_dir=None if no_cache else default_cache_dir()))


@cli.command("config")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@scan_options
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml",
              show_default=True)
def config_command(paths: tuple[Path, ...], fmt: str, **options: Any) -> None:
    """Print the configuration a scan of PATHS would use (file, then command line)."""
    import json

    context = scan_context(paths=paths, **options)
    table = config_table(context.config)
    if fmt == "json":
        click.echo(json.dumps(table, indent=2))
    else:
        click.echo(render_toml(table), nl=False)


@click.group()
def registry() -> None:
    """Inspect and validate registry data."""


def _registry_commands() -> click.Command:
    from modelguard.cli.registry import add_registry_commands

    add_registry_commands(registry)
    return registry


def _smoke_command() -> click.Command:
    from modelguard.cli.smoke import smoke_command

    return smoke_command(scan_options, scan_context)


def _rule_command() -> click.Command:
    from modelguard.cli.rule import rule_command

    return rule_command


def _report_command() -> click.Command:
    from modelguard.cli.report import report_group

    return report_group


cli.add_lazy("report", _report_command)
cli.add_lazy("rule", _rule_command)
cli.add_lazy("smoke", _smoke_command)
cli.add_lazy("registry", _registry_commands)


def main() -> None:
    cli(prog_name="modelguard")
