"""The rule docs' examples are real: each Example triggers its rule, and Use instead is the fix."""

from __future__ import annotations

import datetime as dt

import pytest

from modelguard.registry.index import ModelIndex
from modelguard.ruledocs import DOCS
from modelguard.scan import ScanSettings, scan_source
from tests.conftest import AFTER, DURING


@pytest.mark.parametrize(
    ("code", "as_of"),
    [
        pytest.param("MG001", AFTER, id="MG001"),
        pytest.param("MG002", dt.date(2024, 8, 1), id="MG002"),
        pytest.param("MG003", DURING, id="MG003"),
        pytest.param("MG004", AFTER, id="MG004"),
    ],
)
def test_example_triggers_the_rule_and_use_instead_is_its_replacement(
    index: ModelIndex, code: str, as_of: dt.date
) -> None:
    doc = DOCS[code]
    (finding,) = scan_source("example.py", doc.example + "\n", index, ScanSettings(as_of))
    assert finding.rule.code == code
    assert finding.replacement is not None
    assert doc.example.replace(finding.model, finding.replacement) == doc.use_instead
    assert scan_source("example.py", doc.use_instead + "\n", index, ScanSettings(as_of)) == ()
