"""The byte-level prefilter: can this file contain a known id at all?

It answers on raw bytes, before any decoding or parsing, and may answer "maybe" too often but
never "no" for a file in which the scanner would find an id. Why that holds:

- The scanner finds a name N in two ways. A whole value (a string literal, a quoted or bare
  config value) whose casefolded text is N behind an optional routing prefix: the value is
  bounded by a quote or a non-token character, and a prefix ends in a non-alphanumeric
  character (a prefix ending in a letter or digit is listed whole with each name by
  `index.build_index`). Or a token in prose (`index._TOKEN`: a run of `[A-Za-z0-9._:@/+-]`
  starting at its first letter or digit, trailing `.:/@+-` dropped) equal to N behind an
  optional prefix. Either way N stands in the lowered bytes with no ASCII letter or digit
  directly before it, and after it only `[.:@/+-]`, up to a byte that is no token character
  (`_` is one). In other words: N is a suffix, starting after a non-alphanumeric byte (or at
  the start), of a maximal run of token bytes with its trailing `.:/@+-` stripped.
- The id grammar (`index.ModelIndex.lookup`, registry/SCHEMA.md) keeps this shape: a prefix,
  known or not, and a region qualifier end in `/`, `:` or `.`, so N still starts after a byte
  that is no letter or digit; a dated spelling (`claude-3-5-sonnet@20240620`) is a name of its
  own (`index.build_index` lists it); and the one form with text after the id, a fine-tune
  (`ft:gpt-3.5-turbo-0613:acme::8abc`), has a `:` right after it. So a name of a provider
  with fine-tunes (`tunable`) also stands when a `:` follows it.
- A compiled Aho-Corasick automaton over every name (ahocorasick-rs, the Rust crate ripgrep's
  author wrote, with its SIMD "Teddy" search) reports every occurrence of every name in the
  lowered bytes, overlapping ones included; `_stands_at` then checks exactly the boundaries
  above on each. That is the condition the scanner needs, no looser; it costs time per
  occurrence of a name, and the search itself runs at hundreds of MB/s (bench/matchers.py).
- A literal can spell an id in ways the raw bytes do not show: escapes (`"gpt\\x2d4"`, a
  backslash-newline inside the string), non-ASCII characters that casefold to ASCII (U+017F
  long s → `s`, U+212A Kelvin sign → `k`), or an encoding named by a coding cookie. A file with
  any of these (such a character, such an escape, a cookie) that failed the fast test is
  decoded and tested again where it differs: each run of token characters around such an
  escape or character is unescaped and casefolded and searched again (see `_changed_runs`).
  A name the fast search did not see must touch one of those changes, so it lies in one of
  those runs. A file with a cookie (its bytes are not its text) is unescaped and casefolded
  whole. Other non-ASCII characters change nothing: no name holds their bytes, the boundary
  checks read them as no letter or digit, and casefolded they stay non-ASCII.
- All of the above is about the text the scanner reads. A notebook's bytes are not that text:
  they are JSON, in which each cell's source is escaped once more (a Python `\\x2d` is
  written `\\\\x2d`, so its escape reads as an escaped backslash then `x2d`; a newline is
  `\\n`, whose `n` joins the next atom; any character may be `\\uXXXX`) and may be split
  across several strings. So a notebook is never tested on its bytes: `scan.notebook`
  decodes it and tests each cell's joined source, the scanner's own text.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import ahocorasick_rs

# Letters and digits, lowercased; every other byte (non-ASCII included) becomes a space.
_ATOM_TABLE = bytes(
    (c | 0x20 if 0x41 <= c <= 0x5A else c) if chr(c).isascii() and chr(c).isalnum() else 0x20
    for c in range(256)
)
_ATOM = re.compile(r"[a-z0-9]+")
_RUN_NAME = re.compile(r"[a-z0-9._:@/+-]*[a-z0-9_]")  # a name `_changed_runs` can cut whole
_ESCAPE = re.compile(rb"\\[xuUN0-7\r\n]")
# The characters whose casefolding holds ASCII (ß → ss, U+017F → s, U+212A → k, ligatures…),
# from Unicode's data; tests/test_prefilter.py derives the list again from the running Python.
FOLDS_TO_ASCII = (
    "\u00df\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
    "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"
)
_FOLDING = re.compile("[" + FOLDS_TO_ASCII + "]")
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)
_UNESCAPE = re.compile(
    r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|[0-7]{1,3}|\r\n|[\s\S])"
)
_SIMPLE_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\v", "\n": "", "\r": "", "\r\n": "",
}
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
# After a name, a letter, digit or underscore reached through [.:@/+-] only would make the token
# longer than the name (see index._TOKEN and _TRAILING): no finding there.
_CONTINUES = re.compile(rb"[.:@/+-]*[a-z0-9_]")
# Atoms of registry names that many Python files hold anyway, most common first: those found
# in at least 0.5% of the .py files of CPython 3.11's standard library and a virtualenv's
# site-packages (16,000 files). Digit-only atoms of up to three digits count as common too.
# Only speed depends on this list.
_COMMON_IN_CODE = (
    "a", "to", "it", "r", "use", "x", "one", "e", "code", "python", "base", "v", "super", "non",
    "core", "m", "text", "max", "org", "next", "parse", "open", "zero", "global", "generate",
    "system", "standard", "reference", "search", "command", "meta", "doc", "generator", "res",
    "exp", "amazon", "small", "us", "en", "large", "models", "pi", "free", "model", "latest",
    "low", "fast", "query", "express", "document", "high", "native", "alpha", "plus", "v2",
    "image", "v1", "beta", "1024", "deep", "generation", "rank", "x1", "stable", "writer",
    "phi", "m2", "theta", "r1", "sol", "edit", "light", "guard", "live", "g1", "medium", "ai",
    "micro", "l2", "gradient", "microsoft", "mid", "google", "v3", "2e", "computer", "k2", "ds",
    "tiny", "completions", "embed",
)
_COMMONNESS = {atom: len(_COMMON_IN_CODE) - rank for rank, atom in enumerate(_COMMON_IN_CODE)}


@dataclass(frozen=True)
class Prefilter:
    _always: bool  # some name has no ASCII atom to look for: every file is a candidate
    _keys: frozenset[bytes]  # one atom of each name (see `key_atoms`)
    _names: frozenset[bytes]  # every name, casefolded ASCII
    # Names a fine-tune's own name may follow after a ':' (ft:gpt-3.5-turbo-0613:acme::8abc).
    _tunable: frozenset[bytes] = frozenset()
    # Some name holds a byte outside the token class, or ends in a trailing character: the
    # runs `_changed_runs` cuts may not hold it whole.
    _odd: bool = False
    # The compiled matcher over `_names` and whether each of them is `_tunable`, by pattern
    # number; built from the fields, and again after unpickling (see __reduce__).
    _matcher: ahocorasick_rs.BytesAhoCorasick = field(init=False, repr=False, compare=False)
    _tunes: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    _questioned: bool = field(init=False, repr=False, compare=False)  # a name holds a `?`

    def __post_init__(self) -> None:
        names = sorted(self._names)
        # The standard match kind (the default) reports overlapping matches: every name ending
        # at every byte. A DFA searches 2-3x faster than the default NFA and builds in ~10 ms.
        matcher = ahocorasick_rs.BytesAhoCorasick(
            names, implementation=ahocorasick_rs.Implementation.DFA)
        object.__setattr__(self, "_matcher", matcher)
        object.__setattr__(self, "_tunes", tuple(name in self._tunable for name in names))
        object.__setattr__(self, "_questioned", any(b"?" in name for name in names))

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled automaton does not pickle (a process pool started by spawn): rebuild it.
        return (Prefilter, (self._always, self._keys, self._names, self._tunable, self._odd))

    def may_contain(self, source: bytes | str) -> bool:
        """False only when no name can be found in `source` (bytes as read, or decoded text)."""
        if self._always:
            return True
        data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
        if self._matches(data):
            return True
        if _ESCAPE.search(data) is None:
            if isinstance(source, str):
                if source.isascii() or _FOLDING.search(source) is None:
                    return False
            elif not has_coding_cookie(data) and (data.isascii() or not _folds(data)):
                return False
        text = source if isinstance(source, str) else _decode(data)
        if (isinstance(source, bytes) and has_coding_cookie(data)) or self._odd:
            # Another encoding changes the text everywhere; odd names are searched as
            # written, not as runs: test the whole text, unescaped and casefolded.
            return self._matches(_unescape(text).casefold().encode("ascii", "replace"))
        return self._matches(_changed_runs(text))

    def lines_to_scan(self, text: str) -> LineTest:
        """A test equal to `may_contain(line)` for each line of `text` (split at "\\n", a
        trailing "\\r" dropped), given the line's 0-based number: one native pass over the
        whole text, then `may_contain` again only on lines holding a backslash or a non-ASCII
        character (see `LineTest`)."""
        if self._always:
            return LineTest(frozenset(), True, self)
        data = text.encode("utf-8", "surrogatepass")
        lowered = data.lower()
        starts = sorted(start for number, start, end in self._found(lowered)
                        if _stands_at(lowered, start, end, self._tunes[number]))
        lines: set[int] = set()
        line = 0
        at = 0
        for start in starts:  # in order: each newline is counted once
            line += data.count(b"\n", at, start)
            at = start
            lines.add(line)
        return LineTest(frozenset(lines), False, self)

    def standing(self, text: str) -> list[tuple[int, int]] | None:
        """Where names stand in the ASCII parts of `text` as `may_contain` reads them
        (boundaries checked), as sorted (start, end) character offsets: one native pass for a
        whole module, where `may_contain` of a part that is ASCII without a backslash is true
        exactly when a name stands inside the part and the part ends where no name character
        goes on. Each other character is read as `?`, which no name holds. None when every
        text is a candidate."""
        if self._always or self._questioned:
            return None
        lowered = text.encode("ascii", "replace").lower()
        tunes = self._tunes
        return sorted((start, end) for number, start, end in self._found(lowered)
                      if _stands_at(lowered, start, end, tunes[number]))

    def key_atoms(self, text: str) -> tuple[str, ...] | None:
        """The key atoms standing as atoms in `text`: a name written out plainly (ASCII, no
        backslash) in any part of `text` holds one of them. None when names without atoms make
        every text a candidate."""
        if self._always:
            return None
        data = text.encode("utf-8", "surrogatepass")
        keys = self._keys.intersection(data.translate(_ATOM_TABLE).split())
        return tuple(sorted(key.decode() for key in keys))

    def _found(self, lowered: bytes) -> list[tuple[int, int, int]]:
        """Every occurrence of every name in `lowered` (pattern number, start, end)."""
        found: list[tuple[int, int, int]] = self._matcher.find_matches_as_indexes(
            lowered, overlapping=True)
        return found

    def _matches(self, data: bytes) -> bool:
        """Does a name stand in `data`: no letter or digit right before it, and after it no
        token going on (or, for a tunable name, a ':' and a fine-tune's own name)? The matcher
        finds every occurrence; the boundaries are checked here, on each."""
        lowered = data.lower()
        tunes = self._tunes
        return any(_stands_at(lowered, start, end, tunes[number])
                   for number, start, end in self._found(lowered))


@dataclass(frozen=True, slots=True)
class LineTest:
    """`may_contain` for the lines of one text (see `Prefilter.lines_to_scan`). A line whose
    number is not in `lines` is ASCII without a backslash (then no name stands in it:
    `may_contain` is false too), or it is tested again with `may_contain`."""

    lines: frozenset[int]
    always: bool
    prefilter: Prefilter

    def __call__(self, number: int, line: str) -> bool:
        if self.always or number in self.lines:
            return True
        if "\\" in line or not line.isascii():
            return self.prefilter.may_contain(line)
        return False


def _stands_at(lowered: bytes, start: int, end: int, tunable: bool) -> bool:
    """The name at `lowered[start:end]` has no letter or digit before it and no token going on
    after it (or, when `tunable`, a ':' and a fine-tune's own name after it)."""
    return (start == 0 or lowered[start - 1] not in _WORD_BYTES) and (
        _CONTINUES.match(lowered, end) is None
        or (tunable and lowered[end : end + 1] == b":")
    )


# The escapes that can put a letter or digit into a literal's value, or join two lines of it.
_SPELLING_ESCAPES = frozenset("xuUN01234567\r\n")
_IN_RUN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:@/+-")


def _changed_runs(text: str) -> bytes:
    """The stretches of the unescaped, casefolded text that differ from what the fast search
    read, one per line: each run of token characters around an escape that can spell a
    name (see _SPELLING_ESCAPES) or a character whose casefolding is ASCII.

    Why that is enough: a name found in the whole unescaped, casefolded text that touches no
    such change (neither it, nor the run it ends, nor what follows it up to the end of that
    run) stands in the file's own bytes the same way, and the fast search already said no.
    Other escapes (`\\n`, `\\"`, `\\\\`…) put no letter or digit in place of their own, so
    they never make a name of a literal's value; they are still resolved inside a stretch,
    where they decide where runs end. A stretch is cut from the text at the edges of its
    run, which in the raw text are characters no escape or folding changed: the run ends
    there in the resolved text too."""
    changes: dict[int, re.Match[str]] = {}  # start → escape, each as `_unescape` reads it
    ends: dict[int, int] = {}  # end → start
    seeds: list[int] = []
    for match in _UNESCAPE.finditer(text):
        start, end = match.span()
        changes[start] = match
        ends[end] = start
        kind = match.group(1)[0]
        if kind in _SPELLING_ESCAPES and (
            kind not in "\r\n"  # a line joined in code, between spaces, touches no run
            or (start > 0 and text[start - 1] in _IN_RUN)
            or (end < len(text) and text[end] in _IN_RUN)
        ):
            seeds.append(start)
    if not text.isascii():
        seeds.extend(match.start() for match in _FOLDING.finditer(text))
        seeds.sort()
    stretches: list[str] = []
    reached = -1  # where the last stretch ended
    for seed in seeds:
        if seed < reached:
            continue
        first = seed
        # Outward over token characters, folding characters and whole escapes. Each step
        # ends where no escape is cut: a character just before `first` (after `last`) that
        # belongs to an escape is that escape's last (first) character.
        while True:
            if first in ends:
                first = ends[first]
            elif first > 0 and (text[first - 1] in _IN_RUN or _FOLDING.match(text, first - 1)):
                first -= 1
            else:
                break
        last = seed
        while True:
            if last in changes:
                last = changes[last].end()
            elif last < len(text) and (text[last] in _IN_RUN or _FOLDING.match(text, last)):
                last += 1
            else:
                break
        reached = last
        stretches.append(_resolved(text, first, last, changes))
    return "\n".join(stretches).casefold().encode("ascii", "replace")


def _resolved(text: str, first: int, last: int, changes: dict[int, re.Match[str]]) -> str:
    """`text[first:last]` with its escapes resolved (it starts and ends outside any escape)."""
    parts: list[str] = []
    at = first
    while (slash := text.find("\\", at, last)) >= 0:
        match = changes.get(slash)
        if match is None:  # a backslash ending the text: no escape
            break
        parts += (text[at:slash], _resolve(match))
        at = match.end()
    parts.append(text[at:last])
    return "".join(parts)


def _key(atoms: set[str]) -> str:
    """The atom to look for: the least common in code, then the longest."""
    return max(
        sorted(atoms),
        key=lambda atom: (
            -_COMMONNESS.get(atom, len(_COMMON_IN_CODE) + 1 if atom.isdigit() and len(atom) <= 3
                             else 0),
            len(atom),
        ),
    )


def build_prefilter(names: Iterable[str], tunable: Iterable[str] = ()) -> Prefilter:
    """A prefilter for ids written as any of `names` (casefolded, routed forms included), the
    `tunable` ones also before a ':' and a fine-tune's own name."""
    keys: set[bytes] = set()
    found: set[bytes] = set()
    always = odd = False
    for name in names:
        folded = name.casefold()
        atoms = set(_ATOM.findall(folded))
        if not atoms or not folded.isascii():
            always = True  # nothing a file could be tested for
            continue
        keys.add(_key(atoms).encode())
        found.add(folded.encode())
        odd = odd or _RUN_NAME.fullmatch(folded) is None
    return Prefilter(
        _always=always,
        _keys=frozenset(keys),
        _names=frozenset(found),
        _tunable=frozenset(name.casefold().encode() for name in tunable if name.isascii()),
        _odd=odd,
    )


def _folds(data: bytes) -> bool:
    """May the text hold a character whose casefolding is ASCII? (Bytes that are not UTF-8 are
    decoded with replacement characters, which do not fold to ASCII; but say yes.)"""
    try:
        return _FOLDING.search(data.decode("utf-8")) is not None
    except UnicodeDecodeError:
        return True


def has_coding_cookie(data: bytes) -> bool:
    """Does one of the first two lines name an encoding (PEP 263)?"""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    head = data if second < 0 else data[:second]
    return _COOKIE.search(head) is not None


def _decode(data: bytes) -> str:
    """The text as the parser decodes it (coding cookie, else UTF-8). Where the parser would
    fail there is no finding to miss, so any decoding will do."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    try:
        return codecs.decode(data, encoding, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _unescape(text: str) -> str:
    """Every backslash escape resolved, as in a non-raw string; unknown escapes are kept."""
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(_resolve, text)


def _resolve(match: re.Match[str]) -> str:
    body = match.group(1)
    head = body[0]
    if head in "xuU" and len(body) > 1:
        return chr(int(body[1:], 16)) if int(body[1:], 16) <= 0x10FFFF else match.group()
    if head == "N" and len(body) > 1:
        try:
            return unicodedata.lookup(body[2:-1])
        except KeyError:
            return match.group()
    if head in "01234567":
        return chr(int(body, 8))
    return _SIMPLE_ESCAPES.get(body, match.group())
