"""`modelguard registry list | show | validate | diff | export | sync | import | audit`: wiring
only; the logic lives in views, importer and audit (pure), bundle, sync and tables (I/O)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from modelguard.cli.common import (
    EXIT_USAGE,
    fatal,
    parse_date,
    registry_in_use,
    registry_option,
    registry_problems,
)
from modelguard.defaults import BUNDLED, LITELLM_TABLE_URL, SYNC_URL
from modelguard.files import write_atomic
from modelguard.findings import manual_migration
from modelguard.registry.audit import AllowListError, load_allow_list, run_audit, text_lines
from modelguard.registry.bundle import bundle_bytes, checksum_line
from modelguard.registry.importer import (
    SOURCES,
    UpstreamError,
    combined_text,
    plan_import,
    read_litellm,
    read_upstream,
    summary_lines,
)
from modelguard.registry.index import build_index
from modelguard.registry.lifecycle import Status, lifecycle
from modelguard.registry.load import (
    AUDIT_ALLOW_LIST,
    Provider,
    Registry,
    RegistryError,
    bundled_registry_dir,
    extend_registry,
    load_registry,
    parse_provider_file,
)
from modelguard.registry.sync import SyncError, fetch, sync
from modelguard.registry.sync import rollback as rollback_sync
from modelguard.registry.tables import provider_tables
from modelguard.registry.views import (
    Row,
    describe_parameter_fact,
    diff,
    parameter_fact_json,
    reading,
    replacement_chain,
    rows,
    search,
    shutdown_text,
)
from modelguard.workspace.config import ConfigError, load_config, locate_config

_problems = registry_problems


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    return parse_date(ctx, param, value) or dt.date.today()


def source_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option("--offline", is_flag=True,
                           help="Use the bundled data, never the synced registry.")(command)
    return registry_option(command)


def project_registry(registry_dir: str | None, offline: bool) -> Registry:
    """The registry a scan of the working folder would use: --registry, else the `registry`
    setting of the configuration found from here (bundled when there is none)."""
    configured = BUNDLED
    if registry_dir is None:
        try:
            configured = load_config(locate_config(Path("."))).registry
        except ConfigError as error:
            for problem in error.problems:
                click.echo(f"modelguard: error: {problem}", err=True)
            sys.exit(EXIT_USAGE)
    return registry_in_use(registry_dir, offline, (), configured)


as_of_option = click.option("--as-of", callback=_date, metavar="YYYY-MM-DD",
                            help="Judge lifecycles at this date (default: today).")


@click.command("list")
@click.option("--provider", metavar="NAME", help="Only this provider's entries.")
@click.option("--status", type=click.Choice([s.value for s in Status]),
              help="Only entries with this status at --as-of.")
@as_of_option
@click.option("--page-older-than", "page_older_than", type=click.IntRange(min=0), metavar="DAYS",
              help="Only entries whose provider file was checked against a page version more "
                   "than DAYS days before --as-of (or names none).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@source_options
def registry_list(provider: str | None, status: str | None, as_of: dt.date,
                  page_older_than: int | None, fmt: str, registry_dir: str | None,
                  offline: bool) -> None:
    """List registry entries with their status at --as-of."""
    registry = project_registry(registry_dir, offline)
    if provider is not None and registry.provider(provider) is None:
        known = ", ".join(p.slug for p in registry.providers)
        fatal(f"unknown provider {provider!r} (known: {known})")
    found = rows(registry.providers, as_of, only_provider=provider,
                 only_status=Status(status) if status else None,
                 page_older_than_days=page_older_than)
    if fmt == "json":
        click.echo(json.dumps([row.as_json() for row in found], indent=2))
        return
    # Plain columns, not a rich table: the same in a pipe, and a fifth of the time.
    click.echo(plain_table(
        ("provider", "id", "status", "shutdown", "days left", "replacement"),
        [(row.entry.provider, row.entry.id, row.status.value, shutdown_text(row.entry),
          "" if row.days_left is None else str(row.days_left), row.entry.replacement or "")
         for row in found]), nl=False)
    click.echo(f"{len(found)} entries in registry {registry.version} ({registry.label}) "
               f"as of {as_of}", err=True)


def _known_provider(registry: Registry, provider: str | None) -> None:
    if provider is not None and registry.provider(provider) is None:
        known = ", ".join(p.slug for p in registry.providers)
        fatal(f"unknown provider {provider!r} (known: {known})")


def _squashed_nonempty(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def plain_table(headers: Sequence[str], table: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns, two spaces apart: fast, and the same on a terminal or in a pipe."""
    widths = [max(len(row[i]) for row in (headers, *table)) for i in range(len(headers))]
    return "".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                     strict=True)).rstrip() + "\n"
                   for row in (headers, *table))


@click.command("search")
@click.argument("text")
@click.option("--provider", metavar="NAME", help="Only this provider's entries.")
@as_of_option
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Show at most this many entries (0: all).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@source_options
def registry_search(text: str, provider: str | None, as_of: dt.date, limit: int, fmt: str,
                    registry_dir: str | None, offline: bool) -> None:
    """Find entries by TEXT: a part of an id or alias (case, dashes and dots do not count:
    gpt4o finds gpt-4o), a provider's name, or a near miss. Best matches first; exits 1 when
    nothing matches."""
    if not _squashed_nonempty(text):
        fatal("give a part of a model id, an alias or a provider name to search for")
    registry = project_registry(registry_dir, offline)
    _known_provider(registry, provider)
    hits = search(registry.providers, text, as_of, only_provider=provider)
    shown = hits[:limit] if limit else hits
    if fmt == "json":
        click.echo(json.dumps([hit.as_json() for hit in shown], indent=2))
    elif shown:
        click.echo(plain_table(
            ("provider", "id", "matched", "status", "shutdown", "replacement"),
            [(h.row.entry.provider, h.row.entry.id,
              "" if h.matched == h.row.entry.id else h.matched, h.row.status.value,
              shutdown_text(h.row.entry), h.row.entry.replacement or "") for h in shown]),
            nl=False)
    more = f" (showing {len(shown)}; --limit 0 shows all)" if len(shown) < len(hits) else ""
    click.echo(f"{len(hits)} entries match {text!r} in registry {registry.version} "
               f"({registry.label}){more}", err=True)
    if not hits:
        sys.exit(1)


@click.command("show")
@click.argument("model_id")
@click.option("--provider", metavar="NAME",
              help="Read MODEL_ID as this provider's id (as `check --provider` does).")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@source_options
def registry_show(model_id: str, provider: str | None, as_of: dt.date, fmt: str,
                  registry_dir: str | None, offline: bool) -> None:
    """Show the entry for MODEL_ID as code writes it (any alias, routed or qualified form,
    e.g. openai:gpt-4.5-preview, us.anthropic.claude-3-haiku-20240307-v1:0) and how it was read."""
    registry = project_registry(registry_dir, offline)
    _known_provider(registry, provider)
    index = build_index(registry, [provider] if provider else [p.slug for p in registry.providers])
    match = index.lookup(model_id)
    if match is None:
        within = f" (provider {provider})" if provider else ""
        click.echo(f"modelguard: {model_id!r} is not in registry {registry.version}{within}",
                   err=True)
        sys.exit(1)
    entry = match.entry
    provider_of = registry.provider(entry.provider)
    assert provider_of is not None
    life = lifecycle(entry.announced, entry.shutdown, as_of)
    plain = model_id.casefold() in (name.casefold() for name in entry.names)
    rewrite = index.replacement(match, as_of)
    successor = index.successor(match, as_of)
    migration = manual_migration(entry.endpoints, () if successor is None else
                                 successor.endpoints) if rewrite else None
    if match.fine_tune:
        successor = index.successor(match, as_of)
        rewrite = "none: re-train the fine-tune on " + (
            successor.id if successor is not None else "a serving model") + " (no id replaces it)"
    chain = replacement_chain(provider_of, entry)
    if fmt == "json":
        click.echo(json.dumps({
            "written": model_id,
            "read_as": None if plain else reading(model_id, match),
            **Row(entry, life.status, life.days_left).as_json(),
            "provider_name": provider_of.name,
            "as_of": as_of.isoformat(),
            "rewrite": None if match.fine_tune else rewrite,
            "fine_tune": match.fine_tune,
            "notes": entry.notes,
            "parameters": [parameter_fact_json(f) for f in index.parameter_facts(entry)],
            "chain": [{"id": e.id, "status": lifecycle(e.announced, e.shutdown, as_of)
                       .status.value} for e in chain],
            "registry": {"version": registry.version, "source": registry.origin,
                         "location": registry.location},
        }, indent=2))
        return
    lines = [
        ("read as", "" if plain else reading(model_id, match)),
        ("provider", f"{provider_of.slug} ({provider_of.name})"),
        ("id", entry.id),
        ("aliases", ", ".join(entry.aliases)),
        ("announced", str(entry.announced or "")),
        ("shutdown", shutdown_text(entry)),
        ("dates from", "LiteLLM or another aggregator, not checked against the provider's page"
         if entry.dates_from == "aggregator" else ""),
        ("status", f"{life.status.value} as of {as_of}"
         + (f", {life.days_left} days left" if life.days_left is not None and life.days_left > 0
            else "")),
        ("replacement", entry.replacement or ""),
        ("endpoints", ", ".join(entry.endpoints)),
        ("migration", "" if migration is None or successor is None else
         f"manual: {successor.id} serves another endpoint ({migration}); `fix` leaves it alone"),
        ("rewrite", "" if plain else f"{model_id} -> {rewrite}" if rewrite and not
         match.fine_tune else rewrite or ""),
        ("source", entry.source or ""),
        ("notes", entry.notes or ""),
        *(("parameters", f"{describe_parameter_fact(f)} ({f.source})")
          for f in index.parameter_facts(entry)),
    ]
    for key, value in lines:
        if value:
            click.echo(f"{key + ':':13}{value}")
    if chain:
        steps = [entry.id] + [
            f"{e.id} ({lifecycle(e.announced, e.shutdown, as_of).status.value})" for e in chain
        ]
        click.echo(f"{'chain:':13}{' -> '.join(steps)}")


def validate_paths(paths: Sequence[Path], with_bundled: bool) -> tuple[int, list[str]]:
    """(model entries checked, problems) for registry folders and provider files.

    A folder is a whole registry. A provider file is checked on its own (schema and the rules
    within one file), so a private copy of a bundled provider is valid; `with_bundled` adds the
    files to the bundled registry, as `check --extra-registry` does, and so also reports a
    provider defined twice."""
    problems: list[str] = []
    checked = 0
    folders = [p for p in paths if p.is_dir()] or ([] if paths else [bundled_registry_dir()])
    files = [p for p in paths if not p.is_dir()]
    for folder in folders:
        try:
            checked += sum(len(p.models) for p in load_registry(folder).providers)
        except RegistryError as error:
            problems.extend(error.problems)
    if with_bundled and files:
        try:
            bundled = load_registry(bundled_registry_dir())
            extended = extend_registry(bundled, files)
            checked += sum(len(p.models) for p in extended.providers[len(bundled.providers):])
        except RegistryError as error:
            problems.extend(error.problems)
        return checked, problems
    for path in files:
        try:
            checked += len(parse_provider_file(path).models)
        except RegistryError as error:
            problems.extend(error.problems)
    return checked, problems


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--with-bundled", is_flag=True,
              help="Check provider files against the bundled data too (a provider defined "
                   "twice is an error), as `check --extra-registry` would load them.")
def registry_validate(paths: tuple[Path, ...], with_bundled: bool) -> None:
    """Validate the bundled registry, or registry folders and provider files given as PATHS.

    A provider file is validated on its own unless --with-bundled is given."""
    checked, problems = validate_paths(paths, with_bundled)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(EXIT_USAGE)
    click.echo(f"ok: {checked} model entries")


def _providers_at(path: Path) -> tuple[str, tuple[Provider, ...]]:
    try:
        if path.is_dir():
            found = load_registry(path)
            return found.version, found.providers
        return path.name, (parse_provider_file(path),)
    except RegistryError as error:
        _problems(error)


@click.command("diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--exit-code", is_flag=True,
              help="Exit 1 when there are differences (as `git diff --exit-code`).")
def registry_diff(old: Path, new: Path, exit_code: bool) -> None:
    """Entries added, removed and changed (dates, qualifier, replacement, endpoints) from OLD
    to NEW: two registry folders or two provider files."""
    old_version, old_providers = _providers_at(old)
    new_version, new_providers = _providers_at(new)
    changes = diff(old_providers, new_providers)
    click.echo(f"registry diff {old_version} -> {new_version}")
    for change in changes:
        click.echo(change.line())
    counts = {k: sum(c.kind == k for c in changes) for k in ("added", "removed", "changed")}
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()), err=True)
    if exit_code and changes:
        sys.exit(1)


@click.command("export")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("registry.json"), show_default=True,
              help="Bundle file to write; its checksum goes to the same name plus .sha256.")
@source_options
def registry_export(output: Path, registry_dir: str | None, offline: bool) -> None:
    """Write the registry as one JSON bundle plus its sha256 file, for `registry sync`."""
    registry = project_registry(registry_dir, offline)
    data = bundle_bytes(registry)
    checksum = output.with_name(output.name + ".sha256")
    try:
        write_atomic(output, data)
        write_atomic(checksum, checksum_line(data, output.name))
    except OSError as error:
        fatal(f"cannot write {output}: {error.strerror or error}")
    click.echo(f"wrote {output} (registry {registry.version}) and {checksum}")


OPT_IN = 'projects use it with `registry = "synced"` in [tool.modelguard] (or --registry synced)'


@click.command("sync")
@click.argument("source", required=False, metavar="[URL|FILE]")
@click.option("--url", default=None,
              help=f"Bundle URL (https); the checksum is fetched from URL.sha256 "
                   f"[default: {SYNC_URL}].")
@click.option("--rollback", is_flag=True,
              help="Put back the synced registry the last sync replaced.")
def registry_sync(source: str | None, url: str | None, rollback: bool) -> None:
    """Install a newer registry bundle in the user cache: the published one, another URL, or
    a local bundle FILE (`registry export` writes it, with FILE.sha256 beside it; the same
    checks apply). Only projects that opt in use it: `registry = "synced"`."""
    if source is not None and url is not None:
        fatal("give the bundle as an argument or with --url, not both")
    if rollback:
        if source is not None or url is not None:
            fatal("--rollback takes no bundle")
        try:
            undone = rollback_sync()
        except SyncError as error:
            fatal(str(error))
        if undone.restored is None:
            click.echo(f"set aside synced registry {undone.replaced}: projects that opt in use "
                       "the bundled one until the next sync")
        else:
            click.echo(f"restored registry {undone.restored} (was {undone.replaced})")
        return
    try:
        result = sync(source or url or SYNC_URL)
    except SyncError as error:
        fatal(str(error))
    except RegistryError as error:
        _problems(error)
    if result.installed:
        click.echo(f"installed registry {result.version} (was {result.previous}); {OPT_IN}")
    else:
        click.echo(f"registry {result.version} is already installed")


def _read_source(source: str) -> bytes:
    if source.startswith(("https://", "http://")):
        try:
            return fetch(source)
        except SyncError as error:
            fatal(str(error))
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        fatal(f"{source}: file not found")
    except OSError as error:
        fatal(f"{source}: cannot read: {error.strerror or error}")


def _table_url(kind: str, source: str) -> str | None:
    """The address an aggregator day cites when its record names no readable page: the table
    as downloaded, or LiteLLM's published table for a local copy of it."""
    if source.startswith("https://"):
        return source
    return LITELLM_TABLE_URL if kind == "litellm" else None


@click.command("import")
@click.option("--from", "kind", type=click.Choice(SOURCES), required=True,
              help="What SOURCE is: LiteLLM's model_prices_and_context_window.json or the "
                   "models.dev api.json catalogue.")
@click.argument("source")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the combined text to this file instead of stdout.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one <provider>.toml per provider into this folder.")
@source_options
def registry_import(kind: str, source: str, output: Path | None, output_dir: Path | None,
                    registry_dir: str | None, offline: bool) -> None:
    """Turn an upstream model table (a path or an https URL) into TOML entries for review:
    ids the registry lacks, and commented-out entries where upstream gives another day.
    Curated entries are never changed; the summary and unmapped providers go to stderr."""
    if output is not None and output_dir is not None:
        fatal("--output and --output-dir cannot be used together")
    registry = project_registry(registry_dir, offline)
    try:
        upstream = read_upstream(kind, _read_source(source))
        result = plan_import(upstream, registry, _table_url(kind, source))
    except UpstreamError as error:
        fatal(f"{source}: {error}")
    try:
        if output_dir is not None:
            output_dir.mkdir(parents=True, exist_ok=True)
            for slug, text in result.fragments.items():
                write_atomic(output_dir / f"{slug}.toml", text)
        elif output is not None:
            write_atomic(output, combined_text(result))
        else:
            click.echo(combined_text(result), nl=False)
    except OSError as error:
        fatal(f"cannot write {error.filename or output or output_dir}: "
              f"{error.strerror or error}")
    for line in summary_lines(upstream, result):
        click.echo(line, err=True)


def _allow_list_path(registry_dir: str | None) -> Path:
    """The allow-list beside the registry in use: --registry DIR's own, else the bundled one."""
    if registry_dir is not None and (Path(registry_dir) / AUDIT_ALLOW_LIST).is_file():
        return Path(registry_dir) / AUDIT_ALLOW_LIST
    return bundled_registry_dir() / AUDIT_ALLOW_LIST


@click.command("audit")
@click.option("--litellm", "litellm", metavar="PATH|URL", default=LITELLM_TABLE_URL,
              show_default=True,
              help="LiteLLM's model_prices_and_context_window.json: a file or an https URL.")
@click.option("--no-litellm", is_flag=True, help="Compare with the provider tables only.")
@click.option("--tables", "tables_dir", type=click.Path(exists=True, file_okay=False,
                                                        path_type=Path),
              help="A folder of the providers' own tables (the layout of shared/data: "
                   "openai_deprecations.csv, azure_openai_retirements.csv, ...).")
@click.option("--allow-list", "allow_list", type=click.Path(dir_okay=False, path_type=Path),
              help="Known disagreements with their reasons (default: audit-allow.toml of the "
                   "registry in use).")
@click.option("--hide-allowed", is_flag=True, help="List only disagreements not on the "
                                                     "allow-list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--exit-code", is_flag=True,
              help="Exit 1 when a disagreement is not on the allow-list.")
@source_options
def registry_audit(litellm: str, no_litellm: bool, tables_dir: Path | None,
                   allow_list: Path | None, hide_allowed: bool, fmt: str, exit_code: bool,
                   registry_dir: str | None, offline: bool) -> None:
    """Compare the registry with LiteLLM's table and the providers' own tables: ids upstream
    dates that the registry lacks, other days, other replacements; per provider."""
    registry = project_registry(registry_dir, offline)
    try:
        allowed = load_allow_list(allow_list or _allow_list_path(registry_dir))
    except AllowListError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(EXIT_USAGE)
    upstream = None
    if not no_litellm:
        try:
            upstream = read_litellm(_read_source(litellm))
        except UpstreamError as error:
            fatal(f"{litellm}: {error}")
    try:
        rows = provider_tables(tables_dir) if tables_dir is not None else []
    except (OSError, KeyError, ValueError) as error:
        fatal(f"{tables_dir}: cannot read the provider tables ({error})")
    result = run_audit(registry, upstream, rows, allowed)
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), indent=2))
    else:
        for line in text_lines(result, show_allowed=not hide_allowed):
            click.echo(line)
    if exit_code and result.unexplained:
        sys.exit(1)


COMMANDS = (registry_list, registry_search, registry_show, registry_validate, registry_diff,
            registry_export, registry_sync, registry_import, registry_audit)


def add_registry_commands(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
