"""`modelguard smoke`: prove each replacement model answers, with one minimal live request."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress

from modelguard.api import check_paths
from modelguard.cli.common import EXIT_USAGE, fatal
from modelguard.defaults import SMOKE_CONCURRENCY, SMOKE_MAX_CALLS, SMOKE_TIMEOUT
from modelguard.registry.index import ModelIndex
from modelguard.smoke import (
    PROVIDERS,
    Answered,
    BaseUrlError,
    Endpoint,
    PlannedRequest,
    Skipped,
    SmokeResult,
    Target,
    check_base_url,
    plan,
    resolve,
    targets_from_findings,
    verify_targets,
)
from modelguard.smoke.report import (
    exit_code,
    render_json,
    render_plan_json,
    render_plan_text,
    render_text,
)
from modelguard.smoke.settings import SmokeSettings, configured_providers
from modelguard.workspace.config import ConfigError, load_config, locate_config


@contextmanager
def _progress(total: int, err: Console) -> Iterator[Any]:
    """A callback advancing a rich progress bar on a terminal; a no-op elsewhere."""
    if not err.is_terminal:
        yield None
        return
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("smoke calls", total=total)
        yield lambda _result: bar.advance(task)


def _settings(paths: tuple[Path, ...], options: dict[str, Any]) -> SmokeSettings:
    """`[tool.modelguard.smoke]` from the configuration a scan of `paths` would use."""
    if options.get("isolated"):
        return SmokeSettings()
    given: Path | None = options.get("config_file")
    found = given or locate_config(paths[0] if paths else Path("."))
    try:
        return load_config(found).smoke
    except ConfigError as error:
        for problem in error.problems:
            click.echo(f"modelguard: error: {problem}", err=True)
        sys.exit(EXIT_USAGE)


def _targets(paths: tuple[Path, ...], models: tuple[str, ...], options: dict[str, Any],
             scan_context: Callable[..., Any]) -> tuple[list[Target], SmokeSettings]:
    if models:
        providers = options["providers"]
        if len(providers) != 1 or providers[0] not in PROVIDERS:
            fatal(f"--model needs exactly one --provider, one of: {', '.join(sorted(PROVIDERS))}")
        # Each id on its own endpoint, when the registry knows it (every registry provider
        # indexed: the smoke provider, OpenRouter say, need not be one of them).
        index = scan_context(paths=paths, **{**options, "providers": ()}).index
        return sorted({Target(providers[0], model, _endpoints(index, providers[0], model))
                       for model in models}), _settings(paths, options)
    context = scan_context(paths=paths, **options)
    try:
        report = check_paths(list(paths), context.index, context.settings, context.fail_on,
                             context.selection)
    except FileNotFoundError as error:
        fatal(str(error))
    for failed in report.errors:
        click.echo(f"modelguard: warning: not scanned: {failed.path}: {failed.message}", err=True)
    return targets_from_findings(report.findings, context.index), context.config.smoke


def _endpoints(index: ModelIndex, provider: str, model: str) -> tuple[str, ...]:
    entry = index.entry(provider, model)
    return () if entry is None else entry.endpoints


def smoke_command(scan_options: Callable[[Callable[..., None]], Callable[..., None]],
                  scan_context: Callable[..., Any]) -> click.Command:
    """The `smoke` command, built with the scan options and context `cli` shares with `check`
    (passed in, so this module does not import `cli` and `cli` registers it in one line)."""

    @click.command("smoke")
    @click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
    @scan_options
    @click.option("--model", "models", multiple=True, metavar="ID",
                  help="Smoke these ids (repeatable) at the one --provider instead of scanning.")
    @click.option("--endpoint", type=click.Choice([e.value for e in Endpoint]), default=None,
                  help="API to call for models that serve it (default: each model's first "
                       "endpoint in the registry; chat, or messages for Anthropic, when unknown).")
    @click.option("--images", "allow_billed", is_flag=True,
                  help="Also call image models (one generated image each, billed); skipped "
                       "otherwise.")
    @click.option("--base-url", default=None, metavar="URL",
                  help="API root with its version path, e.g. https://api.openai.com/v1 (https, or "
                       "http to loopback only).")
    @click.option("--dry-run", is_flag=True, help="Print the requests, key masked; send nothing.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                  show_default=True)
    @click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                  metavar="SECONDS",
                  help=f"Per-request timeout (default: {SMOKE_TIMEOUT:g}, or smoke.timeout).")
    @click.option("--concurrency", type=click.IntRange(min=1), default=None,
                  help=f"Calls at a time (default: {SMOKE_CONCURRENCY}, or smoke.concurrency).")
    @click.option("--max-calls", type=click.IntRange(min=1), default=None,
                  help="Refuse to smoke more targets than this, a cost guard "
                       f"(default: {SMOKE_MAX_CALLS}, or smoke.max-calls).")
    def smoke(paths: tuple[Path, ...], models: tuple[str, ...], endpoint: str | None,
              allow_billed: bool, base_url: str | None, dry_run: bool, fmt: str,
              timeout: float | None,
              concurrency: int | None, max_calls: int | None, **options: Any) -> None:
        """Call each replacement model found under PATHS once, with the cheapest request that
        proves it answers. API keys come from environment variables (OPENAI_API_KEY, …);
        [tool.modelguard.smoke] can set defaults, base URLs and key variable names."""
        targets, settings = _targets(paths, models, options, scan_context)
        timeout = settings.timeout if timeout is None else timeout
        concurrency = settings.concurrency if concurrency is None else concurrency
        max_calls = settings.max_calls if max_calls is None else max_calls
        provider_table = configured_providers(settings)
        if len(targets) > max_calls:
            fatal(f"{len(targets)} targets to smoke exceed --max-calls {max_calls}; raise it or "
                   "narrow the scan")
        if base_url is not None:
            try:
                base_url = check_base_url(base_url)
            except BaseUrlError as error:
                fatal(str(error))
            providers = sorted({t.provider for t in targets})
            if len(providers) > 1:
                spanned = ", ".join(providers)
                fatal(f"--base-url applies to one provider, but the targets span {spanned}; "
                       "narrow them with --provider")
        chosen = Endpoint(endpoint) if endpoint is not None else None
        err = Console(stderr=True)
        if dry_run:
            planned: list[PlannedRequest] = []
            skipped: list[Skipped] = []
            for target in targets:
                outcome = resolve(target, chosen, base_url, {}, need_key=False,
                                  providers=provider_table, allow_billed=allow_billed)
                if isinstance(outcome, Skipped):
                    skipped.append(outcome)
                else:
                    planned.append(plan(outcome))
            render = render_plan_json if fmt == "json" else render_plan_text
            click.echo(render(planned, skipped), nl=False)
            click.echo(f"dry run: {len(planned)} requests not sent", err=True)
            sys.exit(exit_code(skipped))
        with _progress(len(targets), err) as advance:
            results: list[SmokeResult] = list(verify_targets(
                targets, endpoint=chosen, base_url=base_url, timeout=timeout,
                concurrency=concurrency, on_result=advance, providers=provider_table,
                allow_billed=allow_billed).values())
        click.echo((render_json if fmt == "json" else render_text)(results), nl=False)
        answered = sum(1 for r in results if isinstance(r, Answered))
        click.echo(f"smoke: {len(results)} targets, {answered} answered", err=True)
        sys.exit(exit_code(results))

    return smoke
