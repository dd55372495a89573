"""`# modelguard: ignore` and `# modelguard: ignore[MG001, MG004]` comments: which rules a line
silences. One directive for every format; only the comment markers differ."""

from __future__ import annotations

import re
from collections.abc import Iterable

_DIRECTIVE = r"\s*modelguard:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?"
PYTHON_COMMENT = re.compile("#" + _DIRECTIVE)
# YAML/TOML/INI/.env `#`, JS/JSONC `//`, INI `;`, Markdown/HTML `<!--`.
TEXT_COMMENT = re.compile("(?:#|//|;|<!--)" + _DIRECTIVE)
# Source languages (scan.languages) search only their comment tokens, whatever the marker
# (`--`, `/*`, `#`, `//`).
IN_COMMENT = re.compile(r"(?<![\w:])" + _DIRECTIVE)


def unknown_codes(codes: frozenset[str] | None, known: Iterable[str]) -> list[str]:
    """The codes of an ignore comment that name no rule (a typo silences nothing), sorted."""
    return sorted(code for code in codes or () if code and code not in set(known))


def ignored_codes(comment: re.Match[str]) -> frozenset[str] | None:
    """The rule codes an ignore comment names; None when it names none (all rules)."""
    codes = comment.group(1)
    return None if codes is None else frozenset(c.strip().upper() for c in codes.split(","))
