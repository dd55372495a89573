"""Recorded HTTP traffic (VCR cassettes) and test snapshots: what a server once answered. Their
ids are reported with their rule, so a team sees which recordings name dead models, but never
rewritten: a rewritten cassette no longer matches the request it replays."""

from __future__ import annotations

import pytest

from modelguard.findings import FixSafety
from modelguard.registry.index import ModelIndex
from modelguard.scan import RECORDING_NOTE, ScanSettings, is_recording, scan_source
from tests.conftest import AFTER


@pytest.mark.parametrize(("path", "expected"), [
    pytest.param("tests/cassettes/test_chat.yaml", True, id="vcr-cassette"),
    pytest.param("tests/llms/cassettes/nested/run.json", True, id="nested-cassette"),
    pytest.param("tests/__snapshots__/test_dump.ambr", True, id="syrupy-snapshot"),
    pytest.param("tests/unit/test_dump.ambr", True, id="ambr-anywhere"),
    pytest.param("C:\\repo\\tests\\cassettes\\x.yaml", True, id="windows-separators"),
    pytest.param("tests/test_chat.py", False, id="test-code"),
    pytest.param("cassettes.py", False, id="file-named-like-the-folder"),
    pytest.param("app/cassettes_config.yaml", False, id="folder-name-must-match-whole"),
])
def test_is_recording(path: str, expected: bool) -> None:
    assert is_recording(path) is expected


@pytest.mark.parametrize(("path", "source", "expected_fix", "noted"), [
    pytest.param("tests/cassettes/chat.yaml", 'body: {"model": "gpt-4.5-preview"}\nmodel: gpt-4.5-preview\n',
                 FixSafety.NONE, True, id="cassette-reported-never-fixed"),
    pytest.param("tests/cassettes/test_x.py", 'MODEL = "gpt-4.5-preview"\n',
                 FixSafety.NONE, True, id="python-in-a-cassette-folder"),
    pytest.param("tests/config.yaml", "model: gpt-4.5-preview\n",
                 FixSafety.SAFE, False, id="ordinary-config-still-safe"),
])
def test_recorded_ids_are_reported_not_fixed(index: ModelIndex, path: str, source: str,
                                             expected_fix: FixSafety, noted: bool) -> None:
    found = scan_source(path, source, index, ScanSettings(AFTER))
    assert found
    for finding in found:
        assert finding.rule.code == "MG001"
        assert finding.fix is expected_fix
        assert finding.message.endswith(RECORDING_NOTE) is noted
