"""Source text → findings. Pure: no disk access, no clock; the as-of date comes in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from modelguard.defaults import MAX_FILE_SIZE, WARN_WITHIN_DAYS
from modelguard.findings import (
    DEPRECATED,
    IMMINENT,
    MENTION,
    PARAMETER,
    RETIRED,
    RULES,
    Finding,
    FixSafety,
    Rule,
    manual_migration,
)
from modelguard.registry.index import Match, ModelIndex
from modelguard.registry.lifecycle import Lifecycle, Status, lifecycle
from modelguard.registry.load import ModelEntry, ParameterFact
from modelguard.scan.depth import too_deep
from modelguard.scan.formats import LANGUAGE_FORMATS, TextFormat, text_format
from modelguard.scan.hits import Hit, Suppressions
from modelguard.scan.parameters import ParameterSite
from modelguard.scan.suppressions import unknown_codes

if TYPE_CHECKING:
    from modelguard.scan.notebook import CellHits

PYTHON_SUFFIXES = frozenset({".py", ".pyi"})
NOTEBOOK_SUFFIX = ".ipynb"


@dataclass(frozen=True, slots=True)
class ScanSettings:
    as_of: date
    warn_within_days: int = WARN_WITHIN_DAYS
    max_file_size: int = MAX_FILE_SIZE  # bytes; notebooks may be NOTEBOOK_SIZE_FACTOR times larger



class ScanError(Exception):
    """A file this scanner cannot read; the message is one line for users.

    A Python file (or notebook cell) that does not parse still has the hits its lexer vouches
    for (see `scan.python.unparsed_hits`): `groups` holds them as `scan_groups` would, and
    `findings` (from `scan_source`) the findings made of them. They are reported beside the
    error."""

    def __init__(
        self, message: str, groups: tuple[HitGroup, ...] = (), findings: tuple[Finding, ...] = ()
    ) -> None:
        super().__init__(message)
        self.groups = groups
        self.findings = findings


def can_scan(path: str) -> bool:
    return is_python(path) or path.endswith(NOTEBOOK_SUFFIX) or text_format(path) is not None


def scan_source(
    path: str, source: str | bytes, index: ModelIndex, settings: ScanSettings
) -> tuple[Finding, ...]:
    """Every deprecated or retired model id in one file, sorted by position; raises ScanError
    (with the findings it could still make) when the file cannot be read."""
    try:
        groups = scan_groups(path, source, index)
    except ScanError as error:
        found = findings_from_groups(path, error.groups, index, settings)
        raise ScanError(str(error), error.groups, found) from None
    return findings_from_groups(path, groups, index, settings)


@dataclass(frozen=True, slots=True)
class HitGroup:
    """The hits of one file (or of one notebook cell) before any date is applied: what the
    cache keeps. `cell` is the notebook cell (None elsewhere); `file_lines` maps the cell lines
    holding hits to the file lines where they begin."""

    hits: tuple[Hit, ...]
    suppressions: Suppressions
    cell: int | None = None
    file_lines: Mapping[int, int] = field(default_factory=dict)


def scan_groups(path: str, source: str | bytes, index: ModelIndex) -> tuple[HitGroup, ...]:
    """The hits in one file, by kind; raises ScanError when it cannot be read."""
    if scanned_as_python(path):
        hits, suppressions = scan_hits(source, index)
        return _group(hits, suppressions)
    # A notebook's bytes are JSON: the prefilter reads its decoded cells (scan_notebook).
    if text_format(path) is not None and not index.may_contain(source):
        return ()
    return _other_groups(path, source, index)


def findings_from_groups(
    path: str, groups: tuple[HitGroup, ...], index: ModelIndex, settings: ScanSettings
) -> tuple[Finding, ...]:
    kept: list[Finding] = []
    for group in groups:
        found = findings_from_hits(path, group.hits, group.suppressions, index, settings)
        if group.cell is None:
            kept.extend(found)
        else:
            kept.extend(replace(f, cell=group.cell, file_line=group.file_lines.get(f.line))
                        for f in found)
    return tuple(sorted(kept, key=lambda f: f.sort_key))


def suppression_notes(path: str, groups: Sequence[HitGroup]) -> tuple[str, ...]:
    """One line per unknown code in an ignore comment (`ignore[MG999]`), as ruff warns about
    unknown noqa codes: the comment silences nothing, and the run goes on."""
    notes = []
    for group in groups:
        where = path if group.cell is None else f"{path}:cell {group.cell}"
        for line, codes in sorted(group.suppressions.items()):
            for code in unknown_codes(codes, RULES):
                notes.append(f"{where}:{line}: unknown rule code {code!r} in a "
                             f"`modelguard: ignore` comment (known: {', '.join(sorted(RULES))})")
    return tuple(notes)


def is_python(path: str) -> bool:
    return path.endswith(_PYTHON_ENDINGS)


_PYTHON_ENDINGS = tuple(sorted(PYTHON_SUFFIXES))


def scanned_as_python(path: str) -> bool:
    """Everything but notebooks and the text formats is read as Python (a file named on the
    command line, or source text given to the library)."""
    return not path.endswith(NOTEBOOK_SUFFIX) and text_format(path) is None


def scan_hits(source: str | bytes, index: ModelIndex) -> tuple[tuple[Hit, ...], Suppressions]:
    """The known ids in one Python file before any date is applied: what the cache keeps."""
    if not index.may_contain(source):
        return (), {}
    # libcst takes a third of a second to import: a run served from the cache never pays it.
    from modelguard.scan.parameters import parameter_hits
    from modelguard.scan.python import ParseFailure, decoded, lexed_source, scan_python

    deep = too_deep(source)
    if deep is not None:
        raise ScanError(deep)
    lexed = lexed_source(source)  # read once, by the scanner and by rule MG005
    try:
        hits, suppressions = scan_python(source, index, lexed=lexed)
    except ParseFailure as error:
        raise ScanError(str(error), _group(error.hits, error.suppressions)) from None
    text = lexed.text if lexed is not None else source if isinstance(source, str) \
        else decoded(source)
    if text is not None:
        hits.extend(parameter_hits(text, index, lexed=lexed))  # rule MG005
    return tuple(hits), suppressions


def _group(hits: tuple[Hit, ...], suppressions: Suppressions) -> tuple[HitGroup, ...]:
    return (HitGroup(hits, suppressions),) if hits or suppressions else ()


def findings_from_hits(
    path: str,
    hits: tuple[Hit, ...],
    suppressions: Suppressions,
    index: ModelIndex,
    settings: ScanSettings,
) -> tuple[Finding, ...]:
    """The lifecycle at `settings.as_of` applied to a file's hits, sorted by position.

    A file that holds an id thousands of times holds few different (id, place) pairs: each
    pair's finding is worked out once (lifecycle, replacement, message) and the others are
    copies at their own positions, sharing its strings."""
    kept = []
    made: dict[tuple[object, ...], tuple[Any, ...] | None] = {}
    for hit in hits:
        match = hit.match
        key = (hit.written, hit.fix, hit.context, id(match.entry), match.prefix,
               match.qualifier, match.suffix, match.separator, match.fine_tune, match.route)
        finding: Finding | None
        if key in made:
            rest = made[key]
            span = hit.span
            finding = None if rest is None else Finding(
                path, span.line, span.column, span.end_line, span.end_column, *rest)
        else:
            finding = _finding(path, hit, index, settings)
            made[key] = None if finding is None else _AFTER_SPAN(finding)
        if finding is not None and not (suppressions and _suppressed(finding, hit, suppressions)):
            kept.append(finding)
    kept.sort(key=_SORT_KEY)
    return tuple(kept)


_SORT_KEY = attrgetter("sort_key")
# Finding's fields after its span, in order: what findings of one (id, place) pair share.
_AFTER_SPAN = attrgetter(*(f.name for f in fields(Finding)[5:]))


def _other_groups(path: str, source: str | bytes, index: ModelIndex) -> tuple[HitGroup, ...]:
    """Notebooks and text formats: UTF-8 text, then the format's own scanner."""
    # Loaded on first use: a run answered from the cache scans nothing.
    from modelguard.scan.notebook import NotebookError, scan_notebook

    try:
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
    except UnicodeDecodeError as error:
        if not index.may_contain(source):
            return ()  # as before decoding: a file that names no model is not reported
        raise ScanError(f"cannot decode as UTF-8: byte {error.start}") from None
    fmt = text_format(path)
    if fmt is not None:
        hits, suppressions = scan_format(text, fmt, index)
        # Rule MG005, beside the ids (not in `scan_format`: `fix` re-scans ids with it).
        if fmt is TextFormat.JSON and hits:
            from modelguard.scan.parameters import parameter_hits

            hits.extend(parameter_hits(text, index, payload_file=True))
        elif fmt is TextFormat.YAML and hits:
            from modelguard.scan.parameters import yaml_parameter_hits

            hits.extend(yaml_parameter_hits(text, index))
        return (HitGroup(tuple(hits), suppressions),) if hits or suppressions else ()
    try:
        cells = scan_notebook(text, index)
    except NotebookError as error:
        recovered = _cell_groups(error.cells)
        if not recovered and not index.may_contain(source):
            return ()  # likewise: a broken notebook that names no model is not reported
        raise ScanError(str(error), recovered) from None
    return _cell_groups(cells)


def scan_format(text: str, fmt: TextFormat, index: ModelIndex) -> tuple[list[Hit], Suppressions]:
    """The hits in a file of a text format: source languages through scan.languages, config
    files, JavaScript/TypeScript and Markdown through scan.text (each loaded when first used)."""
    if fmt in LANGUAGE_FORMATS:
        from modelguard.scan.languages import scan_language

        return scan_language(text, fmt, index)
    from modelguard.scan.text import scan_text

    return scan_text(text, fmt, index)


def _cell_groups(cells: Sequence[CellHits]) -> tuple[HitGroup, ...]:
    groups = []
    for cell in cells:
        lines = cell.cell.file_lines
        file_lines = {
            hit.span.line: lines[hit.span.line - 1]
            for hit in cell.hits
            if hit.span.line <= len(lines) and lines[hit.span.line - 1]
        }
        groups.append(HitGroup(tuple(cell.hits), cell.suppressions, cell.cell.number, file_lines))
    return tuple(groups)


def _suppressed(finding: Finding, hit: Hit, suppressions: Suppressions) -> bool:
    for line in hit.suppressible_lines:
        if line in suppressions:
            codes = suppressions[line]
            if codes is None or finding.rule.code in codes:
                return True
    return False


def _finding(path: str, hit: Hit, index: ModelIndex, settings: ScanSettings) -> Finding | None:
    site = ParameterSite.parse(hit.context)
    if site is not None:
        return _parameter_finding(path, hit, site, index, settings)
    entry = hit.match.entry
    state = lifecycle(entry.announced, entry.shutdown, settings.as_of, settings.warn_within_days)
    if state.status is Status.ACTIVE:
        return None
    rule: Rule
    # A fine-tune's id names a model trained from the entry: no other id can stand for it. A
    # recording holds what a server once said: rewriting it breaks the replay, not the model.
    recorded = is_recording(path)
    fix = FixSafety.NONE if hit.match.fine_tune or recorded else hit.fix
    if hit.fix is FixSafety.NONE:
        rule = MENTION
    elif state.status is Status.RETIRED:
        rule = RETIRED
    elif state.days_left is not None and state.days_left <= settings.warn_within_days:
        rule = IMMINENT
    else:
        rule = DEPRECATED
    replacement = index.replacement(hit.match, settings.as_of)
    successor = index.successor(hit.match, settings.as_of) if replacement is not None else None
    return _placed(
        path, hit, state,
        rule=rule,
        replacement=replacement,
        fix=fix,
        context=hit.context,
        message=describe(hit.written, entry, state.status, state.days_left, hit.fix,
                         retrain_on=_retrain_on(hit.match, index, settings))
        + (RECORDING_NOTE if recorded and hit.fix is not FixSafety.NONE else ""),
        endpoints=entry.endpoints,
        replacement_endpoints=() if successor is None else successor.endpoints,
    )


def _parameter_finding(path: str, hit: Hit, site: ParameterSite, index: ModelIndex,
                       settings: ScanSettings) -> Finding | None:
    """MG005 when the model the request goes to refuses the parameter: the replacement `fix`
    writes into the call when there is one (the literal is a model slot), else the model."""
    entry = hit.match.entry
    state = lifecycle(entry.announced, entry.shutdown, settings.as_of, settings.warn_within_days)
    successor = (None if state.status is Status.ACTIVE or is_recording(path)
                 else index.successor(hit.match, settings.as_of))
    if successor is not None and manual_migration(entry.endpoints, successor.endpoints):
        successor = None  # `fix` leaves the call alone: the request keeps its model
    target = successor or entry
    whose = f"`{hit.written if successor is None else target.id}`" + ("" if successor is None else
                                f" (the replacement of `{hit.written}`)")
    if site.spread:
        refusals = refusals_on(index.parameter_facts(target), site)
        if not refusals:
            return None
        return _placed(
            path, hit, state, rule=PARAMETER, replacement=None, fix=FixSafety.NONE,
            context=site.shown, endpoints=entry.endpoints, advisory=True,
            message=f"parameters passed through `{site.name}` are not checked: {whose} on "
                    f"{'/'.join(site.endpoints)} {refusals}{site.note}")
    verdict = refused(index.parameter_facts(target), site)
    if verdict is None:
        return None
    advice, renamed = verdict
    # A rename is safe: the model literal sits in the same call or dict (or is the one
    # assignment of the variable the request reads, rewritten by a safe fix when the model is
    # replaced), so `fix` writes the parameter the model it leaves there takes. Removing a
    # keyword argument changes the request: unsafe. A payload key is reported only, and so is
    # every key of a payload file, and a request whose model `fix` may not move in step.
    # A parameter's default is the model only when the caller passes none: a note, no fix.
    certain = (site.certain or successor is None) and not site.default
    fix = (FixSafety.NONE if site.in_file or (site.in_dict and not renamed) or not certain
           else FixSafety.SAFE if renamed else FixSafety.UNSAFE)
    return _placed(
        path, hit, state,
        rule=PARAMETER,
        replacement=renamed if fix is not FixSafety.UNSAFE else "",
        fix=fix,
        context=site.shown,
        message=f"`{site.name}` is not accepted by {whose} on "
                f"{'/'.join(site.endpoints)}: {advice}{site.note}",
        endpoints=entry.endpoints,
        parameter=site.name,
        advisory=site.default,
    )


def _placed(path: str, hit: Hit, state: Lifecycle, *, rule: Rule, replacement: str | None,
            fix: FixSafety, context: str, message: str, endpoints: tuple[str, ...],
            replacement_endpoints: tuple[str, ...] = (), parameter: str | None = None,
            advisory: bool = False) -> Finding:
    """A finding at the hit's place, about the hit's entry as it stands at the as-of date."""
    entry = hit.match.entry
    return Finding(
        path=path,
        line=hit.span.line,
        column=hit.span.column,
        end_line=hit.span.end_line,
        end_column=hit.span.end_column,
        rule=rule,
        model=hit.written,
        provider=entry.provider,
        entry=entry.id,
        status=state.status,
        announced=entry.announced,
        shutdown=entry.shutdown,
        shutdown_qualifier=entry.shutdown_qualifier,
        days_left=state.days_left,
        replacement=replacement,
        fix=fix,
        context=context,
        message=message,
        endpoints=endpoints,
        replacement_endpoints=replacement_endpoints,
        parameter=parameter,
        advisory=advisory,
    )


def _on_endpoints(facts: Sequence[ParameterFact], site: ParameterSite) -> list[ParameterFact]:
    """The facts that hold on an endpoint the site's request goes to."""
    return [fact for fact in facts if set(fact.endpoints) & set(site.endpoints)]


def refused(facts: Sequence[ParameterFact], site: ParameterSite
            ) -> tuple[str, str | None] | None:
    """What to do about the site's parameter when a fact on one of its endpoints refuses it
    (send the new name, remove it, keep one of a group), with the new name when `fix` may
    rename it; None when it is accepted."""
    for fact in _on_endpoints(facts, site):
        new = dict(fact.renamed).get(site.name)
        if new is not None and not site.client_renames:
            if new in site.siblings:
                return f"remove it (`{new}` is already sent)", None
            return f"send `{new}` instead", new
        if site.name in fact.unsupported:
            return "remove it (only the default value is accepted)", None
        for group in fact.exclusive:
            present = [name for name in group if name in site.siblings]
            if site.name in present[1:]:
                return f"send {' or '.join(f'`{n}`' for n in present)}, not both", None
    return None


def refusals_on(facts: Sequence[ParameterFact], site: ParameterSite) -> str:
    """What the facts on the site's endpoints refuse, in words ("takes `max_completion_tokens`
    for `max_tokens`; refuses `temperature`"); "" when they refuse nothing."""
    renamed: dict[str, str] = {}
    unsupported: list[str] = []
    exclusive: list[tuple[str, ...]] = []
    for fact in _on_endpoints(facts, site):
        if not site.client_renames:
            renamed.update(fact.renamed)
        unsupported += [name for name in fact.unsupported if name not in unsupported]
        exclusive += [group for group in fact.exclusive if group not in exclusive]
    said = [f"takes {', '.join(f'`{new}` for `{old}`' for old, new in sorted(renamed.items()))}"
            ] if renamed else []
    if unsupported:
        said.append(f"refuses {', '.join(f'`{name}`' for name in unsupported)}")
    said += [f"takes one of {' and '.join(f'`{name}`' for name in group)}"
             for group in exclusive]
    return "; ".join(said)


# Folders of recorded HTTP traffic (VCR.py, pytest-recording, vcrpy cassettes) and of test
# snapshots (syrupy's __snapshots__, .ambr files).
_RECORDING_FOLDERS = frozenset({"cassettes", "__snapshots__"})
RECORDING_NOTE = " (recorded traffic: re-record it; never rewritten)"


def is_recording(path: str) -> bool:
    """A file of recorded traffic or test snapshots: its ids are reported, never rewritten."""
    *folders, name = path.replace("\\", "/").split("/")
    return name.endswith(".ambr") or not _RECORDING_FOLDERS.isdisjoint(folders)


def _retrain_on(match: Match, index: ModelIndex, settings: ScanSettings) -> str | None:
    """For a fine-tune, the id its base model is succeeded by ("" when none is serving)."""
    if not match.fine_tune:
        return None
    successor = index.successor(match, settings.as_of)
    return "" if successor is None else successor.id


def describe(
    written: str, entry: ModelEntry, status: Status, days_left: int | None, fix: FixSafety,
    retrain_on: str | None = None,
) -> str:
    """The finding's message: what happens to the model, and when. `retrain_on` is given for a
    fine-tune of `entry`: the model to train it again on ("" when none is serving)."""
    shutdown = entry.shutdown
    if status is Status.RETIRED and shutdown is not None:
        when = "by" if entry.shutdown_qualifier == "estimated" else "on"
        fate = f"was shut down {when} {shutdown}"
    elif shutdown is None:
        fate = "is deprecated; no shutdown date is announced"
    else:
        when = {"not_before": "no earlier than", "estimated": "around"}.get(
            entry.shutdown_qualifier, "on"
        )
        days = "" if days_left is None else f" ({days_left} days left)"
        fate = f"is deprecated and shuts down {when} {shutdown}{days}"
    subject = f"`{written}`"
    if retrain_on is not None:
        then = f"re-train it on {retrain_on}" if retrain_on else "no successor is serving"
        base = f"a fine-tune of {entry.id}, which {fate}; {then}"
        if fix is FixSafety.NONE:
            return f"Mention of {subject}, {base}"
        return f"{subject} is {base}"
    if written.casefold() != entry.id.casefold() and entry.id not in written:
        subject += f" ({entry.id})"
    if fix is FixSafety.NONE:
        return f"Mention of {subject}, which {fate}"
    return f"{subject} {fate}"
