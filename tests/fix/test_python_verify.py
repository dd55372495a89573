"""The check a Python rewrite must pass before it is written: a result that differs from the
source anywhere but in the planned literals, or in which a planned literal does not read its
replacement, is refused. Each row breaks the span rewrite (as a bug in it would) and names the
check that must catch it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from modelguard.fix import python as fix_python
from modelguard.fix.plan import FixedSource, FixError, FixPlan, apply_fixes
from modelguard.fix.run import fix_source
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from tests.conftest import AFTER

SOURCE = ('client.chat.completions.create(model="gpt-4.5-preview")  # was "a"\n'
          'x = "b"\n')

BROKEN: list[tuple[Callable[[str], str], str]] = [
    (lambda text: text.replace("x = ", "y = "), "the code after the last literal changed"),
    (lambda text: text.replace("create(", "make("), "the code between the literals changed"),
    (lambda text: text.replace('"gpt-4.1"', '"gpt-4.1", "c"'), "the file's tokens changed"),
    (lambda text: text.replace('"gpt-4.1"', "'gpt-4.1' # "),
     "the code after the last literal changed"),
    (lambda text: text.replace('"gpt-4.1"', '"gpt-4.2"'), "the new literal does not read"),
    (lambda text: text.replace('"gpt-4.1"', 'b"gpt-4.1\\xff"'), "the new literal does not read"),
    (lambda text: text.replace('"gpt-4.1"', '"gpt-4.1" if 1 else ""'),
     "the file's tokens changed"),
]


def test_the_unbroken_rewrite_passes(index: ModelIndex) -> None:
    outcome = fix_source(SOURCE, index, ScanSettings(AFTER))
    assert isinstance(outcome, FixedSource) and b'"gpt-4.1"' in outcome.source


@pytest.mark.parametrize(("broken", "reason"), BROKEN)
def test_a_broken_rewrite_is_refused(index: ModelIndex, monkeypatch: pytest.MonkeyPatch,
                                     broken: Callable[[str], str], reason: str) -> None:
    def breaking(text: str, plan: FixPlan) -> str:
        return broken(apply_fixes(text, plan))

    monkeypatch.setattr(fix_python, "apply_fixes", breaking)
    outcome = fix_source(SOURCE, index, ScanSettings(AFTER))
    assert isinstance(outcome, FixError)
    assert outcome.message.startswith("verification failed, file left unchanged: ")
    assert reason in outcome.message


@pytest.mark.parametrize("head", ["", "# -*- coding: utf-8 -*-\n"], ids=["lexed", "codemod"])
def test_a_renamed_keyword_that_repeats_another_is_refused(
        monkeypatch: pytest.MonkeyPatch, head: str) -> None:
    """A rename is checked by compiling the result (the parser reads a repeated keyword): here
    the plan (broken on purpose) renames `max_tokens` to `model`, which the call already
    passes. A coding cookie sends the module down the libcst path."""
    import dataclasses

    from modelguard.registry.index import build_index
    from modelguard.registry.load import load_registry
    from tests.conftest import FIXTURES

    facts = build_index(load_registry(FIXTURES / "registry-parameters"))
    source = head + 'client.chat.completions.create(model="o1-preview", max_tokens=5)\n'
    planned = FixPlan.without

    def repeating(plan: FixPlan, dropped: object) -> FixPlan:
        kept = planned(plan, dropped)  # type: ignore[arg-type]
        return dataclasses.replace(kept, edits=tuple(
            dataclasses.replace(edit, new="model") if edit.old == "max_tokens" else edit
            for edit in kept.edits))

    monkeypatch.setattr(FixPlan, "without", repeating)
    outcome = fix_source(source, facts, ScanSettings(AFTER))
    assert isinstance(outcome, FixError)
    assert "the result does not compile (keyword argument repeated" in outcome.message
