"""`fix --verify` smokes a replacement with the token-limit names the rewritten request sends
(issue #18): the fake provider, like the real API, refuses `max_tokens` for the reasoning model,
so verification fails exactly when the rewritten code would."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from modelguard.cli.main import cli
from tests.smoke.fake_provider import KEY, FakeProvider

PROVIDER = '''provider = "openai"
name = "OpenAI"
prefixes = ["openai/"]

[[models]]
id = "old-reasoning"
announced = 2024-01-01
shutdown = 2024-06-01
replacement = "reasoning-model"
source = "https://example.com/deprecations"

[[models]]
id = "reasoning-model"
'''
RENAME = '''
[[parameters]]
models = ["reasoning-model"]
endpoints = ["chat"]
renamed = {max_tokens = "max_completion_tokens"}
source = "https://example.com/reasoning"
'''

CALL = 'client.chat.completions.create(model="{}", messages=[], {}=5)\n'


@pytest.mark.parametrize(("source", "fact", "fixed", "sent"), [
    pytest.param(CALL.format("old-reasoning", "max_tokens"), True,
                 CALL.format("reasoning-model", "max_completion_tokens"),
                 [["max_completion_tokens"]], id="renamed-in-the-same-edit"),
    pytest.param(CALL.format("old-reasoning", "max_tokens"), False, None,
                 [["max_tokens"]], id="max-tokens-kept-fails-and-is-not-retried"),
    pytest.param(CALL.format("old-reasoning", "max_completion_tokens"), False,
                 CALL.format("reasoning-model", "max_completion_tokens"),
                 [["max_completion_tokens"]], id="already-max-completion-tokens"),
    pytest.param('d = {"model": "old-reasoning", "messages": [], "max_tokens": 5}\n', True,
                 'd = {"model": "reasoning-model", "messages": [], "max_completion_tokens": 5}\n',
                 [["max_completion_tokens"]], id="payload-dict-renamed"),
    pytest.param('d = {"model": "old-reasoning", "messages": [], "max_tokens": 5}\n', False,
                 None, [["max_tokens"]], id="payload-dict-kept"),
    pytest.param('{"model": "old-reasoning", "messages": [], "max_tokens": 5}\n', True,
                 None, [["max_tokens"]], id="payload-file-key-reported-only"),
    pytest.param('litellm.completion(model="old-reasoning", max_tokens=5)\n', False,
                 'litellm.completion(model="reasoning-model", max_tokens=5)\n',
                 [["max_tokens"], ["max_completion_tokens"]], id="client-library-renames"),
    pytest.param('MODEL = "old-reasoning"\n', True, 'MODEL = "reasoning-model"\n',
                 [["max_tokens"], ["max_completion_tokens"]], id="request-not-known"),
])
def test_verify_sends_what_the_rewritten_code_sends(
    fake: FakeProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    source: str, fact: bool, fixed: str | None, sent: list[list[str]],
) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "registry.toml").write_text('schema = 1\nversion = "2000.01.01-test"\n')
    (registry / "openai.toml").write_text(PROVIDER + (RENAME if fact else ""))
    root = tmp_path / "app"
    root.mkdir()
    name = "app.json" if source.startswith("{") else "app.py"
    (root / name).write_text(source)
    monkeypatch.chdir(root)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    result = CliRunner().invoke(cli, ["fix", "--registry", str(registry), "--as-of",
                                      "2025-01-01", "--verify", "--base-url", fake.base_url,
                                      "."], catch_exceptions=False)
    assert Path(name).read_text() == (source if fixed is None else fixed)
    assert [sorted(set(s.body) & {"max_tokens", "max_completion_tokens"})
            for s in fake.seen] == sent
    if fixed is None:
        assert ("modelguard: --verify: reasoning-model (openai) did not answer sending "
                f"max_tokens; not rewriting {name}") in result.stderr
    else:
        assert f"Rewriting {name}" in result.stderr


REFUSES = '''
[[parameters]]
models = ["reasoning-model"]
endpoints = ["chat"]
renamed = {max_tokens = "max_completion_tokens"}
unsupported = ["temperature", "top_p", "presence_penalty"]
source = "https://example.com/reasoning"
'''
SAMPLED = 'client.chat.completions.create(model="{}", messages=[], max_tokens=5{})\n'


# The sampling parameters the rewritten call sends with a literal value are sent too: the fake
# provider, like the real API, refuses a temperature other than 1 and any presence_penalty.
@pytest.mark.parametrize(("extra", "unsafe", "rewritten", "sent"), [
    pytest.param(", temperature=0.2", False, False, {"temperature": 0.2},
                 id="kept-refused-value-fails"),
    pytest.param(", temperature=0.2", True, True, {}, id="removed-with-unsafe-fixes-answers"),
    pytest.param(", temperature=1", False, True, {"temperature": 1}, id="default-value-answers"),
    pytest.param(", temperature=t", False, True, {}, id="not-a-literal-not-sent"),
    pytest.param(", presence_penalty=-0.5, seed=3", False, False, {"presence_penalty": -0.5},
                 id="refused-parameter-fails"),
])
def test_verify_sends_the_sampling_parameters_of_the_rewritten_call(
    fake: FakeProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    extra: str, unsafe: bool, rewritten: bool, sent: dict[str, float],
) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "registry.toml").write_text('schema = 1\nversion = "2000.01.01-test"\n')
    (registry / "openai.toml").write_text(PROVIDER + REFUSES)
    root = tmp_path / "app"
    root.mkdir()
    source = SAMPLED.format("old-reasoning", extra)
    (root / "app.py").write_text(source)
    monkeypatch.chdir(root)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    result = CliRunner().invoke(cli, ["fix", "--registry", str(registry), "--as-of",
                                      "2025-01-01", "--verify", "--base-url", fake.base_url,
                                      *(["--unsafe-fixes"] if unsafe else []), "."],
                                catch_exceptions=False)
    [seen] = fake.seen
    assert {k: v for k, v in seen.body.items()
            if k in ("temperature", "top_p", "presence_penalty", "seed")} == sent
    assert "max_completion_tokens" in seen.body
    assert (Path("app.py").read_text() != source) is rewritten
    if not rewritten:
        shown = ", ".join(f"{k}={v}" for k, v in sent.items())
        assert (f"did not answer sending max_completion_tokens, {shown}; not rewriting app.py"
                in result.stderr)
