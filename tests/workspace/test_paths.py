"""gitignore pattern matching, specified as (patterns, path, expected) tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelguard.workspace.paths import PathSpec


@pytest.mark.parametrize(
    ("patterns", "path", "is_dir", "expected"),
    [
        pytest.param(["*.log"], "a.log", False, True, id="glob-at-root"),
        pytest.param(["*.log"], "deep/er/a.log", False, True, id="glob-at-any-depth"),
        pytest.param(["*.log"], "a.log.txt", False, False, id="glob-whole-name"),
        pytest.param(["build/"], "build", True, True, id="dir-pattern-on-dir"),
        pytest.param(["build/"], "build", False, False, id="dir-pattern-not-on-file"),
        pytest.param(["build/"], "src/build/x.py", False, True, id="dir-pattern-nested-contents"),
        pytest.param(["/build"], "src/build", True, False, id="anchored-not-nested"),
        pytest.param(["/build"], "build/x.py", False, True, id="anchored-at-root"),
        pytest.param(["doc/frotz"], "a/doc/frotz", True, False, id="middle-slash-anchors"),
        pytest.param(["doc/frotz"], "doc/frotz", True, True, id="middle-slash-at-root"),
        pytest.param(["*.py", "!keep.py"], "keep.py", False, False, id="negation"),
        pytest.param(["!keep.py", "*.py"], "keep.py", False, True, id="last-match-wins"),
        pytest.param(["gen/", "!gen/keep.py"], "gen/keep.py", False, True, id="no-reinclude-in-ignored-dir"),
        pytest.param(["**/fixtures"], "a/b/fixtures/x.py", False, True, id="leading-double-star"),
        pytest.param(["a/**/z.py"], "a/z.py", False, True, id="middle-double-star-zero"),
        pytest.param(["a/**/z.py"], "a/b/c/z.py", False, True, id="middle-double-star-many"),
        pytest.param(["a/**"], "a/b/c.py", False, True, id="trailing-double-star"),
        pytest.param(["a/**"], "a", True, False, id="trailing-double-star-not-folder-itself"),
        pytest.param(["a/*.py"], "a/b/c.py", False, False, id="star-does-not-cross-slash"),
        pytest.param(["?.py"], "x.py", False, True, id="question-mark"),
        pytest.param(["[ab].py"], "b.py", False, True, id="char-class"),
        pytest.param(["[!ab].py"], "b.py", False, False, id="negated-char-class"),
        pytest.param(["# comment", ""], "# comment", False, False, id="comments-and-blanks"),
        pytest.param(["\\#hash"], "#hash", False, True, id="escaped-hash"),
        pytest.param(["name   "], "name", False, True, id="trailing-spaces-dropped"),
    ],
)
def test_patterns(patterns: list[str], path: str, is_dir: bool, expected: bool) -> None:
    assert PathSpec.from_lines(patterns).matches(path, is_dir) is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("sub/x.tmp", True, id="nested-file-applies-below"),
        pytest.param("x.tmp", False, id="nested-file-not-above"),
        pytest.param("sub/keep.log", False, id="nested-negation-overrides-root"),
        pytest.param("other/keep.log", True, id="root-rule-elsewhere"),
    ],
)
def test_nested_gitignore_is_relative_to_its_folder(path: str, expected: bool) -> None:
    spec = PathSpec.from_lines(["*.log"]) + PathSpec.from_lines(["*.tmp", "!keep.log"], base="sub")
    assert spec.matches(path) is expected


_GLOBS = ["*.py", "build/", "/dist", "docs/*.md", "**/gen/**", "a/**/b", "?.txt", "[ab]*",
          "node_modules", "*.min.js", "x/y/", "\\#notes"]
_PATHS = ["a.py", "build", "src/build", "dist", "src/dist", "docs/x.md", "docs/y/x.md",
          "p/gen/q.py", "a/b", "a/c/d/b", "x.txt", "ab.txt", "b", "node_modules/m.js",
          "web/app.min.js", "x/y", "#notes", "deep/x/y"]


@given(
    globs=st.lists(st.sampled_from(_GLOBS), max_size=6),
    base=st.sampled_from(["", "src", "a"]),
    path=st.sampled_from(_PATHS),
    is_dir=st.booleans(),
)
def test_one_regex_decides_as_the_patterns_do(
    globs: list[str], base: str, path: str, is_dir: bool
) -> None:
    """Without negations the spec answers with one regex: the same answer as asking each
    pattern in turn (the last match wins)."""
    spec = PathSpec.from_lines(globs, base)
    one_by_one: bool | None = None
    for pattern in spec.patterns:
        if pattern.matches(path, is_dir):
            one_by_one = not pattern.negate
    assert spec.decides(path, is_dir) == one_by_one
