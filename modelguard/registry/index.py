"""Fast lookup from an id as written in code to its registry entry.

Only whole ids match (after an optional routing prefix such as ``openai/`` or
``openrouter/openai/``); a name is never found inside a longer token.
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
from modelguard.registry.load import ModelEntry, Provider, Registry

if TYPE_CHECKING:  # loaded with the first file to scan: a run answered from the cache has none
    from modelguard.scan.prefilter import Prefilter

# The characters a model id is made of; anything else ends a token in prose.
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+-]*")
_TRAILING = ".:/@+-"


@dataclass(frozen=True, slots=True)
class Match:
    entry: ModelEntry
    prefix: str  # the routing prefix as written, kept in replacements ("" when bare)


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
    _prefixes: tuple[tuple[str, str], ...] = field(repr=False)  # (prefix, provider), longest first
    # Built on first use from `_names`: a run answered from the cache never needs it.
    _prefilter: Prefilter | None = field(repr=False, compare=False)
    # Changes whenever anything a scan result depends on changes (entries, providers chosen).
    fingerprint: str = ""
    _names: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def prefilter(self) -> Prefilter:
        """The byte prefilter over every name and routed form this index knows."""
        built = self._prefilter
        if built is None:
            from modelguard.scan.prefilter import build_prefilter

            built = build_prefilter(self._names)
            # A cache of a value derived from the fields, not a change of the index.
            object.__setattr__(self, "_prefilter", built)
        return built

    def lookup(self, written: str) -> Match | None:
        """The entry for an id written in full, or None. Case-insensitive, like provider APIs."""
        key = written.casefold()
        exact = self._by_name.get(key)
        if exact:
            return Match(exact[0], "")
        behind = [(prefix, provider) for prefix, provider in self._prefixes
                  if key.startswith(prefix) and len(key) > len(prefix)]
        # Every provider answering to the prefix first (`azure_ai/` is Azure OpenAI and Azure
        # AI Foundry), then the bare id's own entry (the model maker's lifecycle).
        for prefix, provider in behind:
            own = self._by_provider.get(provider, {}).get(key[len(prefix):])
            if own is not None:
                return Match(own, written[: len(prefix)])
        for prefix, _ in behind:
            others = self._by_name.get(key[len(prefix):])
            if others:
                return Match(others[0], written[: len(prefix)])
        return None

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

    def replacement(self, match: Match, as_of: date) -> str | None:
        """The replacement as it should be written, with the routing prefix kept.

        The registry's chain (within the entry's provider) is followed past retired models and
        past deprecated ones that have a serving successor, so the answer is the first active
        model, else the last one still serving; None when every model down the chain is
        retired. `check` and `fix` both use this, so one `fix` run leaves nothing to fix.
        """
        models = self._by_provider[match.entry.provider]
        serving: ModelEntry | None = None
        for nxt in follow(match.entry, lambda name: models.get(name.casefold())).successors:
            status = lifecycle(nxt.announced, nxt.shutdown, as_of).status
            if status is Status.ACTIVE:
                return match.prefix + nxt.id
            if status is Status.DEPRECATED:
                serving = nxt
        return None if serving is None else match.prefix + serving.id


def build_index(registry: Registry, providers: Sequence[str] | None = None) -> ModelIndex:
    """Index the entries of the chosen providers (all when None), in registry priority order.

    Bare ids (no routing prefix) match the providers the user chose, or by default every
    provider that does not opt out with `match_bare = false`.
    """
    chosen = [p for p in registry.providers if providers is None or p.slug in providers]
    by_name: dict[str, list[ModelEntry]] = {}
    by_provider: dict[str, dict[str, ModelEntry]] = {}
    prefixes: list[tuple[str, str]] = []
    for provider in chosen:
        own = by_provider.setdefault(provider.slug, {})
        bare = providers is not None or provider.match_bare
        for entry in provider.models:
            for name in entry.names:
                own[name.casefold()] = entry
                if bare:
                    by_name.setdefault(name.casefold(), []).append(entry)
        prefixes.extend((prefix.casefold(), provider.slug) for prefix in provider.prefixes)
    prefixes.sort(key=lambda item: -len(item[0]))
    names = {name for own in by_provider.values() for name in own}
    # A prefix ending in a letter or digit glues onto the name: list those routed forms whole.
    routed = {p + n for p, _ in prefixes if p[-1:].isalnum() for n in names}
    return ModelIndex(
        registry_version=registry.version,
        _by_name={name: tuple(entries) for name, entries in by_name.items()},
        _by_provider=by_provider,
        _prefixes=tuple(prefixes),
        _prefilter=None,
        fingerprint=_fingerprint(registry.version, chosen, providers),
        _names=frozenset(names | routed),
    )


def _fingerprint(version: str, chosen: Sequence[Provider], providers: Sequence[str] | None) -> str:
    # The dataclass reprs hold every field, in a fixed order; where the file lies does not count.
    data = [(p.slug, p.name, p.prefixes, p.match_bare, p.models) for p in chosen]
    text = repr((version, data, None if providers is None else sorted(providers)))
    return sha256_hex(text.encode("utf-8"))
