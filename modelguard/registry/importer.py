"""`registry import`: an upstream model table (LiteLLM's, models.dev's) → TOML entries for review.

Pure functions: parsed upstream data and the registry in use go in, text comes out. Nothing is
written into the registry. Only ids the registry lacks become entries; where the registry has an
id with another day, the upstream day is shown as a commented-out entry beside the curated one,
never in its place. Every imported day is `estimated` until a reviewer reads the cited page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from modelguard.registry.load import ModelEntry, Provider, Registry

SOURCES = ("litellm", "models-dev")
TITLES = {"litellm": "LiteLLM's model table", "models-dev": "the models.dev catalogue"}

# LiteLLM's `litellm_provider` → our provider slug. Vertex AI's partner-model groups
# (vertex_ai-anthropic_models, vertex_ai-llama_models, ...) are all Vertex AI.
LITELLM_PROVIDERS: Mapping[str, str] = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "azure": "azure-openai",
    "azure_text": "azure-openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "vertex_ai": "vertex-ai",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
    "mistral": "mistral",
    "codestral": "mistral",
    "text-completion-codestral": "mistral",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "xai": "xai",
    "aiml": "aimlapi",
    # Platforms serving other makers' models (their registry files set match_bare = false).
    "azure_ai": "azure-ai",
    "fireworks_ai": "fireworks",
    "together_ai": "together",
    "databricks": "databricks",
    "bedrock_mantle": "bedrock",  # Bedrock's OpenAI-compatible endpoint, same lifecycle page
    "deepseek": "deepseek",
    "cerebras": "cerebras",
    "baseten": "baseten",
    "wandb": "wandb",
}
# models.dev provider ids → our provider slugs.
MODELS_DEV_PROVIDERS: Mapping[str, str] = {
    "openai": "openai",
    "azure": "azure-openai",
    "anthropic": "anthropic",
    "google": "google",
    "google-vertex": "vertex-ai",
    "google-vertex-anthropic": "vertex-ai",
    "amazon-bedrock": "bedrock",
    "mistral": "mistral",
    "cohere": "cohere",
    "xai": "xai",
}

# LiteLLM keys wrap the model id in pricing variants ("high/1024-x-1024/"), routing prefixes
# ("azure/", "vertex_ai/"), Azure deployment types ("azure/eu/") and Bedrock Regions
# ("bedrock/us-east-1/"). Bedrock's cross-Region inference profiles ("us.", "global.") are ids
# of their own: they become aliases of the model's entry.
_VARIANT = re.compile(r"^(?:(?:low|medium|high|standard|hd|max-x-max|\d+-x-\d+|\d+-steps)/)+")
_ROUTE = re.compile(
    r"^(?:azure|azure_text|gemini|vertex_ai|mistral|codestral|text-completion-codestral|xai|"
    r"bedrock|openai|text-completion-openai|anthropic|cohere|cohere_chat|aiml|azure_ai|"
    r"fireworks_ai|together_ai|databricks|bedrock_mantle|deepseek|cerebras|baseten|wandb)/"
)
_AZURE_DEPLOYMENT = re.compile(r"^(?:eu|us|apac|global|global-standard)/")
_BEDROCK_REGION = re.compile(r"^[a-z]{2}(?:-gov)?-[a-z]+-\d/")
_BEDROCK_PROFILE = re.compile(r"^(?:us|eu|apac|global|jp|au|ca|us-gov)\.")


class UpstreamError(Exception):
    """The upstream file cannot be read as the named source; the message is one line."""


@dataclass(frozen=True, slots=True)
class Lead:
    """What one upstream source says about one model id of one of our providers."""

    provider: str
    id: str
    shutdown: dt.date | None  # None: upstream calls it deprecated without a date
    source: str | None  # the page upstream cites
    successor: str | None
    keys: tuple[str, ...]  # the upstream keys this lead was read from
    aliases: tuple[str, ...] = ()  # other ids of the same model (Bedrock profiles)
    other_days: tuple[str, ...] = ()  # "<key> <day>" where keys disagree; `shutdown` is earliest


@dataclass(frozen=True, slots=True)
class Upstream:
    kind: str  # one of SOURCES
    leads: tuple[Lead, ...]
    read: int  # records with a date (LiteLLM) or a deprecated status (models.dev)
    unmapped: tuple[tuple[str, int], ...]  # upstream provider, records, most first


def litellm_model(key: str, slug: str) -> tuple[str, str | None]:
    """(model id as our registry spells it, Bedrock profile form or None) for a LiteLLM key."""
    model = _ROUTE.sub("", _VARIANT.sub("", key))
    if slug == "azure-openai":
        model = _AZURE_DEPLOYMENT.sub("", model)
    # Pricing variants also follow the route ("azure/high/1024-x-1024/gpt-image-1"): the model
    # behind every such key is the plain id (registry/SCHEMA.md).
    model = _VARIANT.sub("", model)
    if slug == "bedrock":
        model = _BEDROCK_REGION.sub("", model)
        base = _BEDROCK_PROFILE.sub("", model)
        return base, (model if base != model else None)
    if slug == "openai" and model.startswith("ft:"):
        # OpenAI's deprecations page names fine-tuned models by base as "ft-<base>".
        model = "ft-" + model[3:]
    return model, None


# Hosts of API listings LiteLLM cites as sources: they answer only with a subscription and a
# token, so nobody can read the day there; such a citation counts as none.
_API_HOSTS = frozenset({"management.azure.com"})


def readable_page(url: str) -> bool:
    """Whether `url` is a page a reviewer can open: https, and not an API listing."""
    if not url.startswith("https://"):
        return False
    return url[len("https://"):].split("/", 1)[0].casefold() not in _API_HOSTS


def _day(value: object, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UpstreamError(f"{where}: {value!r} is not a YYYY-MM-DD date") from None


def _json_object(data: bytes, kind: str) -> dict[str, Any]:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UpstreamError(f"not a {TITLES[kind]} JSON file ({error})") from None
    if not isinstance(raw, dict):
        raise UpstreamError(f"not a {TITLES[kind]} JSON file (expected an object at the top)")
    return raw


def _unmapped(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def read_litellm(data: bytes) -> Upstream:
    """Every LiteLLM entry with a `deprecation_date`, grouped per (our provider, model id)."""
    table = _json_object(data, "litellm")
    groups: dict[tuple[str, str], list[tuple[str, dt.date, dict[str, Any], str | None]]] = {}
    unmapped: Counter[str] = Counter()
    read = 0
    for key, value in table.items():
        if key == "sample_spec" or not isinstance(value, dict) or not value.get("deprecation_date"):
            continue
        read += 1
        upstream = str(value.get("litellm_provider", ""))
        slug = LITELLM_PROVIDERS.get(upstream)
        if slug is None and upstream.startswith("vertex_ai-"):
            slug = "vertex-ai"
        if slug is None:
            unmapped[upstream or "(none)"] += 1
            continue
        model, profile = litellm_model(key, slug)
        day = _day(value["deprecation_date"], f"{key}: deprecation_date")
        groups.setdefault((slug, model), []).append((key, day, value, profile))
    leads = []
    for (slug, model), rows in groups.items():
        rows.sort(key=lambda row: (row[1], row[0]))
        earliest = rows[0][1]
        sources = [str(r[2]["deprecation_source"]) for r in rows if r[2].get("deprecation_source")]
        https = [s for s in sources if readable_page(s)]
        successors = [str(r[2]["successor_model"]) for r in rows if r[2].get("successor_model")]
        successor = litellm_model(successors[0], slug)[0] if successors else None
        leads.append(Lead(
            provider=slug,
            id=model,
            shutdown=earliest,
            source=next(iter(https or sources), None),
            successor=successor if successor != model else None,
            keys=tuple(r[0] for r in rows),
            aliases=tuple(sorted({r[3] for r in rows if r[3] is not None})),
            other_days=tuple(f"{r[0]} {r[1]}" for r in rows if r[1] != earliest),
        ))
    return Upstream("litellm", tuple(leads), read, _unmapped(unmapped))


def read_models_dev(data: bytes) -> Upstream:
    """Every models.dev model with `status = "deprecated"` (models.dev gives no dates)."""
    catalogue = _json_object(data, "models-dev")
    leads = []
    unmapped: Counter[str] = Counter()
    read = 0
    for provider_id, provider in catalogue.items():
        models = provider.get("models") if isinstance(provider, dict) else None
        if not isinstance(models, dict):
            raise UpstreamError(f"not a models.dev catalogue ({provider_id!r} has no models)")
        for key, model in models.items():
            if not isinstance(model, dict) or model.get("status") != "deprecated":
                continue
            read += 1
            slug = MODELS_DEV_PROVIDERS.get(provider_id)
            if slug is None:
                unmapped[provider_id] += 1
                continue
            model_id = str(model.get("id") or key)
            leads.append(Lead(slug, model_id, None, None, None, (f"{provider_id}/{key}",)))
    return Upstream("models-dev", tuple(leads), read, _unmapped(unmapped))


def read_upstream(kind: str, data: bytes) -> Upstream:
    if kind == "litellm":
        return read_litellm(data)
    if kind == "models-dev":
        return read_models_dev(data)
    raise UpstreamError(f"unknown source {kind!r} (known: {', '.join(SOURCES)})")


# --- comparison and TOML text -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    fragments: Mapping[str, str]  # provider slug → TOML text to append to registry/<slug>.toml
    new: int  # entries emitted for ids the registry lacks
    disagree: int  # commented-out entries: the registry has the id with another day
    agree: int  # the registry has the id with the same day (nothing emitted)
    unsourced: int  # commented-out entries: upstream cites no https page
    undated: int  # ids listed in comments: deprecated upstream without a date
    rejected: tuple[tuple[str, str], ...] = ()  # (upstream keys, reason): nothing written


def _unprintable(text: str) -> str | None:
    """The first character that could end a TOML comment or line (a newline, any control or
    format character, a line or paragraph separator), as U+XXXX, or None."""
    for char in text:
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            return f"U+{ord(char):04X}"
    return None


def rejection(lead: Lead) -> str | None:
    """Why `lead` cannot be written at all, or None. Upstream text lands in comments as well as
    in strings; a newline there would turn the rest of the line into live TOML, so an item
    carrying one is refused, never escaped into a comment."""
    fields = {"provider": [lead.provider], "id": [lead.id], "aliases": list(lead.aliases),
              "source": [lead.source or ""], "successor": [lead.successor or ""],
              "keys": list(lead.keys), "dates": list(lead.other_days)}
    for name, values in fields.items():
        for value in values:
            bad = _unprintable(value)
            if bad is not None:
                return f"{name} {value!r} holds the control character {bad}"
    if not lead.id.strip():
        return "empty id"
    return None


def _check_fragment(slug: str, text: str, ids: Sequence[str], new_file: bool) -> None:
    """`text` re-read as TOML must hold exactly the entries meant for it: a guard that the
    writer escaped everything, so no upstream text became a live key, entry or provider."""
    from modelguard.registry.load import RegistryError, load_provider
    from modelguard.tomlcompat import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UpstreamError(f"the text for {slug} is not valid TOML ({error})") from None
    models = data.get("models", [])
    got = [m.get("id") for m in models if isinstance(m, dict)] if isinstance(models, list) else []
    keys = set(data) - ({"provider", "name", "prefixes", "models"} if new_file else {"models"})
    if keys or got != list(ids) or (new_file and data.get("provider") != slug):
        raise UpstreamError(f"the text for {slug} does not re-read as written (entries {got!r}, "
                            f"keys {sorted(data)!r}); nothing written")
    if new_file:
        try:
            load_provider(data, f"registry/{slug}.toml")
        except RegistryError as error:
            raise UpstreamError(f"the text for {slug} fails the registry schema: "
                                f"{error.problems[0] if error.problems else error}") from None


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _strings(values: Iterable[str]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"


def _names(provider: Provider | None) -> dict[str, ModelEntry]:
    if provider is None:
        return {}
    return {name.casefold(): entry for entry in provider.models for name in entry.names}


def _entry_lines(lead: Lead, title: str, known: Mapping[str, ModelEntry],
                 table_url: str | None) -> list[str]:
    aliases = [a for a in lead.aliases if a.casefold() not in known]
    replacement = known.get((lead.successor or "").casefold())
    lines = ["[[models]]", f"id = {_string(lead.id)}"]
    if aliases:
        lines.append(f"aliases = {_strings(aliases)}")
    lines += [f"shutdown = {lead.shutdown}", 'shutdown_qualifier = "estimated"',
              'dates_from = "aggregator"']
    if replacement is not None and replacement.id != lead.id:
        lines.append(f"replacement = {_string(replacement.id)}")
    cited = lead.source is not None and readable_page(lead.source)
    source = lead.source if cited else table_url or lead.source
    if source is not None:
        lines.append(f"source = {_string(source)}")
    cites = ("which cites this page" if cited else
             f"which cites no readable page ({lead.source})" if lead.source else
             "which cites no page")
    note = (f"Date from {title} (keys: {', '.join(lead.keys)}), {cites}; not yet checked against "
            "the provider's page, so the day is marked estimated.")
    if lead.other_days:
        note += f" Other keys give later days: {'; '.join(lead.other_days)}."
    if lead.successor and replacement is None:
        note += (f" Upstream names {lead.successor} as successor, which this registry does not "
                 "list for the provider, so no replacement is set.")
    lines.append(f"notes = {_string(note)}")
    return lines


def _commented(lines: Sequence[str]) -> list[str]:
    return [f"# {line}" for line in lines]


def _header(slug: str, registry: Registry, kind: str) -> list[str]:
    lines = [f"# From {TITLES[kind]}, for review: nothing here has been checked against the",
             f"# provider's pages. Append what holds to registry/{slug}.toml."]
    if registry.provider(slug) is None:  # a provider the registry lacks: a whole new file
        lines += ["", f"provider = {_string(slug)}", f"name = {_string(slug)}  # the display name",
                  "prefixes = []  # routing prefixes, such as \"bedrock/\""]
    return lines


# Routes that serve two providers of ours: LiteLLM's azure_ai also reaches Azure OpenAI models.
SHARED_ROUTES: Mapping[str, str] = {"azure-ai": "azure-openai"}


def rehome(lead: Lead, registry: Registry) -> Lead:
    """A lead on a shared route belongs to the other provider when only that one knows the id."""
    other = SHARED_ROUTES.get(lead.provider)
    if other is None or lead.id.casefold() in _names(registry.provider(lead.provider)):
        return lead
    if lead.id.casefold() in _names(registry.provider(other)):
        return replace(lead, provider=other)
    return lead


def plan_import(upstream: Upstream, registry: Registry,
                table_url: str | None = None) -> ImportResult:
    """The TOML text per provider for what `upstream` adds to or disputes in `registry`.

    `table_url` (the https address of the upstream table) is the source of a new entry whose
    upstream record cites no readable page; without it such ids stay commented out."""
    title = TITLES[upstream.kind]
    blocks: dict[str, dict[str, list[list[str]]]] = {}
    counts: Counter[str] = Counter()
    rejected: list[tuple[str, str]] = []
    leads = []
    for lead in upstream.leads:
        reason = rejection(lead)
        if reason is None:
            leads.append(rehome(lead, registry))
        else:
            rejected.append((", ".join(repr(k) for k in lead.keys), reason))
    written: dict[str, list[str]] = {}
    for lead in sorted(leads, key=lambda x: (x.provider, x.shutdown or dt.date.min, x.id)):
        known = _names(registry.provider(lead.provider))
        entry = known.get(lead.id.casefold())
        sections = blocks.setdefault(lead.provider, {})
        if lead.shutdown is None:
            if entry is None:
                sections.setdefault("undated", []).append([f"#   {lead.id}"])
            counts["undated" if entry is None else "agree"] += 1
            continue
        if entry is not None and entry.shutdown == lead.shutdown:
            counts["agree"] += 1
            missing = [a for a in lead.aliases if a.casefold() not in known]
            if missing:
                sections.setdefault("aliases", []).append(
                    [f"# {entry.id}: upstream also names {', '.join(missing)} (same day)"])
            continue
        lines = _entry_lines(lead, title, known, table_url)
        if entry is not None:
            ours = f"{entry.shutdown} ({entry.shutdown_qualifier})" if entry.shutdown else "none"
            sections.setdefault("disagree", []).append([
                f"# disagreement: the registry has {entry.id} with shutdown {ours}; "
                f"{title} says {lead.shutdown}", *_commented(lines)])
            counts["disagree"] += 1
        elif not readable_page(lead.source or "") and table_url is None:
            sections.setdefault("unsourced", []).append([
                f"# no https source cited ({lead.source or 'none'}): find the provider's page "
                "before adding", *_commented(lines)])
            counts["unsourced"] += 1
        else:
            sections.setdefault("new", []).append(lines)
            written.setdefault(lead.provider, []).append(lead.id)
            counts["new"] += 1
    titles = {
        "new": "# --- ids the registry lacks ---",
        "disagree": "# --- days that disagree with the registry (curated entries win) ---",
        "unsourced": "# --- ids the registry lacks, but upstream cites no https page ---",
        "aliases": "# --- same day, aliases the registry lacks ---",
        "undated": "# --- deprecated upstream without a date; ids the registry lacks (find a day\n"
                   "# on the provider's page before adding) ---",
    }
    fragments = {}
    for slug, sections in sorted(blocks.items()):
        if not sections:
            continue
        out = _header(slug, registry, upstream.kind)
        for name, title_line in titles.items():
            if name not in sections:
                continue
            out += ["", title_line]
            for block in sections[name]:
                out += block if name in {"undated", "aliases"} else ["", *block]
        fragments[slug] = "\n".join(out) + "\n"
        _check_fragment(slug, fragments[slug], written.get(slug, []),
                        registry.provider(slug) is None)
    return ImportResult(fragments, counts["new"], counts["disagree"], counts["agree"],
                        counts["unsourced"], counts["undated"], tuple(rejected))


def _shown(name: str) -> str:
    """An upstream name on one terminal line: quoted when it holds a control character."""
    return name if _unprintable(name) is None else repr(name)


def combined_text(result: ImportResult) -> str:
    """All providers' fragments in one text, each under a header naming its file."""
    parts = [f"# ===== registry/{slug}.toml =====\n{text}"
             for slug, text in result.fragments.items()]
    return "\n".join(parts)


def summary_lines(upstream: Upstream, result: ImportResult) -> list[str]:
    """What the import did, for stderr."""
    what = "dated" if upstream.kind == "litellm" else "deprecated"
    lines = [
        f"{TITLES[upstream.kind]}: {upstream.read} {what} records; {result.new} new entries, "
        f"{result.disagree} disagreements, {result.unsourced} without an https source, "
        f"{result.undated} undated ids, {result.agree} already in the registry"
    ]
    lines += [f"unmapped provider {_shown(name)}: {count} model{'' if count == 1 else 's'}"
              for name, count in upstream.unmapped]
    lines += [f"rejected {keys}: {reason}" for keys, reason in result.rejected]
    return lines
