"""Hostile glob patterns: a malformed one is refused in one line (settings) or dropped
(.gitignore, as git never matches it); none makes matching hang."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from modelguard.workspace.discover import Observer, discover_names
from modelguard.workspace.paths import PathSpec, PatternError, parse_pattern
from tests.conftest import run_cli

MALFORMED = [
    pytest.param("[z-a]", "reversed range 'z-a'", id="reversed-range"),
    pytest.param("[]", "unclosed '['", id="empty-class"),
    pytest.param("[abc", "unclosed '['", id="unclosed-class"),
    pytest.param("x[", "unclosed '['", id="trailing-bracket"),
    pytest.param("[!]", "unclosed '['", id="negated-nothing"),
]


@pytest.mark.parametrize(("pattern", "reason"), MALFORMED)
def test_a_malformed_pattern_is_refused_with_its_reason(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=re.escape(reason)):
        parse_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        pytest.param("[]a]", "]", True, id="bracket-first-is-a-member"),
        pytest.param("[]a]", "a", True, id="bracket-class-other-member"),
        pytest.param("[!a]", "b", True, id="negated-class"),
        pytest.param("x[!a]y", "x/y", False, id="negated-class-never-matches-slash"),
        pytest.param("[a-c]", "b", True, id="range"),
        pytest.param("*a*a*b", "zazazb", True, id="stars-atomic-match"),
        pytest.param("*a*a*b", "zazaz", False, id="stars-atomic-no-match"),
        pytest.param("*a?c*d", "xabcyd", True, id="atomic-with-wildcard"),
        pytest.param("*a*/b*c", "xay/bzc", True, id="stars-around-a-slash"),
    ],
)
def test_wellformed_classes_and_stars_keep_their_meaning(
    pattern: str, path: str, expected: bool
) -> None:
    assert PathSpec.from_lines([pattern]).matches(path) is expected
    assert PathSpec.from_lines([pattern, "!nothing"]).matches(path) is expected


STARS = "*a" * 30 + "b"


@pytest.mark.parametrize(
    "patterns",
    [pytest.param([STARS], id="alone"), pytest.param([STARS, "x/" + STARS], id="combined"),
     pytest.param([STARS, "!x"], id="with-a-negation")],
)
def test_thirty_stars_do_not_backtrack(patterns: list[str]) -> None:
    spec = PathSpec.from_lines(patterns)
    started = time.perf_counter()
    assert not spec.matches("a" * 60)
    assert spec.matches("d/" + "a" * 60 + "b")
    assert time.perf_counter() - started < 1.0  # took hours before


def _project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "app.py").write_text('MODEL = "gpt-4"\n')
    (tmp_path / "pyproject.toml").write_text(config)
    return tmp_path


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param('[tool.modelguard]\nexclude = ["[z-a]"]\n',
                     "exclude: '[z-a]': reversed range", id="exclude"),
        pytest.param('[tool.modelguard]\nextend-exclude = ["ok", "[abc"]\n',
                     "extend-exclude: '[abc': unclosed", id="extend-exclude"),
        pytest.param('[tool.modelguard]\ninclude = ["[]"]\n', "include: '[]': unclosed",
                     id="include"),
        pytest.param('[tool.modelguard.per-file-ignores]\n"x[" = ["MG001"]\n',
                     "per-file-ignores: 'x[': unclosed", id="per-file-ignores"),
        pytest.param('tool = "x"\n', "[tool]: expected a table", id="tool-not-a-table"),
    ],
)
def test_a_bad_config_is_one_line_and_exit_2(tmp_path: Path, config: str, message: str) -> None:
    root = _project(tmp_path, config)
    result = run_cli("check", str(root), "--config", str(root / "pyproject.toml"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.startswith(f"modelguard: error: {root / 'pyproject.toml'}: ")


def test_a_bad_extend_exclude_option_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path), "--isolated", "--extend-exclude", "[z-a]")
    assert result.exit_code == 2
    assert result.stderr == "modelguard: error: --extend-exclude: '[z-a]': reversed range 'z-a'\n"


def test_a_bad_gitignore_line_is_dropped_and_the_others_kept(tmp_path: Path) -> None:
    for name in ("kept.py", "ignored.py", "z.py"):
        (tmp_path / name).write_text('MODEL = "x"\n')
    (tmp_path / ".gitignore").write_text("[z-a].py\n[abc\n" + STARS + "\nignored.py\n")
    warnings: list[str] = []
    found = sorted(Path(p).name for p in discover_names(
        [tmp_path], lambda name: True, observer=Observer(warning=warnings.append)))
    assert found == [".gitignore", "kept.py", "z.py"]
    gitignore = tmp_path / ".gitignore"
    assert warnings == [
        f"{gitignore}:1: '[z-a].py': reversed range 'z-a'; line ignored (git never matches it)",
        f"{gitignore}:2: '[abc': unclosed '['; line ignored (git never matches it)",
    ]


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize(("line", "reason"), [(m.values[0], m.values[1]) for m in MALFORMED])
def test_a_bad_gitignore_line_is_one_warning_naming_file_line_and_pattern(
    tmp_path: Path, command: str, line: str, reason: str
) -> None:
    (tmp_path / "app.py").write_text('MODEL = "gpt-4.5-preview"\n')
    (tmp_path / ".gitignore").write_text(f"# generated\n{line}\nbuild/\n")
    result = run_cli(command, str(tmp_path), "--isolated", "--as-of", "2025-08-01",
                     *(["--no-cache"] if command == "check" else []))
    warnings = [w for w in result.stderr.splitlines() if w.startswith("modelguard: warning:")]
    assert warnings == [
        f"modelguard: warning: {tmp_path / '.gitignore'}:2: {line!r}: {reason}; line ignored "
        "(git never matches it)"]
    assert "Traceback" not in result.stderr
    assert result.exit_code == 1  # the finding in app.py, found as without the line
