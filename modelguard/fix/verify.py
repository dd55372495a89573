"""`fix --verify`: smoke-call every replacement before any file is moved to it.

Each distinct (provider, replacement) target among the planned edits gets one minimal live
request (modelguard.smoke.verify_targets). In Python and JSON, a replacement written into a chat
request is smoked with the token-limit names that request sends once rewritten
(`max_completion_tokens` after an MG005 rename, `max_tokens` when it stays), never retried
under another, and with the sampling parameters it sends with literal values (`temperature=0.2`
stays when `fix` does not remove it): verification fails exactly when the rewritten call
would. A file whose edits include a replacement that did not answer is not rewritten at all:
its plan is emptied and its findings stay, each with a note.
`refuse_unverified` makes that decision and is pure; `smoke_replacements` does the calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from modelguard.defaults import SMOKE_CONCURRENCY, SMOKE_TIMEOUT
from modelguard.fix.files import FileFix
from modelguard.fix.plan import Edit, FixPlan, SkippedFix
from modelguard.fix.run import FixRun
from modelguard.registry.index import ModelIndex
from modelguard.scan import scanned_as_python
from modelguard.scan.formats import TextFormat, text_format
from modelguard.scan.parameters import token_limits
from modelguard.smoke import (
    Answered,
    BaseUrlError,
    Endpoint,
    Skipped,
    SmokeResult,
    Target,
    check_base_url,
    target_of,
    verify_targets,
)


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    base_url: str | None = None
    endpoint: Endpoint | None = None
    timeout: float = SMOKE_TIMEOUT
    concurrency: int = SMOKE_CONCURRENCY


@dataclass(frozen=True, slots=True)
class Refusal:
    """A replacement that did not answer, and the files therefore left as they are."""

    result: SmokeResult
    files: tuple[str, ...]


class VerifyUsageError(Exception):
    """The verification cannot start (a refused base URL); one line for users."""


def edit_targets(file: FileFix, index: ModelIndex
                 ) -> list[tuple[Edit, tuple[Target | None, ...]]]:
    """Each edit moving an id with the targets its rewritten requests go to (None: no target
    can be called). A replacement written into requests sending different token-limit names
    has one target per name. MG005 renames are judged with the model they are sent to."""
    # JSON payloads parse as Python dict displays (`scan.parameters.parameter_hits`).
    readable = scanned_as_python(file.shown) or text_format(file.shown) is TextFormat.JSON
    sites = token_limits(file.fixed) if readable else []
    pairs: list[tuple[Edit, tuple[Target | None, ...]]] = []
    for edit in file.plan.edits:
        if edit.finding.parameter is not None:
            continue
        target = target_of(edit.finding, index)
        if target is None:
            pairs.append((edit, (None,)))
            continue
        # The fix rewrites the id in place: the literal stays on its line and holds `new`.
        sent = {(s.limits, s.sampling) for s in sites
                if s.line == edit.line and edit.new in s.model}
        pairs.append((edit, tuple(replace(target, limits=limits, sampling=sampling)
                                  for limits, sampling in sorted(sent or {((), ())}))))
    return pairs


def planned_targets(run: FixRun, index: ModelIndex) -> list[Target]:
    """The distinct targets the changed files would be moved to, sorted."""
    return sorted({t for f in run.changed for _, targets in edit_targets(f, index)
                   for t in targets if t is not None})


def smoke_replacements(
    run: FixRun, index: ModelIndex, options: VerifyOptions
) -> dict[Target, SmokeResult]:
    """One smoke call per planned target (keys from the environment). Raises VerifyUsageError
    for a base URL that is refused or would apply to targets of several providers."""
    targets = planned_targets(run, index)
    base_url = options.base_url
    if base_url is not None:
        try:
            base_url = check_base_url(base_url)
        except BaseUrlError as error:
            raise VerifyUsageError(str(error)) from None
        providers = sorted({t.provider for t in targets})
        if len(providers) > 1:
            raise VerifyUsageError(f"--base-url applies to one provider, but the replacements "
                                   f"span {', '.join(providers)}; narrow them with --provider")
    if not targets:
        return {}
    return verify_targets(targets, endpoint=options.endpoint, base_url=base_url,
                          timeout=options.timeout, concurrency=options.concurrency)


def refuse_unverified(
    run: FixRun, index: ModelIndex, results: Mapping[Target, SmokeResult]
) -> tuple[FixRun, tuple[Refusal, ...]]:
    """`run` with every changed file left unchanged whose edits move to a target that did not
    answer (or was not called), and one Refusal per such target."""
    refused: dict[Target, list[str]] = defaultdict(list)
    files: list[FileFix] = []
    for file in run.files:
        targets = dict(edit_targets(file, index))
        bad = {t for ts in targets.values() for t in ts
               if t is None or not isinstance(results.get(t), Answered)}
        if not file.changed or not bad:
            files.append(file)
            continue
        notes: list[SkippedFix] = []
        for edit in file.plan.edits:
            failed = [t for t in targets.get(edit, ()) if t in bad]
            if failed:
                target = failed[0]
                sending = (f" sending {target.sending}"
                           if target is not None and target.sending else "")
                reason = (f"--verify: `{edit.new}` did not answer{sending} at "
                          f"{target.provider if target else 'its provider'}; file not rewritten")
            else:
                reason = "--verify: another replacement in this file did not answer; " \
                         "file not rewritten"
            notes.append(SkippedFix(edit.finding, reason))
        for target in bad:
            if target is not None:
                refused[target].append(file.shown)
        remaining = tuple(sorted((*file.remaining, *(e.finding for e in file.plan.edits)),
                                 key=lambda f: f.sort_key))
        files.append(replace(file, fixed=file.original,
                             plan=FixPlan((), (*file.plan.skipped, *notes)), remaining=remaining))
    refusals = tuple(
        Refusal(results.get(t) or Skipped(t, None, "not smoke-called", config_error=False),
                tuple(refused[t]))
        for t in sorted(refused)
    )
    return replace(run, files=tuple(files)), refusals
