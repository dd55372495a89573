"""gitignore-style path patterns, used for `.gitignore` files outside git and for the
`include`, `exclude` and `per-file-ignores` settings.

Semantics follow gitignore(5): the last matching pattern wins; `!` negates; a trailing `/`
matches directories only; a pattern with a `/` at its start or middle is anchored to its base
folder, otherwise it matches at any depth; `*` and `?` never cross `/`; `**` does. A path inside
an ignored folder is ignored (a negation cannot re-include it, as in git).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


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
    """One line of a .gitignore file; None for blank lines and comments."""
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
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = glob.find("]", i + 2 if glob[i + 1: i + 2] in ("!", "^") else i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                inner = glob[i + 1: end]
                if inner[:1] in ("!", "^"):
                    inner = "^" + inner[1:]
                out.append("[" + inner.replace("\\", "\\\\") + "]")
                i = end
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


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
    """One regex matching a path (posix, relative to the root) when any of `patterns` does."""
    parts = [
        (re.escape(p.base) + "/" if p.base else "") + f"(?:{p.regex.pattern})" for p in patterns
    ]
    return re.compile("|".join(parts) if parts else "(?!)", re.DOTALL)
