"""Live smoke calls: the cheapest real request proving a replacement model answers.

`targets_from_findings` turns scan findings into (provider, model) targets; `verify_targets`
calls each once and returns a SmokeResult per target (`fix --verify` uses it to rewrite only
to models that answered).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from modelguard.findings import Finding
    from modelguard.registry.index import ModelIndex
    from modelguard.smoke.calls import RetryPolicy, plan, resolve, send, verify_targets
    from modelguard.smoke.interface import (
        Answered,
        Endpoint,
        Failed,
        PlannedRequest,
        ProviderClient,
        ProviderError,
        Rejected,
        Skipped,
        SmokeResult,
        Target,
        same_model,
    )
    from modelguard.smoke.providers import PROVIDERS, BaseUrlError, check_base_url

# The names above are imported on first use: `modelguard.smoke.settings` (which the
# configuration needs on every run) then does not load the HTTP calls and their pools.
_HOMES = {
    **dict.fromkeys(("RetryPolicy", "plan", "resolve", "send", "verify_targets"), "calls"),
    **dict.fromkeys(("Answered", "Endpoint", "Failed", "PlannedRequest", "ProviderClient",
                     "ProviderError", "Rejected", "Skipped", "SmokeResult", "Target",
                     "same_model"), "interface"),
    **dict.fromkeys(("PROVIDERS", "BaseUrlError", "check_base_url"), "providers"),
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{home}"), name)
        globals()[name] = value
        return value


__all__ = [
    "PROVIDERS",
    "Answered",
    "BaseUrlError",
    "Endpoint",
    "Failed",
    "PlannedRequest",
    "ProviderClient",
    "ProviderError",
    "Rejected",
    "RetryPolicy",
    "Skipped",
    "SmokeResult",
    "Target",
    "check_base_url",
    "plan",
    "resolve",
    "same_model",
    "send",
    "target_of",
    "targets_from_findings",
    "verify_targets",
]

_OPENROUTER = "openrouter/"


def target_of(finding: Finding, index: ModelIndex) -> Target | None:
    """The (provider, model) a finding's replacement would be called at, or None without one.

    The routing prefix as written picks the API: `openrouter/openai/gpt-4` is smoked at
    OpenRouter as `openai/gpt-4.1`; `openai/gpt-4` and bare ids at the entry's own provider.
    """
    from modelguard.smoke.interface import Target

    if finding.replacement is None or finding.parameter is not None:
        return None  # MG005's replacement is a parameter's new name, not a model
    match = index.lookup(finding.model)
    prefix = match.prefix if match is not None else ""
    # The replacement is called on its own endpoint (registry `endpoints`), not the finding's.
    endpoints = finding.replacement_endpoints
    if prefix.casefold().startswith(_OPENROUTER):
        return Target("openrouter", finding.replacement[len(_OPENROUTER):], endpoints)
    model = finding.replacement[len(prefix):]
    # A platform's spelling (Vertex AI's `@` before the date) is not the entry's own API's.
    return Target(finding.provider, model if match is None else match.as_listed(model), endpoints)


def targets_from_findings(findings: Iterable[Finding], index: ModelIndex) -> list[Target]:
    """The distinct targets of `findings`, sorted."""
    return sorted({t for f in findings if (t := target_of(f, index)) is not None})
