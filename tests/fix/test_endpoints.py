"""Replacements on another endpoint are manual migrations: reported with the endpoints in every
format that shows the replacement, never rewritten by `fix` (not even with --unsafe-fixes).

The registry is tests/fixtures/registry-endpoints (real facts): code-davinci-002 (completions)
→ gpt-4o (chat, responses); davinci (completions) → davinci-002 (completions, shut down
2026-09-28) → gpt-5.6-terra (chat, responses); text-search-ada-doc-001 → text-embedding-3-small
(both embeddings); tts-1 (audio.speech) → gpt-realtime-2.1-mini (realtime).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from modelguard.api import Selection, collect
from modelguard.findings import Scanned, manual_migration
from modelguard.fix.plan import FixedSource, plan_fixes
from modelguard.fix.run import fix_source
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.report import OutputFormat, render
from modelguard.report.model import FailOn
from modelguard.scan import ScanSettings, scan_source
from tests.conftest import FIXTURES, run_cli, snapshot

REGISTRY = FIXTURES / "registry-endpoints"
BEFORE_DAVINCI_002 = date(2025, 1, 1)  # davinci-002 still serves: davinci stays on completions
LATER = date(2027, 2, 1)  # davinci-002 and tts-1 shut down


@pytest.fixture(scope="module")
def index() -> ModelIndex:
    return build_index(load_registry(REGISTRY))


@pytest.mark.parametrize(("endpoints", "replacement", "expected"), [
    pytest.param(("completions",), ("chat", "responses"), "completions → chat, responses", id="disjoint"),
    pytest.param(("chat", "responses"), ("responses",), None, id="shared"),
    pytest.param((), ("chat",), None, id="model-unknown"),
    pytest.param(("completions",), (), None, id="replacement-unknown"),
])
def test_manual_migration_is_a_replacement_sharing_no_endpoint(
    endpoints: tuple[str, ...], replacement: tuple[str, ...], expected: str | None
) -> None:
    assert manual_migration(endpoints, replacement) == expected


# (source, as-of, manual migration reported); `fix` leaves every one of them byte-identical,
# with and without --unsafe-fixes
MANUAL = [
    pytest.param('m = "code-davinci-002"\n', LATER, "completions → chat, responses", id="completions-to-chat"),
    pytest.param('client.completions.create(model="code-davinci-002")\n', LATER, "completions → chat, responses", id="model-keyword"),
    pytest.param('if name == "code-davinci-002":\n    pass\n', LATER, "completions → chat, responses", id="unsafe-context"),
    # The replacement is the one followed at scan time: davinci-002 is retired by then.
    pytest.param('model = "davinci"\n', LATER, "completions → chat, responses", id="chain-leaves-completions"),
    pytest.param('voice = client.audio.speech.create(model="tts-1")\n', LATER, "audio.speech → realtime", id="speech-to-realtime"),
]


@pytest.mark.parametrize(("source", "as_of", "migration"), MANUAL)
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe-fixes"])
def test_manual_migrations_are_never_rewritten(index: ModelIndex, source: str, as_of: date,
                                               migration: str, unsafe: bool) -> None:
    outcome = fix_source(source, index, ScanSettings(as_of), allow_unsafe=unsafe)
    assert isinstance(outcome, FixedSource)
    assert outcome.source == source.encode()
    [finding] = outcome.findings
    assert finding.manual_migration == migration
    assert not finding.rewritable
    [note] = outcome.plan.skipped
    assert note.reason.startswith(f"manual migration: `{finding.replacement}` is served on "
                                  f"another endpoint ({migration})")


# (source, as-of, fixed; `davinci` is a plain word: found in model slots only): a replacement on one of the model's own endpoints is still rewritten
SAME_ENDPOINT = [
    pytest.param('model = "davinci"\n', BEFORE_DAVINCI_002, 'model = "davinci-002"\n', id="completions-to-completions"),
    pytest.param('e = client.embeddings.create(model="text-search-ada-doc-001")\n', LATER, 'e = client.embeddings.create(model="text-embedding-3-small")\n', id="embeddings"),
    pytest.param('MODEL = "gpt-4-32k"\n', LATER, 'MODEL = "gpt-4o"\n', id="chat-default-endpoints"),
]


@pytest.mark.parametrize(("source", "as_of", "fixed"), SAME_ENDPOINT)
def test_same_endpoint_replacements_are_still_fixed(index: ModelIndex, source: str,
                                                    as_of: date, fixed: str) -> None:
    outcome = fix_source(source, index, ScanSettings(as_of))
    assert isinstance(outcome, FixedSource)
    assert outcome.source.decode() == fixed
    assert all(f.manual_migration is None for f in outcome.findings)


def test_plan_skips_manual_migrations_even_with_unsafe_fixes(index: ModelIndex) -> None:
    findings = scan_source("a.py", 'A = "code-davinci-002"\nB = "gpt-4-32k"\n', index,
                           ScanSettings(LATER))
    plan = plan_fixes(findings, allow_unsafe=True)
    assert [e.new for e in plan.edits] == ["gpt-4o"]
    assert [s.finding.model for s in plan.skipped] == ["code-davinci-002"]


SOURCE = 'client.completions.create(model="code-davinci-002")\n'
SAID = "manual migration: completions → chat, responses"


@pytest.mark.parametrize("fmt", [
    OutputFormat.TEXT, OutputFormat.JSON, OutputFormat.SARIF, OutputFormat.GITHUB,
    OutputFormat.MARKDOWN, OutputFormat.JUNIT, OutputFormat.JSON_LINES,
], ids=lambda f: f.value)
def test_every_format_showing_the_replacement_says_manual_migration(
    index: ModelIndex, fmt: OutputFormat
) -> None:
    settings = ScanSettings(LATER)
    report = collect([Scanned("app.py", scan_source("app.py", SOURCE, index, settings))],
                     index, settings, FailOn.RETIRED, Selection())
    rendered = render(report, fmt)
    if fmt in (OutputFormat.JSON, OutputFormat.JSON_LINES):
        line = rendered if fmt is OutputFormat.JSON else rendered.splitlines()[0]
        item = json.loads(line)
        item = item["findings"][0] if fmt is OutputFormat.JSON else item
        assert (item["endpoints"], item["replacement_endpoints"], item["manual_migration"]) == (
            ["completions"], ["chat", "responses"], "completions → chat, responses")
    else:
        assert SAID in rendered
    if fmt is OutputFormat.SARIF:  # a SARIF fix is applied by tools: none is offered
        assert "fixes" not in json.loads(rendered)["runs"][0]["results"][0]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "endpoints"
    shutil.copytree(FIXTURES / "projects" / "endpoints", root)
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("unsafe", [[], ["--unsafe-fixes"]], ids=["safe", "unsafe-fixes"])
def test_fix_leaves_manual_migrations_and_says_why(project: Path, unsafe: list[str]) -> None:
    before = snapshot(project)
    result = run_cli("fix", "--registry", str(REGISTRY), "--as-of", LATER.isoformat(), *unsafe,
                     ".")
    after = snapshot(project)
    # app.py: gpt-4-32k and the embeddings model are rewritten; settings.yaml names only
    # models whose replacements are on another endpoint, so not one byte changes.
    assert {name for name in before if before[name] != after[name]} == {"app.py"}
    app = (project / "app.py").read_text()
    assert app.count('"code-davinci-002"') == 2
    assert 'model="gpt-4o"' in app and 'model="text-embedding-3-small"' in app
    assert ("settings.yaml:2:15: note: `tts-1` not rewritten: manual migration: "
            "`gpt-realtime-2.1-mini` is served on another endpoint (audio.speech → realtime)"
            in result.stderr)
    assert result.exit_code == 1  # the manual migrations still fail the run
