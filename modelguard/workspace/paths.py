"""gitignore-style path patterns, used for `.gitignore` files outside git and for the
`include`, `exclude` and `per-file-ignores` settings.

Semantics follow gitignore(5): the last matching pattern wins; `!` negates; a trailing `/`
matches directories only; a pattern with a `/` at its start or middle is anchored to its base
folder, otherwise it matches at any depth; `*` and `?` never cross `/`; `**` does. A path inside
an ignored folder is ignored (a negation cannot re-include it, as in git).

A malformed pattern (an unclosed `[`, a reversed range `[z-a]`) raises PatternError: git's own
matcher never matches such a line, so `.gitignore` lines are dropped, settings are refused.
Matching uses `re`, whose backtracking is exponential in the number of `*` for a pattern such
as `*a*a*...*ab`; every `*` followed by a fixed part and another `*` is made atomic (the
earliest place the fixed part fits is always a right one there, as in `fnmatch`), so no
pattern backtracks more than linearly per `*`. (`pathspec` translates to `re` the same way as
before and takes longer than 20 s on the 30-star pattern.)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_GROUP = re.compile(r"(\(\?P[<=])(s\d+)")


class PatternError(ValueError):
    """A pattern that cannot be used; the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class Pattern:
    source: str  # as written
    base: str  # the folder it is relative to, posix, "" for the root
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool

    def matches(self, path: str, is_dir: bool) -> bool:
        """Does this pattern match `path` (posix, relative to the root) itself?"""
        if self.dir_only and not is_dir:
            return False
        if self.base:
            if not path.startswith(self.base + "/"):
                return False
            path = path[len(self.base) + 1:]
        return self.regex.fullmatch(path) is not None


def parse_pattern(line: str, base: str = "") -> Pattern | None:
    """One line of a .gitignore file; None for blank lines and comments. Raise PatternError
    for a malformed one."""
    text = line.rstrip("\n").rstrip("\r")
    # Trailing spaces are dropped unless escaped with a backslash.
    stripped = text.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(text):
        stripped += " "
    text = stripped
    if not text or text.startswith("#"):
        return None
    negate = text.startswith("!")
    if negate or text.startswith(("\\#", "\\!")):  # "\#name" and "\!name" are literal
        text = text[1:]
    dir_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/")
    body = _translate(text)
    if not anchored:
        body = "(?:.*/)?" + body
    return Pattern(line.strip(), base, re.compile(body, re.DOTALL), negate, dir_only)


_STAR = "[^/]*"


def _translate(glob: str) -> str:
    out: list[str] = []
    i = 0
    n = len(glob)
    while i < n:
        char = glob[i]
        if glob.startswith("**", i) and (i == 0 or glob[i - 1] == "/"):
            after = i + 2
            if after == n:  # "a/**": everything inside
                out.append(".*")
                i = after
                continue
            if glob[after] == "/":  # "**/a" or "a/**/b": zero or more folders
                out.append("(?:.*/)?")
                i = after + 1
                continue
        if char == "*":
            if out[-1:] != [_STAR]:  # "a**b" is "a*b"
                out.append(_STAR)
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            text, i = _class(glob, i)
            out.append(text)
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(_atomic(out))


def _class(glob: str, start: int) -> tuple[str, int]:
    """The regex for the bracket expression at `start`, and the position of its `]`. As in git,
    a `]` right after `[` (or `[!`) is a member, and `\\` escapes the next character."""
    i = start + 1
    negate = glob[i:i + 1] in ("!", "^")
    i += negate
    members: list[str] = []
    first = True
    while True:
        if i >= len(glob):
            raise PatternError(f"{glob!r}: unclosed '['")
        char = glob[i]
        if char == "]" and not first:
            break
        first = False
        if char == "\\" and i + 1 < len(glob):
            i += 1
            char = glob[i]
        if glob[i + 1:i + 2] == "-" and glob[i + 2:i + 3] not in ("", "]"):
            high = glob[i + 2]
            if high < char:
                raise PatternError(f"{glob!r}: reversed range '{char}-{high}'")
            members.append(f"{re.escape(char)}-{re.escape(high)}")
            i += 3
            continue
        members.append(re.escape(char))
        i += 1
    # A negated class never matches '/', like `*` and `?`.
    return ("[^/" if negate else "[") + "".join(members) + "]", i


def _atomic(pieces: list[str]) -> list[str]:
    """`pieces` with each `*` that is followed by fixed pieces and then another `*` made atomic
    (a lookahead finds the earliest fit, a backreference takes it): no backtracking into it."""
    stars = [at for at, piece in enumerate(pieces) if piece == _STAR]
    out = list(pieces)
    for number, (at, following) in enumerate(itertools.pairwise(stars)):
        middle = pieces[at + 1:following]
        if not middle or any(p.startswith(("(?:", ".*")) for p in middle):
            continue  # a "**" between: leave it to the regex engine
        out[at] = f"(?=(?P<s{number}>[^/]*?{''.join(middle)}))(?P=s{number})"
        for inner in range(at + 1, following):
            out[inner] = ""
    return out


@dataclass(frozen=True, slots=True)
class PathSpec:
    """An ordered list of patterns; the last one matching a path decides."""

    patterns: tuple[Pattern, ...] = ()
    # Without negations the order does not matter: one regex per kind of path (files, folders)
    # answers for all the patterns at once. None when some pattern negates.
    _any: tuple[re.Pattern[str], re.Pattern[str]] | None = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        combined = None
        if not any(p.negate for p in self.patterns):
            combined = (_alternation(p for p in self.patterns if not p.dir_only),
                        _alternation(self.patterns))
        object.__setattr__(self, "_any", combined)

    @classmethod
    def from_lines(cls, lines: Iterable[str], base: str = "") -> PathSpec:
        found = (parse_pattern(line, base) for line in lines)
        return cls(tuple(p for p in found if p is not None))

    def __add__(self, other: PathSpec) -> PathSpec:
        return PathSpec(self.patterns + other.patterns)

    def decides(self, path: str, is_dir: bool) -> bool | None:
        """True (matched), False (re-included by a negation) or None (no pattern matched)."""
        if self._any is not None:
            return True if self._any[is_dir].fullmatch(path) is not None else None
        verdict: bool | None = None
        for pattern in self.patterns:
            if pattern.matches(path, is_dir):
                verdict = not pattern.negate
        return verdict

    def matches(self, path: str, is_dir: bool = False) -> bool:
        """Is `path` matched, itself or through one of its folders?"""
        parts = path.split("/")
        for depth in range(1, len(parts)):
            if self.decides("/".join(parts[:depth]), True):
                return True
        return bool(self.decides(path, is_dir))


def _alternation(patterns: Iterable[Pattern]) -> re.Pattern[str]:
    """One regex matching a path (posix, relative to the root) when any of `patterns` does;
    the atomic groups of each are renamed apart."""
    parts = [
        (re.escape(p.base) + "/" if p.base else "")
        + "(?:" + _GROUP.sub(rf"\g<1>p{number}\g<2>", p.regex.pattern) + ")"
        for number, p in enumerate(patterns)
    ]
    return re.compile("|".join(parts) if parts else "(?!)", re.DOTALL)
