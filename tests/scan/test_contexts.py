"""Every example declared in the context table is classified as that context."""

from __future__ import annotations

import pytest

from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings, scan_source
from modelguard.scan.contexts import CONTEXTS, Context, names_a_model
from tests.conftest import AFTER

EXAMPLES = [
    pytest.param(context, example, id=f"{context.name}-{number}")
    for context in CONTEXTS
    for number, example in enumerate(context.examples)
]


@pytest.mark.parametrize(("context", "example"), EXAMPLES)
def test_context_examples(index: ModelIndex, context: Context, example: str) -> None:
    (finding,) = [
        f for f in scan_source("t.py", example, index, ScanSettings(AFTER))
        if f.model == "gpt-4.5-preview"
    ]
    assert (finding.context, finding.fix) == (context.name, context.fix)


def test_every_context_has_examples() -> None:
    assert all(context.examples for context in CONTEXTS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("model", True),
        ("MODEL", True),
        ("model_name", True),
        ("DEFAULT_MODEL", True),
        ("modelName", True),
        ("chatModelId", True),
        ("engine", True),
        ("azure_deployment", True),
        ("OPENAI_MODEL", True),
        ("label", False),
        ("modeling", False),
        ("remodel", False),
        ("models", False),
    ],
)
def test_names_a_model(name: str, expected: bool) -> None:
    assert names_a_model(name) is expected
