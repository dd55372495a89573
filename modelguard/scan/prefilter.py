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
- Then every "atom" of N (its maximal runs of ASCII letters and digits) is a whole atom of the
  lowered file. Stage 1 looks for one atom per name, its key, in the file's atoms, which
  CPython splits out and hashes at C speed (`bytes.translate`, `split`, a frozenset
  intersection); a regex over hundreds of names is ~10x slower. Keys are the atoms least
  common in real code (see `_COMMON_IN_CODE`), so stage 2 seldom runs; any choice is correct.
- The id grammar (`index.ModelIndex.lookup`, registry/SCHEMA.md) keeps this shape: a prefix,
  known or not, and a region qualifier end in `/`, `:` or `.`, so N still starts after a byte
  that is no letter or digit; a dated spelling (`claude-3-5-sonnet@20240620`) is a name of its
  own (`index.build_index` lists it); and the one form with text after the id, a fine-tune
  (`ft:gpt-3.5-turbo-0613:acme::8abc`), has a `:` right after it. So stage 2 also accepts a
  name of a provider with fine-tunes (`tunable`) ending at any `:` of its run (`_ends_run`,
  `_stands`).
- Stage 2 goes to each whole-atom occurrence of a key found (`bytes.find`), takes the run of
  token bytes around it, strips the trailing characters and tests exactly the suffixes above
  against the set of names. That is the condition the scanner needs, no looser, and costs
  time per occurrence of a key, not per name sharing it.
- A literal can spell an id in ways the raw bytes do not show: escapes (`"gpt\\x2d4"`, a
  backslash-newline inside the string), non-ASCII characters that casefold to ASCII (U+017F
  long s → `s`, U+212A Kelvin sign → `k`), or an encoding named by a coding cookie. A file with
  any of these (such a character, such an escape, a cookie) that failed the fast test is
  decoded and tested again where it differs: each run of token characters around such an
  escape or character is unescaped and casefolded and goes through stages 1 and 2 (see
  `_changed_runs`). A name the fast stages did not see must touch one of those changes, so
  it lies in one of those runs. A file with a cookie (its bytes are not its text) is
  unescaped and casefolded whole. Other non-ASCII characters change nothing: stage 1 reads
  each of their bytes as a separator, and casefolded they stay non-ASCII, separators too.
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
from dataclasses import dataclass

# Letters and digits, lowercased; every other byte (non-ASCII included) becomes a space.
_ATOM_TABLE = bytes(
    (c | 0x20 if 0x41 <= c <= 0x5A else c) if chr(c).isascii() and chr(c).isalnum() else 0x20
    for c in range(256)
)
# Token bytes (index._TOKEN's class), lowercased; every other byte becomes a space.
_RUN_TABLE = bytes(
    (c | 0x20 if 0x41 <= c <= 0x5A else c)
    if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "._:@/+-") else 0x20
    for c in range(256)
)
_TRAILING = b".:/@+-"  # index._TRAILING
_ATOM = re.compile(r"[a-z0-9]+")
_RUN_NAME = re.compile(r"[a-z0-9._:@/+-]*[a-z0-9_]")  # a name stage 2 can find in a run
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
    _keys: frozenset[bytes]
    _names: frozenset[bytes]  # every name but those in _odd
    # key atom → names stage 2 cannot find in a run (a byte outside the token class, or a
    # trailing character at the end): tested with `_stands` instead
    _odd: dict[bytes, tuple[bytes, ...]]
    _longest: int  # the length of the longest name in _names
    # Names a fine-tune's own name may follow after a ':' (ft:gpt-3.5-turbo-0613:acme::8abc).
    _tunable: frozenset[bytes] = frozenset()

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
        if (isinstance(source, bytes) and has_coding_cookie(data)) or self._odd:
            # Another encoding changes the text everywhere; odd names are searched as
            # written, not as runs: test the whole text, unescaped and casefolded.
            text = source if isinstance(source, str) else _decode(data)
            return self._matches(_unescape(text).casefold().encode("ascii", "replace"))
        text = source if isinstance(source, str) else _decode(data)
        return self._matches(_changed_runs(text))

    def key_atoms(self, text: str) -> tuple[str, ...] | None:
        """The key atoms standing as atoms in `text`: a name written out plainly (ASCII, no
        backslash) in any part of `text` holds one of them. None when names without atoms make
        every text a candidate."""
        if self._always:
            return None
        data = text.encode("utf-8", "surrogatepass")
        keys = self._keys.intersection(data.translate(_ATOM_TABLE).split())
        return tuple(sorted(key.decode() for key in keys))

    def _matches(self, data: bytes) -> bool:
        keys = self._keys.intersection(data.translate(_ATOM_TABLE).split())
        if not keys:
            return False
        runs = data.translate(_RUN_TABLE)  # lowered, and a space wherever a run ends
        for key in keys:
            odd = self._odd.get(key)
            if odd and any(_stands(data.lower(), name, name in self._tunable) for name in odd):
                return True
            at = runs.find(key)
            while at >= 0:
                end = at + len(key)
                if (at == 0 or runs[at - 1] not in _WORD_BYTES) and self._ends_run(runs, at, end):
                    return True
                at = runs.find(key, end)
        return False

    def _ends_run(self, runs: bytes, at: int, end: int) -> bool:
        """Is a name, holding the atom at `runs[at:end]`, a suffix of its run of token bytes
        (trailing characters stripped) that starts after a byte that is no letter or digit?"""
        longest = self._longest
        # The run with its trailing characters stripped must end within `longest` of `at`.
        tail = runs[end : at + longest].split(b" ", 1)[0]
        stop = end + len(tail.rstrip(_TRAILING))
        if _CONTINUES.match(runs, stop) is None and self._ends_at(runs, at, stop, self._names):
            return True
        if not self._tunable:
            return False
        # A fine-tune's own name follows its base id after a ':' (ft:gpt-3.5-turbo-0613:acme::8abc).
        # The ':' may stand right after the longest name, one byte past `tail`.
        window = runs[end : at + longest + 1].split(b" ", 1)[0]
        colon = window.find(b":")
        while colon >= 0:
            if self._ends_at(runs, at, end + colon, self._tunable):
                return True
            colon = window.find(b":", colon + 1)
        return False

    def _ends_at(self, runs: bytes, at: int, stop: int, names: frozenset[bytes]) -> bool:
        """Is `runs[start:stop]` one of `names` for a `start` at or before `at` that follows a
        byte that is no letter or digit (or starts the run)?"""
        longest = self._longest
        space = runs.rfind(b" ", max(0, stop - longest - 1), at)
        first = space + 1  # where the run starts, when it starts at or after stop - longest - 1
        for start in range(max(first, stop - longest), at + 1):
            if (start == first or runs[start - 1] not in _WORD_BYTES) and (
                runs[start:stop] in names
            ):
                return True
        return False


def _stands(lowered: bytes, name: bytes, tunable: bool) -> bool:
    """`name` occurs in `lowered` with no letter or digit before it and no token going on (or,
    when `tunable`, a ':' and a fine-tune's own name after it)."""
    at = lowered.find(name)
    while at >= 0:
        after = at + len(name)
        if (at == 0 or lowered[at - 1] not in _WORD_BYTES) and (
            _CONTINUES.match(lowered, after) is None
            or (tunable and lowered[after : after + 1] == b":")
        ):
            return True
        at = lowered.find(name, at + 1)
    return False


# The escapes that can put a letter or digit into a literal's value, or join two lines of it.
_SPELLING_ESCAPES = frozenset("xuUN01234567\r\n")
_IN_RUN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:@/+-")


def _changed_runs(text: str) -> bytes:
    """The stretches of the unescaped, casefolded text that differ from what the fast stages
    read, one per line: each run of token characters around an escape that can spell a
    name (see _SPELLING_ESCAPES) or a character whose casefolding is ASCII.

    Why that is enough: a name found in the whole unescaped, casefolded text that touches no
    such change (neither it, nor the run it ends, nor what follows it up to the end of that
    run) stands in the file's own bytes the same way, and the fast stages already said no.
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
    odd: dict[bytes, set[bytes]] = {}
    always = False
    for name in names:
        folded = name.casefold()
        atoms = set(_ATOM.findall(folded))
        if not atoms or not folded.isascii():
            always = True  # nothing a file could be tested for
            continue
        key = _key(atoms).encode()
        keys.add(key)
        if _RUN_NAME.fullmatch(folded):
            found.add(folded.encode())
        else:
            odd.setdefault(key, set()).add(folded.encode())
    return Prefilter(
        _always=always,
        _keys=frozenset(keys),
        _names=frozenset(found),
        _odd={key: tuple(sorted(group)) for key, group in odd.items()},
        _longest=max(map(len, found), default=0),
        _tunable=frozenset(name.casefold().encode() for name in tunable if name.isascii()),
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
