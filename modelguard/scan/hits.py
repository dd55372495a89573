"""What a format scanner reports before the lifecycle is applied: an id, where, and how it may
be fixed. Shared by every format so findings are built in one place."""

from __future__ import annotations

from dataclasses import dataclass

from modelguard.findings import FixSafety
from modelguard.registry.index import Match, ModelIndex
from modelguard.scan.contexts import settle


@dataclass(frozen=True, slots=True)
class Span:
    """1-based lines and columns; the end column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Hit:
    span: Span
    written: str
    match: Match
    fix: FixSafety
    context: str
    # The lines of the whole literal or comment holding the id: a suppression comment on any
    # of them applies (a mention inside a triple-quoted string is silenced after its close).
    lines: tuple[int, int] = (0, 0)

    @property
    def suppressible_lines(self) -> set[int]:
        return {self.span.line, self.span.end_line, *self.lines} - {0}


# line → rule codes ignored on it (None: every rule)
Suppressions = dict[int, frozenset[str] | None]


def mention_hits(text: str, start: Span, index: ModelIndex) -> list[Hit]:
    """Ids standing as words inside `text`, located precisely; `text` begins at `start`."""
    hits = []
    for token in index.tokens(text):
        if settle(token.text, token.match, FixSafety.NONE, model_slot=False) is None:
            continue  # `O1` in prose is an order id, not `o1`
        line_offset = text.count("\n", 0, token.start)
        line_start = text.rfind("\n", 0, token.start) + 1
        column = token.start - line_start + (start.column if line_offset == 0 else 1)
        line = start.line + line_offset
        span = Span(line, column, line, column + (token.end - token.start))
        hits.append(
            Hit(span, token.text, token.match, FixSafety.NONE, "text", (start.line, start.end_line))
        )
    return hits
