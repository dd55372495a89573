"""Smoke results as text lines and JSON, and the exit code they give. Pure; nothing printed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from modelguard.report.text import printable
from modelguard.smoke.interface import (
    Answered,
    Failed,
    PlannedRequest,
    Rejected,
    Skipped,
    SmokeResult,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def exit_code(results: Iterable[SmokeResult]) -> int:
    """0 every target answered or was skipped by design (an endpoint smoke does not call);
    2 any configuration error (a missing key, a base URL); otherwise 1 when any target was
    rejected, failed or could not be smoked."""
    listed = list(results)
    if any(isinstance(r, Skipped) and r.config_error for r in listed):
        return EXIT_USAGE
    return EXIT_OK if all(isinstance(r, Answered) or (isinstance(r, Skipped) and r.by_design)
                          for r in listed) else EXIT_FAILED


def record(result: SmokeResult) -> dict[str, Any]:
    """One result in the JSON shape: provider, model, endpoint, ok, status, latency_ms, attempts,
    answered_model, error {code, message} | null, and a warning when another model answered."""
    endpoint = result.endpoint.value if result.endpoint is not None else None
    base: dict[str, Any] = {"provider": result.target.provider, "model": result.target.model,
                            "endpoint": endpoint, "ok": isinstance(result, Answered)}
    if isinstance(result, Answered):
        warning = (f"answered by {result.answered_model}, not {result.target.model}"
                   if result.substituted else None)
        return base | {"status": result.status, "latency_ms": result.latency_ms,
                       "attempts": result.attempts, "answered_model": result.answered_model,
                       "error": None, "warning": warning}
    if isinstance(result, Rejected):
        status: int | None = result.status
    else:
        status = None
    if isinstance(result, Skipped):
        code = ("config_error" if result.config_error else
                "not_called" if result.by_design else "skipped")
        error = {"code": code,
                 "message": result.reason}
        return base | {"status": None, "latency_ms": None, "attempts": 0,
                       "answered_model": None, "error": error, "warning": None}
    return base | {"status": status, "latency_ms": result.latency_ms, "attempts": result.attempts,
                   "answered_model": None,
                   "error": {"code": result.error.code, "message": result.error.message},
                   "warning": None}


def render_json(results: Sequence[SmokeResult]) -> str:
    return json.dumps({"results": [record(r) for r in results]}, indent=2) + "\n"


def result_line(result: SmokeResult) -> str:
    where = f"{result.target.provider} {result.target.model}"
    if result.endpoint is not None:
        where += f" ({result.endpoint.value}"
        where += f", sending {result.target.sending})" if result.target.sending else ")"
    if isinstance(result, Answered):
        line = f"ok      {where}: HTTP {result.status} in {result.latency_ms} ms"
        if result.attempts > 1:
            line += f" after {result.attempts} attempts"
        if result.substituted:
            line += (f"; but {result.answered_model} answered, not {result.target.model}: "
                     "the code would not run the model it names")
        return line
    if isinstance(result, Rejected):
        return (f"failed  {where}: HTTP {result.status} {result.error.code}: "
                f"{result.error.message}")
    if isinstance(result, Failed):
        return f"failed  {where}: {result.error.code}: {result.error.message} " \
               f"({result.attempts} attempts)"
    return f"skipped {where}: {result.reason}"


def render_text(results: Sequence[SmokeResult]) -> str:
    return "".join(printable(result_line(r)) + "\n" for r in results)


def planned_record(request: PlannedRequest) -> dict[str, Any]:
    return {"provider": request.target.provider, "model": request.target.model,
            "endpoint": request.endpoint.value, "method": "POST", "url": request.url,
            "headers": dict(request.headers), "body": dict(request.body)}


def render_plan_json(requests: Sequence[PlannedRequest], skipped: Sequence[Skipped]) -> str:
    return json.dumps({"requests": [planned_record(r) for r in requests],
                       "skipped": [record(s) for s in skipped]}, indent=2) + "\n"


def render_plan_text(requests: Sequence[PlannedRequest], skipped: Sequence[Skipped]) -> str:
    lines: list[str] = []
    for request in requests:
        lines.append(f"POST {request.url}")
        lines.extend(f"  {name}: {value}" for name, value in request.headers.items())
        lines.append(f"  {json.dumps(dict(request.body))}")
    lines.extend(result_line(s) for s in skipped)
    return "".join(line + "\n" for line in lines)
