"""The byte-level prefilter: can this file contain a known id at all?

It answers on raw bytes, before any decoding or parsing, and may answer "maybe" too often but
never "no" for a file in which the scanner would find an id. Why that holds:

- The scanner matches a string literal whose value, casefolded, is a name (after an optional
  routing prefix), and ASCII words in comments and text. Either way the name stands in the text
  with no ASCII letter or digit directly before or after it: a quote, a routing prefix's `/`,
  or a non-word character is there instead.
- So every "atom" of the name (its maximal runs of ASCII letters and digits) is also a whole
  atom of the lowercased file. Stage 1 tests exactly that with a set of the file's atoms, which
  CPython builds at C speed (`bytes.translate` + `split`); a regex over hundreds of names is
  ~50x slower on this step.
- Stage 2, on the few files that pass, looks for the names whose atoms are all present
  (`bytes.find`) and checks that one stands with those boundaries (`gpt` and `4` in different
  places do not make `gpt-4`). No regex over all names is built: compiling one costs more than
  a small scan.
- A literal can spell an id in ways the raw bytes do not show: escapes (`"gpt\\x2d4"`, a
  backslash-newline inside the string), non-ASCII characters that casefold to ASCII (U+017F
  long s → `s`, U+212A Kelvin sign → `k`), or an encoding named by a coding cookie. A file with
  any of these (non-ASCII bytes, such an escape, a cookie) that failed the fast test is
  decoded, unescaped and casefolded, then tested again. That is slow, and rare.
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
_ATOM = re.compile(r"[a-z0-9]+")
_ESCAPE = re.compile(rb"\\[xuUN0-7\r\n]")
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


@dataclass(frozen=True)
class Prefilter:
    _always: bool  # some name has no ASCII atom to look for: every file is a candidate
    _keys: frozenset[bytes]
    # key atom → (the other atoms of some names, those names)
    _rests: dict[bytes, tuple[tuple[frozenset[bytes], tuple[bytes, ...]], ...]]

    def may_contain(self, source: bytes | str) -> bool:
        """False only when no name can be found in `source` (bytes as read, or decoded text)."""
        if self._always:
            return True
        data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
        if self._matches(data.translate(_ATOM_TABLE), data.lower()):
            return True
        if isinstance(source, str):
            if source.isascii() and _ESCAPE.search(data) is None:
                return False
            text = source
        else:
            if data.isascii() and _ESCAPE.search(data) is None and not _has_cookie(data):
                return False
            text = _decode(data)
        folded = _unescape(text).casefold().encode("ascii", "replace")
        return self._matches(folded.translate(_ATOM_TABLE), folded)

    def _matches(self, atoms: bytes, lowered: bytes) -> bool:
        words = atoms.split()
        keys = self._keys.intersection(words)  # hashes each word once, builds no big set
        if not keys:
            return False
        present = set(words)
        return any(
            _stands(lowered, name)
            for key in keys
            for rest, names in self._rests[key]
            if rest <= present
            for name in names
        )


def _stands(lowered: bytes, name: bytes) -> bool:
    """`name` occurs in `lowered` with no letter or digit before it and no token going on."""
    at = lowered.find(name)
    while at >= 0:
        if (at == 0 or lowered[at - 1] not in _WORD_BYTES) and _CONTINUES.match(
            lowered, at + len(name)
        ) is None:
            return True
        at = lowered.find(name, at + 1)
    return False


def build_prefilter(names: Iterable[str]) -> Prefilter:
    """A prefilter for ids written as any of `names` (casefolded, routed forms included)."""
    groups: dict[bytes, dict[frozenset[bytes], set[bytes]]] = {}
    always = False
    for name in names:
        folded = name.casefold()
        atoms = {a.encode() for a in _ATOM.findall(folded)}
        if not atoms or not folded.isascii():
            always = True  # nothing a file could be tested for
            continue
        key = max(sorted(atoms), key=len)
        groups.setdefault(key, {}).setdefault(frozenset(atoms - {key}), set()).add(folded.encode())
    return Prefilter(
        _always=always,
        _keys=frozenset(groups),
        _rests={
            key: tuple((rest, tuple(sorted(group[rest]))) for rest in sorted(group, key=sorted))
            for key, group in groups.items()
        },
    )


def _has_cookie(data: bytes) -> bool:
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
