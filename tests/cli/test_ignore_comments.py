"""Unknown codes in `modelguard: ignore[...]` comments: a warning naming the file, the line and
the code, as ruff warns about unknown `# noqa` codes; the run's exit code is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")
CHECK = ("check", "--registry", TEST_REGISTRY, "--as-of", "2025-05-01")
RETIRED = '"text-davinci-003"'  # MG001 in the test registry at this date
KNOWN = "(known: MG001, MG002, MG003, MG004, MG005)"


def _warning(where: str, code: str) -> str:
    return (f"modelguard: warning: {where}: unknown rule code {code!r} in a "
            f"`modelguard: ignore` comment {KNOWN}")


@pytest.mark.parametrize(("name", "text", "code", "warnings"), [
    pytest.param("app.py", f"model = {RETIRED}  # modelguard: ignore[MG001]\n", 0, [],
                 id="known-code-silences-quietly"),
    pytest.param("app.py", f"model = {RETIRED}  # modelguard: ignore[MG999]\n", 1,
                 [_warning("app.py:1", "MG999")], id="unknown-code-warns-and-silences-nothing"),
    pytest.param("app.py", f"model = {RETIRED}  # modelguard: ignore[mg001, MG01]\n", 0,
                 [_warning("app.py:1", "MG01")], id="known-and-unknown-in-one-comment"),
    pytest.param("app.py", f'x = 1\nmodel = {RETIRED}  # modelguard: ignore\ny = 2  # modelguard: ignore[E501]\n', 0,
                 [_warning("app.py:3", "E501")], id="other-line-of-a-scanned-file"),
    pytest.param("app.py", f"model = {RETIRED}  # modelguard: ignore[]\n", 1, [],
                 id="empty-brackets-name-no-code"),
    pytest.param("config.yaml", f"model: {RETIRED}  # modelguard: ignore[XX1]\n", 1,
                 [_warning("config.yaml:1", "XX1")], id="yaml"),
    pytest.param("app.ts", f"const model = {RETIRED}; // modelguard: ignore[MG004,MG5]\n", 1,
                 [_warning("app.ts:1", "MG5")], id="typescript"),
    pytest.param("app.py", f"model = {RETIRED}  # modelguard: ignore[MG999]\nprint(  # broken\n", 2,
                 [_warning("app.py:1", "MG999")], id="file-that-does-not-parse"),
])
def test_unknown_codes_in_ignore_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, code: int,
    warnings: list[str],
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # the second run is answered from the cache and must warn the same
        result = run_cli(*CHECK, name)
        assert result.exit_code == code, result.output
        assert [line for line in result.stderr.splitlines() if "warning" in line] == warnings


def test_unknown_codes_warn_even_with_exit_zero_and_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "app.py").write_text(f"model = {RETIRED}  # modelguard: ignore[MG999]\n",
                                     encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli(*CHECK, "--exit-zero", "-q", "app.py")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [_warning("app.py:1", "MG999")]
