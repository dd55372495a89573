"""`[tool.modelguard.smoke]`: defaults for `modelguard smoke` and per-provider endpoints.

    [tool.modelguard.smoke]
    timeout = 10          # seconds per request
    concurrency = 2
    max-calls = 5

    [tool.modelguard.smoke.providers.openai]
    base-url = "https://llm-gateway.example.com/v1"
    api-key-env = "GATEWAY_API_KEY"

The command line wins over the file (`--timeout`, `--concurrency`, `--max-calls`, `--base-url`).
A base URL from the file obeys the same rule as `--base-url`: https, or plain http to loopback.
The file names the variable holding a key, never the key. Validation and building are pure.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from modelguard.defaults import SMOKE_CONCURRENCY, SMOKE_MAX_CALLS, SMOKE_TIMEOUT

if TYPE_CHECKING:  # the clients are imported when a smoke table is checked or used, not by
    # every run that reads the configuration
    from modelguard.smoke.providers import ProviderSpec

SMOKE_KEYS = frozenset({"timeout", "concurrency", "max-calls", "providers"})
PROVIDER_KEYS = frozenset({"base-url", "api-key-env"})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class ProviderOverride:
    """What the file changes for one provider; None keeps the built-in value."""

    base_url: str | None = None
    api_key_env: str | None = None


@dataclass(frozen=True, slots=True)
class SmokeSettings:
    timeout: float = SMOKE_TIMEOUT
    concurrency: int = SMOKE_CONCURRENCY
    max_calls: int = SMOKE_MAX_CALLS
    providers: tuple[tuple[str, ProviderOverride], ...] = ()


def _is_int(value: object, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _known(keys: frozenset[str]) -> str:
    return ", ".join(sorted(keys))


def validate_smoke(raw: object, where: str = "config") -> list[str]:
    """Every problem in a `smoke` table, one line each, naming the key."""
    from modelguard.smoke.providers import PROVIDERS, BaseUrlError, check_base_url

    if not isinstance(raw, Mapping):
        return [f"{where}: smoke: expected a table, got {raw!r}"]
    problems = [f"{where}: smoke: unknown key {key!r} (known: {_known(SMOKE_KEYS)})"
                for key in sorted(set(raw) - SMOKE_KEYS)]
    if "timeout" in raw:
        value = raw["timeout"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            problems.append(f"{where}: smoke.timeout: expected a number of seconds > 0, "
                            f"got {value!r}")
    for key in ("concurrency", "max-calls"):
        if key in raw and not _is_int(raw[key], 1):
            problems.append(f"{where}: smoke.{key}: expected an integer >= 1, got {raw[key]!r}")
    providers = raw.get("providers", {})
    if not isinstance(providers, Mapping):
        problems.append(f"{where}: smoke.providers: expected a table of provider tables")
        return problems
    for slug, table in providers.items():
        key = f"smoke.providers.{slug}"
        if slug not in PROVIDERS:
            problems.append(f"{where}: {key}: no smoke client for provider {slug!r} "
                            f"(known: {_known(frozenset(PROVIDERS))})")
            continue
        if not isinstance(table, Mapping):
            problems.append(f"{where}: {key}: expected a table with base-url and/or api-key-env")
            continue
        problems.extend(f"{where}: {key}: unknown key {name!r} (known: {_known(PROVIDER_KEYS)})"
                        for name in sorted(set(table) - PROVIDER_KEYS))
        if "base-url" in table:
            url = table["base-url"]
            if not isinstance(url, str):
                problems.append(f"{where}: {key}.base-url: expected a string, got {url!r}")
            else:
                try:
                    check_base_url(url)
                except BaseUrlError as error:
                    problems.append(f"{where}: {key}.base-url: {error}")
        if "api-key-env" in table:
            name = table["api-key-env"]
            if not isinstance(name, str) or not _ENV_NAME.match(name):
                problems.append(f"{where}: {key}.api-key-env: expected the name of an "
                                f"environment variable (not the key itself), got "
                                f"{_masked(name)}")
    return problems


def _masked(value: object) -> str:
    """A rejected api-key-env value may be a pasted key: show its shape, not its text."""
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    return type(value).__name__


def build_smoke(raw: Mapping[str, Any]) -> SmokeSettings:
    """SmokeSettings from a table that `validate_smoke` accepted."""
    from modelguard.smoke.providers import check_base_url

    providers = raw.get("providers", {})
    default = SmokeSettings()
    return SmokeSettings(
        timeout=float(raw.get("timeout", default.timeout)),
        concurrency=raw.get("concurrency", default.concurrency),
        max_calls=raw.get("max-calls", default.max_calls),
        providers=tuple(
            (slug, ProviderOverride(
                check_base_url(table["base-url"]) if "base-url" in table else None,
                table.get("api-key-env"),
            ))
            for slug, table in sorted(providers.items())
        ),
    )


def smoke_table(settings: SmokeSettings) -> dict[str, Any]:
    """The settings as plain data, keyed like the file (unset provider values left out)."""
    table: dict[str, Any] = {
        "timeout": settings.timeout,
        "concurrency": settings.concurrency,
        "max-calls": settings.max_calls,
    }
    if settings.providers:
        table["providers"] = {
            slug: {key: value for key, value in (("base-url", override.base_url),
                                                  ("api-key-env", override.api_key_env))
                   if value is not None}
            for slug, override in settings.providers
        }
    return table


def configured_providers(
    settings: SmokeSettings, providers: Mapping[str, ProviderSpec] | None = None
) -> dict[str, ProviderSpec]:
    """The provider table (default: PROVIDERS) with the file's base URLs and key variables
    applied."""
    from modelguard.smoke.providers import PROVIDERS

    changed = dict(PROVIDERS if providers is None else providers)
    for slug, override in settings.providers:
        spec = changed[slug]
        changed[slug] = dataclasses.replace(
            spec,
            base_url=override.base_url or spec.base_url,
            key_env=override.api_key_env or spec.key_env,
        )
    return changed
