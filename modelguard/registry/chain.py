"""The one walk down `replacement` links: validation, the index's replacement and `registry
show` all follow a model's successors the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class Linked(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def replacement(self) -> str | None: ...


E = TypeVar("E", bound=Linked)


@dataclass(frozen=True)
class Chain(Generic[E]):
    """`start`'s successors in order, and the entry the last link points back to when the
    chain loops (None when it ends: no replacement, or one `lookup` does not know)."""

    start: E
    successors: tuple[E, ...]
    loops_to: E | None


def follow(start: E, lookup: Callable[[str], E | None]) -> Chain[E]:
    walked: list[E] = []
    seen = {start.id}
    current = start
    while current.replacement is not None:
        nxt = lookup(current.replacement)
        if nxt is None:
            break
        if nxt.id in seen:
            return Chain(start, tuple(walked), nxt)
        walked.append(nxt)
        seen.add(nxt.id)
        current = nxt
    return Chain(start, tuple(walked), None)
