"""Fast lookup from an id as written in code to its registry entry.

Only whole ids match, read by the id grammar of registry/SCHEMA.md (a routing prefix such as
``openai:`` or ``openrouter/openai/``, a region qualifier, a dated spelling, a fine-tune); a
name is never found inside a longer token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from modelguard.files import sha256_hex
from modelguard.registry.chain import follow
from modelguard.registry.lifecycle import Status, lifecycle
from modelguard.registry.load import ModelEntry, ParameterFact, Provider, Registry

if TYPE_CHECKING:  # loaded with the first file to scan: a run answered from the cache has none
    from modelguard.scan.prefilter import Prefilter

# The characters a model id is made of; anything else ends a token in prose.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+-]*")
_TRAILING = ".:/@+-"


# Not an id however it is cut: a URL names an endpoint (`https://host/openai/deployments/gpt-4`
# holds a deployment name, which the user chose), and an id has no spaces.
_NOT_AN_ID = re.compile(r"://|\s")
_CUT = re.compile(r"[/:]")  # a prefix segment ends with one of these
# An id behind a prefix the registry does not know must look like an id, not a word (`foo/command`).
_DISTINCTIVE = re.compile(r"[0-9.-]")
_DATE = re.compile(r"\d{8}")  # the date a `date_separators` spelling puts after its separator
# Longer whole values are text, not ids (the longest real form, a Vertex AI resource name, is
# about 120): this bounds the work on long strings full of `/` and `:`.
_LONGEST_WRITTEN = 300


@dataclass(frozen=True, slots=True)
class Match:
    """How an id as written was read: everything but the entry's id is kept in a rewrite."""

    entry: ModelEntry
    prefix: str  # the routing prefix as written, kept in replacements ("" when bare)
    qualifier: str = ""  # a region qualifier as written after the prefix (Bedrock's `us.`)
    suffix: str = ""  # what follows the id as written (a fine-tune's `:acme::8abc`)
    separator: str = ""  # written in place of the `-` before the id's date (Vertex AI's `@`)
    fine_tune: bool = False  # a model trained from the entry: no other id can stand for it
    route: str = ""  # the provider a known prefix selected; "" for none or an unknown prefix

    def written_id(self, written: str) -> str:
        """The id alone as `written` spells it: no prefix, qualifier or suffix."""
        start = len(self.prefix) + len(self.qualifier)
        return written[start : len(written) - len(self.suffix)]

    def as_listed(self, written_id: str) -> str:
        """An id spelled as this match spells it, back in the registry's (and the entry's own
        API's) spelling: `claude-3-5-sonnet@20240620` -> `claude-3-5-sonnet-20240620`."""
        base, separator, date = written_id.rpartition(self.separator or "\0")
        return f"{base}-{date}" if separator and _DATE.fullmatch(date) else written_id

    def rewritten(self, replacement_id: str) -> str:
        """The text as written with `replacement_id` in place of the id."""
        return (self.prefix + self.qualifier + _spelled(replacement_id, self.separator)
                + self.suffix)


def _spelled(model_id: str, separator: str) -> str:
    if separator:
        base, dash, date = model_id.rpartition("-")
        if dash and _DATE.fullmatch(date):
            return base + separator + date
    return model_id


@dataclass(frozen=True, slots=True)
class TokenMatch:
    start: int  # offset of the token in the searched text
    end: int
    text: str
    match: Match


@dataclass(frozen=True)
class ModelIndex:
    registry_version: str
    _by_name: dict[str, tuple[ModelEntry, ...]] = field(repr=False)
    _by_provider: dict[str, dict[str, ModelEntry]] = field(repr=False)
    # Routing prefix (casefolded) -> the providers it selects, in registry priority order.
    _routes: dict[str, tuple[str, ...]] = field(repr=False)
    # Built on first use from `_names`: a run answered from the cache never needs it.
    _prefilter: Prefilter | None = field(repr=False, compare=False)
    # Changes whenever anything a scan result depends on changes (entries, providers chosen).
    fingerprint: str = ""
    _names: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    # The rest of the id grammar (`Provider.qualifiers`, `fine_tunes`, `date_separators`),
    # casefolded: (written form, provider).
    _qualifiers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    _fine_tunes: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    _separators: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    _tunable: frozenset[str] = field(default=frozenset(), repr=False, compare=False)  # base ids
    _longest_prefix: int = field(default=0, repr=False)
    # Where the registry came from (`Registry.origin`, `location`, `label`): report headers.
    registry_origin: str = "file"
    registry_location: str | None = None
    registry_label: str = "file"
    # Provider slug -> its `[[parameters]]` facts (rule MG005).
    _parameters: dict[str, tuple[ParameterFact, ...]] = field(default_factory=dict, repr=False)

    def prefilter(self) -> Prefilter:
        """The byte prefilter over every name and routed form this index knows."""
        built = self._prefilter
        if built is None:
            from modelguard.scan.prefilter import build_prefilter

            built = build_prefilter(self._names, self._tunable)
            # A cache of a value derived from the fields, not a change of the index.
            object.__setattr__(self, "_prefilter", built)
        return built

    def lookup(self, written: str) -> Match | None:
        """The entry for an id written in full, or None. Case-insensitive, like provider APIs.

        The one reader of the id grammar (registry/SCHEMA.md): an optional prefix of `/`- or
        `:`-ended segments (the registry's `prefixes`, or any other before a distinctive id),
        then an optional region qualifier, then the id (or its dated spelling), and after a
        fine-tune lead the fine-tune's own name. Cuts are tried left to right, so the longest
        tail wins: ids hold `:` too (`anthropic.claude-v2:1`).
        """
        key = written.casefold()
        exact = self._by_name.get(key)
        if exact:
            return Match(exact[0], "")
        if len(key) > _LONGEST_WRITTEN or _NOT_AN_ID.search(key):
            return None
        cuts = [0, *(m.end() for m in _CUT.finditer(key) if m.end() < len(key))]
        if len(cuts) == 1 and "." not in key and not any(s in key for s, _ in self._separators):
            return None  # no prefix, no qualifier (each ends in '.'), no dated spelling: a word
        for cut in cuts:
            found = self._read(written, key, cut, cuts)
            if found is not None:
                return found
        return None

    def _read(self, written: str, key: str, cut: int, cuts: list[int]) -> Match | None:
        """The id read at `key[cut:]`, with `written[:cut]` as its prefix."""
        head, tail = key[:cut], key[cut:]
        prefix = written[:cut]
        # The providers a known prefix ending the head selects, longest prefix first.
        routes = list(dict.fromkeys(
            provider for start in cuts if cut - self._longest_prefix <= start < cut
            for provider in self._routes.get(head[start:], ())
        ))
        route = routes[0] if routes else ""
        for lead, provider in self._fine_tunes:
            if head.endswith(lead) and (cut == len(lead) or head[-len(lead) - 1] in "/:"):
                # A lead makes a fine-tune even with its own name missing: `ft:gpt-5` is no id.
                base = tail.partition(":")[0]
                entry = self._find(base, [provider], bare=False)
                if entry is not None:
                    return Match(entry, prefix, suffix=written[cut + len(base):],
                                 fine_tune=True, route=route)
        if not cut or routes or _DISTINCTIVE.search(tail):
            entry = self._find(tail, routes, bare=True)
            if entry is not None:
                return Match(entry, prefix, route=route)
        for qualifier, provider in self._qualifiers:
            if tail.startswith(qualifier) and len(tail) > len(qualifier):
                entry = self._find(tail[len(qualifier):], [provider], bare=False)
                if entry is not None:
                    return Match(entry, prefix, qualifier=written[cut:cut + len(qualifier)],
                                 route=route)
        for separator, provider in self._separators:
            base, sep, date = tail.rpartition(separator)
            if sep and _DATE.fullmatch(date):
                entry = self._find(f"{base}-{date}", [provider], bare=False)
                if entry is not None:
                    return Match(entry, prefix, separator=written[cut + len(base)],
                                 route=route)
        return None

    def _find(self, name: str, providers: Sequence[str], bare: bool) -> ModelEntry | None:
        """`name` among the entries of `providers` (in order), then (`bare`) any bare entry.

        Every provider answering to a prefix first (`azure_ai/` is Azure OpenAI and Azure AI
        Foundry), then the bare id's own entry (the model maker's lifecycle).
        """
        for provider in providers:
            own = self._by_provider.get(provider, {}).get(name)
            if own is not None:
                return own
        others = self._by_name.get(name) if bare else None
        return others[0] if others else None

    def tokens(self, text: str) -> Iterator[TokenMatch]:
        """Known ids standing as whole words in prose, comments or longer strings.

        Ids that are plain words (`command`, `davinci`, `ada`, `tts`) are not mentions: in prose
        they are the word, not the model. As a whole string value they still match (`lookup`).
        """
        for token in _TOKEN.finditer(text):
            word = token.group().rstrip(_TRAILING)
            if word.isalpha():
                continue
            found = self.lookup(word)
            if found is not None:
                yield TokenMatch(token.start(), token.start() + len(word), word, found)

    def may_contain(self, source: bytes | str) -> bool:
        """Cheap test on the file as read: False means no known id can be found in it."""
        return self.prefilter().may_contain(source)

    def key_atoms(self, text: str) -> tuple[str, ...] | None:
        """See `Prefilter.key_atoms`: a cheap test for the parts of a text that may name a
        model."""
        return self.prefilter().key_atoms(text)

    def entry(self, provider: str, entry_id: str) -> ModelEntry | None:
        """The entry `entry_id` of `provider`, if this index holds it."""
        return self._by_provider.get(provider, {}).get(entry_id.casefold())

    def parameter_facts(self, entry: ModelEntry) -> tuple[ParameterFact, ...]:
        """The `[[parameters]]` facts of the entry's provider that name the entry."""
        return tuple(fact for fact in self._parameters.get(entry.provider, ())
                     if fact.covers(entry.names))

    @property
    def parameter_names(self) -> frozenset[str]:
        """Every parameter some fact names: a source holding none of them needs no MG005 pass."""
        return frozenset(
            name for facts in self._parameters.values() for fact in facts
            for name in (*(old for old, _ in fact.renamed), *fact.unsupported,
                         *(n for group in fact.exclusive for n in group)))

    def replacement(self, match: Match, as_of: date) -> str | None:
        """The replacement as it should be written: everything but the id kept as written
        (routing prefix, region qualifier, dated spelling). None for a fine-tune: it is a model
        of its own, which has to be trained again on the successor (see `successor`).

        `check` and `fix` both use this, so one `fix` run leaves nothing to fix.
        """
        successor = self.successor(match, as_of)
        return None if successor is None or match.fine_tune else match.rewritten(successor.id)

    def successor(self, match: Match, as_of: date) -> ModelEntry | None:
        """The entry to move to. The registry's chain (within the entry's provider) is followed
        past retired models and past deprecated ones that have a serving successor, so the
        answer is the first active model, else the last one still serving; None when every
        model down the chain is retired."""
        models = self._by_provider[match.entry.provider]
        serving: ModelEntry | None = None
        for nxt in follow(match.entry, lambda name: models.get(name.casefold())).successors:
            status = lifecycle(nxt.announced, nxt.shutdown, as_of).status
            if status is Status.ACTIVE:
                return nxt
            if status is Status.DEPRECATED:
                serving = nxt
        return serving


def build_index(registry: Registry, providers: Sequence[str] | None = None) -> ModelIndex:
    """Index the entries of the chosen providers (all when None), in registry priority order.

    Bare ids (no routing prefix) match the providers the user chose, or by default every
    provider that does not opt out with `match_bare = false`.
    """
    chosen = [p for p in registry.providers if providers is None or p.slug in providers]
    by_name: dict[str, list[ModelEntry]] = {}
    by_provider: dict[str, dict[str, ModelEntry]] = {}
    prefixes: list[tuple[str, str]] = []
    qualifiers: list[tuple[str, str]] = []
    fine_tunes: list[tuple[str, str]] = []
    separators: list[tuple[str, str]] = []
    for provider in chosen:
        own = by_provider.setdefault(provider.slug, {})
        bare = providers is not None or provider.match_bare
        for entry in provider.models:
            for name in entry.names:
                own[name.casefold()] = entry
                if bare:
                    by_name.setdefault(name.casefold(), []).append(entry)
        prefixes.extend((prefix.casefold(), provider.slug) for prefix in provider.prefixes)
        qualifiers.extend((q.casefold(), provider.slug) for q in provider.qualifiers)
        fine_tunes.extend((lead.casefold(), provider.slug) for lead in provider.fine_tunes)
        separators.extend((sep, provider.slug) for sep in provider.date_separators)
    names = {name for own in by_provider.values() for name in own}
    # A prefix ending in a letter or digit glues onto the name: list those routed forms whole.
    routed = {p + n for p, _ in prefixes if p[-1:].isalnum() for n in names}
    # A dated spelling is one run of token characters of its own (`claude-3-5-sonnet@20240620`).
    dated = {
        spelled for sep, slug in separators for name in by_provider[slug]
        if (spelled := _spelled(name, sep)) != name
    }
    return ModelIndex(
        registry_version=registry.version,
        _by_name={name: tuple(entries) for name, entries in by_name.items()},
        _by_provider=by_provider,
        _routes={known: tuple(slug for p, slug in prefixes if p == known) for known, _ in prefixes},
        _prefilter=None,
        fingerprint=_fingerprint(registry.version, chosen, providers),
        _names=frozenset(names | routed | dated),
        _qualifiers=tuple(qualifiers),
        _fine_tunes=tuple(fine_tunes),
        _separators=tuple(separators),
        _tunable=frozenset(name for _, slug in fine_tunes for name in by_provider[slug]),
        _longest_prefix=max((len(prefix) for prefix, _ in prefixes), default=0),
        registry_origin=registry.origin,
        registry_location=registry.location,
        registry_label=registry.label,
        _parameters={p.slug: p.parameters for p in chosen if p.parameters},
    )


def _fingerprint(version: str, chosen: Sequence[Provider], providers: Sequence[str] | None) -> str:
    # The dataclass reprs hold every field, in a fixed order; where the file lies does not count.
    data = [(p.slug, p.name, p.prefixes, p.match_bare, p.qualifiers, p.fine_tunes,
             p.date_separators, p.models, p.parameters) for p in chosen]
    text = repr((version, data, None if providers is None else sorted(providers)))
    return sha256_hex(text.encode("utf-8"))
