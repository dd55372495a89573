"""`modelguard fix --verify`: each replacement is smoke-called on the fake provider (127.0.0.1)
first; files moving to a replacement that did not answer are not rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from modelguard.cli.main import cli
from tests.smoke.fake_provider import KEY, FakeProvider

# Old ids whose replacements are the fake provider's scenarios (see fake_provider.SCENARIOS).
PROVIDER = '''provider = "openai"
name = "OpenAI"
prefixes = ["openai/"]
''' + "".join(f'''
[[models]]
id = "{old}"
announced = 2024-01-01
shutdown = 2024-06-01
replacement = "{new}"
source = "https://example.com/deprecations"

[[models]]
id = "{new}"
''' for old, new in [("old-live", "live-model"), ("old-gone", "retired-model"),
                     ("old-reasoning", "reasoning-model"), ("old-swapped", "swapped-model")])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "registry.toml").write_text('schema = 1\nversion = "2000.01.01-test"\n')
    (registry / "openai.toml").write_text(PROVIDER)
    root = tmp_path / "app"
    root.mkdir()
    (root / "live.py").write_text('MODEL = "old-live"\n')
    (root / "gone.yaml").write_text("model: old-gone\n")
    (root / "both.json").write_text('{"model": "old-live", "fallback_model": "old-gone"}\n')
    monkeypatch.chdir(root)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return registry


def fix(registry: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["fix", "--registry", str(registry), "--as-of", "2025-01-01", *args],
        catch_exceptions=False,
    )


def test_only_files_whose_replacements_answered_are_rewritten(fake: FakeProvider,
                                                             project: Path) -> None:
    result = fix(project, "--verify", "--base-url", fake.base_url, ".")
    assert result.exit_code == 1
    assert Path("live.py").read_text() == 'MODEL = "live-model"\n'
    assert Path("gone.yaml").read_text() == "model: old-gone\n"
    assert Path("both.json").read_text() == '{"model": "old-live", "fallback_model": "old-gone"}\n'
    assert (fake.count("live-model"), fake.count("retired-model")) == (1, 1)  # once per target
    assert ("modelguard: --verify: retired-model (openai) did not answer; not rewriting "
            "both.json, gone.yaml") in result.stderr
    assert "verify: failed  openai retired-model (chat): HTTP 404 model_not_found" in result.stderr
    assert "Rewriting live.py" in result.stderr
    assert "gone.yaml:1:8: note: `old-gone` not rewritten: --verify:" in result.stderr
    assert KEY not in result.output


def test_all_answered_rewrites_everything(fake: FakeProvider, project: Path) -> None:
    Path("gone.yaml").unlink()
    Path("both.json").write_text('{"model": "old-reasoning", "other_model": "old-swapped"}\n')
    result = fix(project, "--verify", "--base-url", fake.base_url, ".")
    assert result.exit_code == 1  # files were rewritten
    assert Path("both.json").read_text() == '{"model": "reasoning-model", "other_model": "swapped-model"}\n'
    assert "modelguard: --verify:" not in result.stderr
    assert "but grok-4 answered, not swapped-model" in result.stderr  # worked, with a warning
    again = fix(project, "--verify", "--base-url", fake.base_url, ".")
    assert again.exit_code == 0, again.stderr
    assert fake.count("live-model") == 1  # nothing left to verify: no second call


def test_diff_with_verify_shows_only_verified_files(fake: FakeProvider, project: Path) -> None:
    result = fix(project, "--verify", "--base-url", fake.base_url, "--diff", ".")
    assert result.exit_code == 1
    assert "+++ b/live.py" in result.stdout
    assert "gone.yaml" not in result.stdout and "both.json" not in result.stdout
    assert Path("live.py").read_text() == 'MODEL = "old-live"\n'


def test_missing_key_names_the_variable_sends_nothing_and_writes_nothing(
    fake: FakeProvider, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    result = fix(project, "--verify", "--base-url", fake.base_url, ".")
    assert result.exit_code == 2
    assert "OPENAI_API_KEY is not set" in result.stderr
    assert fake.seen == []
    assert Path("live.py").read_text() == 'MODEL = "old-live"\n'


def test_wrong_key_refuses_every_file_and_is_never_printed(
    fake: FakeProvider, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "sk-wrong-SECRET-123456"
    monkeypatch.setenv("OPENAI_API_KEY", wrong)
    result = fix(project, "--verify", "--base-url", fake.base_url, ".")
    assert result.exit_code == 1
    assert "invalid_api_key" in result.stderr
    assert wrong not in result.output
    assert Path("live.py").read_text() == 'MODEL = "old-live"\n'


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--base-url", "http://127.0.0.1:9/v1"],
                 "modelguard: error: --base-url only apply with --verify", id="base-url-alone"),
    pytest.param(["--verify", "--base-url", "http://example.com/v1"],
                 "plain http is allowed only to loopback", id="plain-http-elsewhere"),
])
def test_usage_errors(project: Path, args: list[str], message: str) -> None:
    result = fix(project, *args, ".")
    assert result.exit_code == 2
    assert message in result.stderr
    assert Path("live.py").read_text() == 'MODEL = "old-live"\n'
