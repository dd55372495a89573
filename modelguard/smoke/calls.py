"""Planning and sending smoke calls: the one module here that touches the network.

Resilience follows the official openai-python client: explicit timeouts; 408/409/429/5xx (and
Anthropic's 529), timeouts and connection errors are retried a bounded number of times with
exponential backoff and jitter, honouring `retry-after-ms` and `retry-after` up to 60 seconds.

The key is read from the environment, sent only to its provider's configured base URL (redirects
are never followed, plain http never goes through a proxy) and redacted, with any auth header
value, from every message a server or exception returns. Answers are read within a deadline
and a size limit (`modelguard.net`).
"""

from __future__ import annotations

import dataclasses
import email.utils
import os
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from modelguard.defaults import SMOKE_MAX_RETRIES, SMOKE_TIMEOUT
from modelguard.net import (
    Redactor,
    ending_by,
    http_client,
    key_problem,
    parse_json,
    read_bounded,
)
from modelguard.smoke.interface import (
    BILLED,
    NOT_CALLED,
    Answered,
    Endpoint,
    Failed,
    PlannedRequest,
    ProviderError,
    Rejected,
    Skipped,
    SmokeResult,
    Target,
)
from modelguard.smoke.providers import PROVIDERS, ProviderSpec, check_base_url

if TYPE_CHECKING:  # httpx takes a tenth of a second to import: only network code pays
    import httpx

RETRY_STATUSES = frozenset({408, 409, 429})

# The longest error code or message shown: a server's message is one line for a person.
MAX_SHOWN = 1000


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = SMOKE_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a longer retry-after is not waited for; backoff is used


@dataclass(frozen=True, slots=True)
class Call:
    """A resolved target: where to send it and with which key (kept out of repr)."""

    target: Target
    endpoint: Endpoint
    spec: ProviderSpec
    url: str
    key: str = field(repr=False)


def choose_endpoint(target: Target, endpoint: Endpoint | None, spec: ProviderSpec,
                    allow_billed: bool = False) -> Endpoint | Skipped:
    """The endpoint to call `target` on: the first of the model's own endpoints (registry
    `endpoints`) its provider's client speaks, `endpoint` first when the model serves it. A
    model with no known endpoints is called on `endpoint` or the client's default. Skipped
    (by design) for a model served only where smoke makes no call, and for billed image
    generation unless `allow_billed`."""
    served = target.endpoints
    if not served:
        return endpoint or spec.default_endpoint
    order = [*([endpoint.value] if endpoint is not None and endpoint.value in served else []),
             *served]
    spoken = {e.value: e for e in spec.client.endpoints}
    chosen = next((spoken[name] for name in order if name in spoken), None)
    listed = ", ".join(served)
    if chosen is None:
        why = next((NOT_CALLED[name] for name in served if name in NOT_CALLED), None)
        if why is None:
            return Skipped(target, None, f"serves {listed}; the {spec.name} smoke client calls "
                           "none of them", config_error=False)
        return Skipped(target, None, f"serves {listed} only: {why}; not called",
                       config_error=False, by_design=True)
    if chosen in BILLED and not allow_billed:
        return Skipped(target, chosen, f"serves {listed}: image generation is billed per image; "
                       "not called (pass --images to call it)", config_error=False,
                       by_design=True)
    return chosen


def resolve(
    target: Target,
    endpoint: Endpoint | None,
    base_url: str | None,
    environ: Mapping[str, str],
    *,
    need_key: bool = True,
    providers: Mapping[str, ProviderSpec] = PROVIDERS,
    allow_billed: bool = False,
) -> Call | Skipped:
    """Where and how `target` would be called, or why it cannot be. Pure over `environ`.

    `providers` is the provider table in force (the configuration's base URLs and key
    variables applied); `base_url`, from the command line, wins over it. `endpoint` is a
    preference among the model's own endpoints (`choose_endpoint`)."""
    spec = providers.get(target.provider)
    if spec is None:
        supported = ", ".join(sorted(providers))
        return Skipped(target, endpoint, f"no smoke client for provider {target.provider!r} "
                       f"(supported: {supported})", config_error=False)
    chosen = choose_endpoint(target, endpoint, spec, allow_billed)
    if isinstance(chosen, Skipped):
        return chosen
    if chosen not in spec.client.endpoints:
        served = " or ".join(e.value for e in spec.client.endpoints)
        return Skipped(target, chosen, f"{spec.name} does not serve the {chosen.value} endpoint "
                       f"(use {served})", config_error=True)
    base = base_url or spec.base_url
    if base is None:
        return Skipped(target, chosen, f"{spec.name} has no default base URL; pass --base-url "
                       "(e.g. https://RESOURCE.openai.azure.com/openai/v1) or set base-url in "
                       f"[tool.modelguard.smoke.providers.{spec.slug}]", config_error=True)
    base = check_base_url(base)
    key = environ.get(spec.key_env, "").strip()
    if need_key and not key:
        return Skipped(target, chosen, f"{spec.key_env} is not set; no request sent",
                       config_error=True)
    problem = key_problem(spec.key_env, key) if need_key else None
    if problem is not None:
        return Skipped(target, chosen, problem, config_error=True)
    return Call(target, chosen, spec, base + chosen.path, key)


def plan(call: Call) -> PlannedRequest:
    """The request `call` would send, with `$KEY_VARIABLE` standing in for the key."""
    client = call.spec.client
    return PlannedRequest(call.target, call.endpoint, call.url,
                          client.headers(f"${call.spec.key_env}"),
                          client.body(call.target.model, call.endpoint, call.target.limits,
                                      call.target.sampling_values))


def _seconds(value: str | None, per_second: int) -> float | None:
    """A retry-after value in seconds: a number (of `1/per_second` units) or an HTTP date."""
    if value is None:
        return None
    try:
        return float(value) / per_second
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None


def retry_delay(headers: Mapping[str, str], retries: int, policy: RetryPolicy,
                rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number `retries + 1`."""
    wait = _seconds(headers.get("retry-after-ms"), 1000) if "retry-after-ms" in headers else (
        _seconds(headers.get("retry-after"), 1))
    if wait is not None and 0 < wait <= policy.max_retry_after:
        return wait
    backoff = min(policy.initial_delay * 2.0**retries, policy.max_delay)
    return backoff * (1 - 0.25 * rng())


def _problem(error: Exception, url: str, timed_out: bool) -> ProviderError:
    import httpx

    if isinstance(error, httpx.TimeoutException):
        return ProviderError("timeout", f"no answer from {httpx.URL(url).host} within the "
                             f"timeout ({type(error).__name__})")
    if timed_out:  # `ending_by` shut the connection at the deadline
        return ProviderError("timeout", f"no whole answer from {httpx.URL(url).host} within "
                             "the timeout")
    return ProviderError("connection_error", f"{type(error).__name__}: {error}")


def _redirect_host(location: str) -> str:
    import httpx

    try:
        return httpx.URL(location).host or "elsewhere"
    except (httpx.InvalidURL, TypeError, ValueError):
        return "elsewhere"


def send(call: Call, http: httpx.Client, policy: RetryPolicy,
         sleep: Callable[[float], None] = time.sleep,
         timeout: float = SMOKE_TIMEOUT) -> Answered | Rejected | Failed:
    """Send one smoke call, retrying within `policy`; never raises for network trouble.

    Each attempt ends `timeout` seconds after it starts however slowly the server answers,
    and the call (retries and their waits included) ends within `policy.max_retries + 1`
    timeouts plus the longest waits the policy allows."""
    import httpx

    client, key = call.spec.client, call.key
    body = client.body(call.target.model, call.endpoint, call.target.limits,
                       call.target.sampling_values)
    headers = client.headers(key)
    attempts = retries = 0
    fell_back = False
    call_deadline = time.monotonic() + (policy.max_retries + 1) * (timeout + policy.max_delay)
    while True:
        attempts += 1
        started = time.monotonic()
        try:
            with ending_by(started + timeout) as extensions, http.stream(
                    "POST", call.url, headers=headers, json=body, extensions=extensions
            ) as response:
                data, _ = read_bounded(response, started + timeout)
        except httpx.HTTPError as error:
            timed_out = time.monotonic() >= started + timeout
            latency = round((time.monotonic() - started) * 1000)
            delay = retry_delay({}, retries, policy)
            if retries < policy.max_retries and time.monotonic() + delay < call_deadline:
                sleep(delay)
                retries += 1
                continue
            return Failed(call.target, call.endpoint, latency, attempts,
                          _problem(error, call.url, timed_out))
        latency = round((time.monotonic() - started) * 1000)
        status = response.status_code
        payload = parse_json(data)
        if 200 <= status < 300:
            return Answered(call.target, call.endpoint, status, latency, attempts,
                            client.answered_model(payload))
        if 300 <= status < 400:
            to = _redirect_host(response.headers.get("location", ""))
            return Rejected(call.target, call.endpoint, status, latency, attempts, ProviderError(
                "redirect", f"redirected to {to}; not followed, so the key is sent "
                f"only to {httpx.URL(call.url).host}"))
        problem = client.error_of(status, payload, data.decode("utf-8", "replace"))
        problem = ProviderError(problem.code[:MAX_SHOWN], problem.message[:MAX_SHOWN])
        delay = retry_delay(response.headers, retries, policy)
        if ((status in RETRY_STATUSES or status >= 500) and retries < policy.max_retries
                and time.monotonic() + delay < call_deadline):
            sleep(delay)
            retries += 1
            continue
        # Limits the code sends are sent as written: another name would verify another request.
        if status == 400 and not fell_back and not call.target.limits:
            retry_body = client.fallback(body, problem)
            if retry_body is not None:
                body, fell_back = retry_body, True
                continue
        return Rejected(call.target, call.endpoint, status, latency, attempts, problem)


def redacted(result: SmokeResult, redact: Redactor) -> SmokeResult:
    """`result` with every text a server or library wrote passed through `redact`."""
    if isinstance(result, Skipped):
        return dataclasses.replace(result, reason=redact(result.reason))
    if isinstance(result, Answered):
        shown = result.answered_model
        return dataclasses.replace(result, answered_model=None if shown is None else
                                   redact(shown[:MAX_SHOWN]))
    return dataclasses.replace(result, error=ProviderError(redact(result.error.code),
                                                           redact(result.error.message)))


def verify_targets(
    targets: Iterable[Target],
    *,
    endpoint: Endpoint | None = None,
    base_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    timeout: float = SMOKE_TIMEOUT,
    concurrency: int = 4,
    policy: RetryPolicy = RetryPolicy(),
    on_result: Callable[[SmokeResult], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    providers: Mapping[str, ProviderSpec] = PROVIDERS,
    allow_billed: bool = False,
) -> dict[Target, SmokeResult]:
    """Smoke every target once (at most `concurrency` at a time); results in target order.

    Targets that cannot be called (unknown provider, missing key, no base URL, a model served
    only where smoke makes no call) come back as Skipped without a request. Raises
    BaseUrlError for a refused `base_url`.
    """

    env = os.environ if environ is None else environ
    ordered: Sequence[Target] = sorted(set(targets))
    resolved = {t: resolve(t, endpoint, base_url, env, providers=providers,
                           allow_billed=allow_billed) for t in ordered}
    results: dict[Target, SmokeResult] = {}
    calls: list[Call] = []
    for target, outcome in resolved.items():
        if isinstance(outcome, Skipped):
            results[target] = outcome
            if on_result is not None:
                on_result(outcome)
        else:
            calls.append(outcome)

    redact = Redactor(tuple(call.key for call in calls))

    def run(call: Call) -> SmokeResult:
        result = redacted(send(call, http, policy, sleep, timeout), redact)
        if on_result is not None:
            on_result(result)
        return result

    if calls:
        with http_client(timeout) as http, \
                ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(calls)))) as pool:
            for call, result in zip(calls, pool.map(run, calls), strict=True):
                results[call.target] = result
    return {t: results[t] for t in ordered}
