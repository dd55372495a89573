"""The providers' own lifecycle tables (the CSV files of a shared data folder, such as
../shared/data) as rows: which provider of ours should know which id, with which shutdown day.

Readers only: nothing here decides whether the registry agrees (`audit` and the cross-check
tests do). A table that is absent from the folder gives no rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PageRow:
    source: str  # upstream file name
    provider: str | None  # our provider slug; None when no registry file covers it
    id: str  # the id as our registry spells it
    shutdown: dt.date
    written: str  # the key or id exactly as upstream writes it
    upstream_provider: str = ""  # upstream's own provider name (LiteLLM's litellm_provider)
    url: str | None = None  # the page upstream cites for the date
    replacements: tuple[str, ...] = ()  # the ids the page recommends, in its order


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def openai(data: Path) -> list[PageRow]:
    name = "openai_deprecations.csv"
    return [
        PageRow(name, "openai", r["model"], _day(r["shutdown"]), r["model"],
                replacements=_split(r["replacement"]))
        for r in read_csv(data / name)
        if r["shutdown"] and not r["notes"].startswith("system, not a model id")
    ]


def anthropic(data: Path) -> list[PageRow]:
    name = "anthropic_deprecations.csv"
    return [
        PageRow(name, "anthropic", r["model"], _day(r["retirement_date"]), r["model"],
                replacements=_split(r["replacement"]))
        for r in read_csv(data / name)
        if r["retirement_date"]
    ]


GOOGLE_PLATFORMS = {"gemini-api": "google", "vertex-ai": "vertex-ai"}


def google(data: Path) -> list[PageRow]:
    name = "google_deprecations.csv"
    return [
        PageRow(name, GOOGLE_PLATFORMS[r["platform"]], r["model"], _day(r["shutdown"]),
                r["model"], replacements=_split(r["replacement"]))
        for r in read_csv(data / name)
        if r["shutdown"]
    ]


def bedrock(data: Path) -> list[PageRow]:
    """One row per model: Bedrock dates some models per Region; the earliest day counts."""
    name = "bedrock_lifecycle.csv"
    earliest: dict[str, tuple[dt.date, tuple[str, ...]]] = {}
    for r in read_csv(data / name):
        if r["shutdown"]:
            day = _day(r["shutdown"])
            held = earliest.get(r["model"])
            if held is None or day < held[0]:
                earliest[r["model"]] = (day, _split(r["replacement"]))
    return [PageRow(name, "bedrock", m, day, m, replacements=repl)
            for m, (day, repl) in earliest.items()]


def simple(data: Path, provider: str) -> list[PageRow]:
    """mistral, cohere and xai share one layout."""
    name = f"{provider}_deprecations.csv"
    return [
        PageRow(name, provider, r["model"], _day(r["shutdown"]), r["model"],
                replacements=_split(r["replacement"]))
        for r in read_csv(data / name)
        if r["shutdown"]
    ]


AZURE_TABLES = ("schedule", "retirement_table", "retired")  # newest first
_DATED_VERSION = re.compile(r"\d{4}(?:-\d{2}-\d{2})?")


def _is_azure_openai(row: dict[str, str]) -> bool:
    return row["section"] == "Azure OpenAI" or row["model"] == "model-router"


def azure_openai_names(data: Path) -> frozenset[str]:
    """Model names (casefolded) of Microsoft's Azure OpenAI section, with their dated forms."""
    names = set()
    for r in read_csv(data / "azure_openai_retirements.csv"):
        if _is_azure_openai(r):
            names.add(r["model"].casefold())
            names.add(f"{r['model']}-{r['version']}".casefold())
    return frozenset(names)


def azure(data: Path) -> list[PageRow]:
    """Per (model, version), the newest table's dated row. Azure OpenAI rows (and model-router)
    belong to azure-openai: dated versions ("2024-08-06", "0613") are checked under the
    `<model>-<version>` deployment form, others ("001", "1") under the model name. Rows of the
    other Foundry providers (Meta, Mistral, DeepSeek, ...) belong to azure-ai, checked under the
    model name (serverless deployments name the model, not its version)."""
    name = "azure_openai_retirements.csv"
    best: dict[tuple[str, str], dict[str, str]] = {}
    for r in read_csv(data / name):
        if not r["retirement_date"]:
            continue
        key = (r["model"], r["version"])
        held = best.get(key)
        if held is None or AZURE_TABLES.index(r["source_table"]) < AZURE_TABLES.index(
            held["source_table"]
        ):
            best[key] = r
    out = []
    for (model, version), r in best.items():
        ours = _is_azure_openai(r)
        model_id = f"{model}-{version}" if ours and _DATED_VERSION.fullmatch(version) else model
        out.append(
            PageRow(
                name, "azure-openai" if ours else "azure-ai", model_id,
                _day(r["retirement_date"]), f"{model} {version}", upstream_provider=r["section"],
                replacements=_split(r["replacement"]),
            )
        )
    return out


def _mistral(data: Path) -> list[PageRow]:
    return simple(data, "mistral")


def _cohere(data: Path) -> list[PageRow]:
    return simple(data, "cohere")


def _xai(data: Path) -> list[PageRow]:
    return simple(data, "xai")


# Each table file and its reader: the tables `provider_tables` reads, in this order.
READERS: tuple[tuple[str, Callable[[Path], list[PageRow]]], ...] = (
    ("openai_deprecations.csv", openai),
    ("anthropic_deprecations.csv", anthropic),
    ("google_deprecations.csv", google),
    ("bedrock_lifecycle.csv", bedrock),
    ("mistral_deprecations.csv", _mistral),
    ("cohere_deprecations.csv", _cohere),
    ("xai_deprecations.csv", _xai),
    ("azure_openai_retirements.csv", azure),
)


def provider_tables(data: Path) -> list[PageRow]:
    """Every dated row of every table in `data` that is present."""
    return [row for name, reader in READERS if (data / name).is_file() for row in reader(data)]
