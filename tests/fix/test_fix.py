"""`fix` on sources, specified as pyupgrade-style tables: sources left alone, and (source, fixed)
pairs. Every fixed source must parse, and fixing it again must change nothing.

Lifecycles are judged AFTER gpt-4.5-preview's shutdown unless a row says otherwise; at that date
gpt-4.5-preview → gpt-4.1, gpt-4-32k → gpt-4o, text-davinci-003 → gpt-3.5-turbo-instruct.
"""

from __future__ import annotations

import ast
import textwrap
from datetime import date
from pathlib import Path

import pytest

from modelguard.api import Selection
from modelguard.findings import FixSafety
from modelguard.fix.plan import (
    EditMismatch,
    FixedSource,
    FixError,
    FixPlan,
    apply_fixes,
    plan_fixes,
)
from modelguard.fix.python import fix_python_source
from modelguard.fix.run import fix_source
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry
from modelguard.scan import ScanSettings, scan_source
from tests.conftest import AFTER, BEFORE, DURING


def _fix(
    index: ModelIndex,
    source: bytes,
    *,
    as_of: date = AFTER,
    unsafe: bool = False,
    selection: Selection | None = None,
) -> FixedSource:
    outcome = fix_source(source, index, ScanSettings(as_of), selection, unsafe)
    assert isinstance(outcome, FixedSource), outcome
    return outcome


def _src(text: str) -> bytes:
    return textwrap.dedent(text).encode("utf-8")


NOOP = [
    # Contexts that are never rewritten without --unsafe-fixes.
    pytest.param('if model == "gpt-4.5-preview": pass\n', id="comparison"),
    pytest.param('ok = "gpt-4.5-preview" in allowed\n', id="comparison-in"),
    pytest.param('PRICES = {"gpt-4.5-preview": 75.0}\n', id="dict-key"),
    pytest.param('ALIASES = {"big": "gpt-4.5-preview"}\n', id="dict-value"),
    pytest.param('log(label="gpt-4.5-preview")\n', id="keyword-argument"),
    pytest.param('name.startswith("gpt-4.5-preview")\n', id="call-argument"),
    pytest.param('MODELS = ["gpt-4.5-preview", "gpt-4.1"]\n', id="list-member"),
    # Mentions (MG004) are never rewritten.
    pytest.param('"""Uses gpt-4.5-preview for answers."""\n', id="docstring-mention"),
    pytest.param("x = 1  # was gpt-4.5-preview\n", id="comment-mention"),
    pytest.param('msg = f"model gpt-4.5-preview is {state}"\n', id="f-string-mention"),
    pytest.param('msg = "try gpt-4.5-preview or gpt-4.1"\n', id="longer-text"),
    # Active models, unknown ids, ids written with escapes, suppressions.
    pytest.param('MODEL = "gpt-4.1"\n', id="active-model"),
    pytest.param('MODEL = "gpt-4.5-preview-turbo"\n', id="longer-unknown-id"),
    pytest.param('MODEL = "gpt-4.5-preview"  # modelguard: ignore\n', id="suppressed"),
    pytest.param('MODEL = "gpt-4.5-preview"  # modelguard: ignore[MG001]\n', id="suppressed-code"),
    pytest.param('MODEL = "gpt" "-4.5-preview"\n', id="implicit-concatenation"),
]


@pytest.mark.parametrize("source", NOOP)
def test_leaves_alone(index: ModelIndex, source: str) -> None:
    data = source.encode()
    assert _fix(index, data).source == data


@pytest.mark.parametrize("source", [
    pytest.param('MODEL = "gpt-4.5-preview"\n', id="before-announcement"),
    pytest.param('MODEL = "gpt-4.1"\n', id="replacement-itself"),
])
def test_leaves_active_models_alone(index: ModelIndex, source: str) -> None:
    data = source.encode()
    assert _fix(index, data, as_of=BEFORE).source == data


FIXES = [
    # Safe contexts, one row per context of modelguard.scan.contexts.
    pytest.param('client.chat.completions.create(model="gpt-4.5-preview", messages=[])\n',
                 'client.chat.completions.create(model="gpt-4.1", messages=[])\n', id="model-keyword"),
    pytest.param("ChatOpenAI(model_name='gpt-4-32k')\n", "ChatOpenAI(model_name='gpt-4o')\n",
                 id="model-name-keyword"),
    pytest.param('MODEL = "gpt-4.5-preview"\n', 'MODEL = "gpt-4.1"\n', id="assignment"),
    pytest.param('self.model = "gpt-4.5-preview"\n', 'self.model = "gpt-4.1"\n', id="attribute"),
    pytest.param('default: str = "gpt-4.5-preview"\n', 'default: str = "gpt-4.1"\n', id="annotated"),
    pytest.param('settings["model"] = "gpt-4.5-preview"\n', 'settings["model"] = "gpt-4.1"\n',
                 id="model-subscript"),
    pytest.param('def ask(prompt, model="text-davinci-003"): ...\n',
                 'def ask(prompt, model="gpt-3.5-turbo-instruct"): ...\n', id="default-parameter"),
    pytest.param('f = lambda model="gpt-4.5-preview": model\n', 'f = lambda model="gpt-4.1": model\n',
                 id="lambda-default"),
    pytest.param('payload = {"model": "gpt-4.5-preview", "input": "hi"}\n',
                 'payload = {"model": "gpt-4.1", "input": "hi"}\n', id="model-value"),
    pytest.param('os.getenv("OPENAI_MODEL", "gpt-4.5-preview")\n', 'os.getenv("OPENAI_MODEL", "gpt-4.1")\n',
                 id="model-default"),
    # Literal forms: only the id's characters change.
    pytest.param("M = 'gpt-4.5-preview'\n", "M = 'gpt-4.1'\n", id="single-quotes"),
    pytest.param('M = """gpt-4.5-preview"""\n', 'M = """gpt-4.1"""\n', id="triple-double"),
    pytest.param("M = '''gpt-4.5-preview'''\n", "M = '''gpt-4.1'''\n", id="triple-single"),
    pytest.param('M = r"gpt-4.5-preview"\n', 'M = r"gpt-4.1"\n', id="raw"),
    pytest.param('M = U"gpt-4.5-preview"\n', 'M = U"gpt-4.1"\n', id="unicode-upper"),
    pytest.param('M = b"gpt-4.5-preview"\n', 'M = b"gpt-4.1"\n', id="bytes"),
    pytest.param('M = Rb"gpt-4.5-preview"\n', 'M = Rb"gpt-4.1"\n', id="raw-bytes"),
    pytest.param('M = f"gpt-4.5-preview"\n', 'M = f"gpt-4.1"\n', id="f-string"),
    # Another case than the registry's is found but never a safe rewrite (`"GPT-4"` labels).
    pytest.param('M = "GPT-4.5-Preview"\n', 'M = "GPT-4.5-Preview"\n', id="other-case-unsafe"),
    pytest.param('M = "gpt-4.5-preview-2025-02-27"\n', 'M = "gpt-4.1"\n', id="alias"),
    pytest.param('M = "openai/gpt-4.5-preview"\n', 'M = "openai/gpt-4.1"\n', id="routing-prefix"),
    pytest.param('M = "openrouter/openai/gpt-4-32k"\n', 'M = "openrouter/openai/gpt-4o"\n',
                 id="long-routing-prefix"),
    pytest.param('M = "gpt-4.5-preview\\\n"\n', 'M = "gpt-4.1\\\n"\n', id="line-continuation-inside"),
    pytest.param('M = (\n    "gpt-4.5-preview"  # old\n)\n', 'M = (\n    "gpt-4.1"  # old\n)\n',
                 id="comment-kept"),
    pytest.param('M = "gpt-4.5-preview"  # gpt-4.5-preview\n', 'M = "gpt-4.1"  # gpt-4.5-preview\n',
                 id="mention-in-comment-kept"),
    pytest.param('A, B = 1, 2; M = "gpt-4.5-preview"; N = "gpt-4-32k"\n',
                 'A, B = 1, 2; M = "gpt-4.1"; N = "gpt-4o"\n', id="two-on-one-line"),
    pytest.param('e = "é"; M = "gpt-4.5-preview"  # ☃\n', 'e = "é"; M = "gpt-4.1"  # ☃\n',
                 id="non-ascii-before-on-line"),
    pytest.param('if x:\n\tM = "gpt-4.5-preview"\n', 'if x:\n\tM = "gpt-4.1"\n', id="tab-indent"),
    pytest.param('payload = {"model": "gpt-4.5-preview", "fallback_model": "gpt-4-32k"}\n',
                 'payload = {"model": "gpt-4.1", "fallback_model": "gpt-4o"}\n', id="same-dict-twice"),
]


@pytest.mark.parametrize(("source", "expected"), FIXES)
def test_rewrites(index: ModelIndex, source: str, expected: str) -> None:
    ast.parse(expected)
    fixed = _fix(index, source.encode()).source
    assert fixed == expected.encode()
    assert _fix(index, fixed).source == fixed  # fix∘fix = fix


UNSAFE_FIXES = [
    pytest.param('if model == "gpt-4.5-preview": pass\n', 'if model == "gpt-4.1": pass\n', id="comparison"),
    pytest.param('PRICES = {"gpt-4.5-preview": 75.0}\n', 'PRICES = {"gpt-4.1": 75.0}\n', id="dict-key"),
    pytest.param('ALIASES = {"big": "gpt-4.5-preview"}\n', 'ALIASES = {"big": "gpt-4.1"}\n', id="dict-value"),
    pytest.param('log(label="gpt-4.5-preview")\n', 'log(label="gpt-4.1")\n', id="keyword-argument"),
    pytest.param('MODELS = ["gpt-4.5-preview"]\n', 'MODELS = ["gpt-4.1"]\n', id="list-member"),
]


@pytest.mark.parametrize(("source", "expected"), UNSAFE_FIXES)
def test_unsafe_fixes_on_request(index: ModelIndex, source: str, expected: str) -> None:
    ast.parse(expected)
    assert _fix(index, source.encode()).source == source.encode()
    assert _fix(index, source.encode(), unsafe=True).source == expected.encode()


@pytest.mark.parametrize(("as_of", "expected"), [
    pytest.param(BEFORE, b'M = "gpt-4.5-preview"\n', id="before-active"),
    pytest.param(DURING, b'M = "gpt-4.1"\n', id="during-deprecated"),
    pytest.param(AFTER, b'M = "gpt-4.1"\n', id="after-retired"),
])
def test_deprecated_and_retired_ids_are_fixed(index: ModelIndex, as_of: date, expected: bytes) -> None:
    assert _fix(index, b'M = "gpt-4.5-preview"\n', as_of=as_of).source == expected


@pytest.mark.parametrize(("select", "expected"), [
    pytest.param({"MG001"}, b'A = "gpt-3.5-turbo-instruct"\nB = "gpt-4.5-preview"\n', id="retired-only"),
    pytest.param({"MG003"}, b'A = "text-davinci-003"\nB = "gpt-4.1"\n', id="imminent-only"),
    pytest.param(set(), b'A = "gpt-3.5-turbo-instruct"\nB = "gpt-4.1"\n', id="all"),
])
def test_only_selected_rules_are_fixed(index: ModelIndex, select: set[str], expected: bytes) -> None:
    source = b'A = "text-davinci-003"\nB = "gpt-4.5-preview"\n'  # MG001 and MG003 at DURING
    outcome = _fix(index, source, as_of=DURING, selection=Selection(frozenset(select)))
    assert outcome.source == expected


# Byte-level preservation: everything outside the id survives, byte for byte ------------------------

PRESERVED = [
    pytest.param(b'M = "gpt-4.5-preview"\r\nX = 1\r\n', b'M = "gpt-4.1"\r\nX = 1\r\n', id="crlf"),
    pytest.param(b'X = 1\nM = "gpt-4.5-preview"\r\nY = 2\rN = "gpt-4-32k"\n',
                 b'X = 1\nM = "gpt-4.1"\r\nY = 2\rN = "gpt-4o"\n', id="mixed-line-endings"),
    pytest.param(b'M = "gpt-4.5-preview"', b'M = "gpt-4.1"', id="no-final-newline"),
    pytest.param(b'\xef\xbb\xbfM = "gpt-4.5-preview"\n', b'\xef\xbb\xbfM = "gpt-4.1"\n', id="utf-8-bom"),
    pytest.param(b'# -*- coding: latin-1 -*-\nE = "\xe9t\xe9"; M = "gpt-4.5-preview"\n',
                 b'# -*- coding: latin-1 -*-\nE = "\xe9t\xe9"; M = "gpt-4.1"\n', id="latin-1-cookie"),
    pytest.param(b'# coding: cp1252\nE = "\x80"\nM = "gpt-4-32k"  # \x93q\x94\n',
                 b'# coding: cp1252\nE = "\x80"\nM = "gpt-4o"  # \x93q\x94\n', id="cp1252-cookie"),
    pytest.param(b'if x:\r\n\tM  =  "gpt-4.5-preview"   \r\n', b'if x:\r\n\tM  =  "gpt-4.1"   \r\n',
                 id="tabs-and-trailing-whitespace"),
    pytest.param(b'M = "gpt-4.5-preview"\n\n\n\n', b'M = "gpt-4.1"\n\n\n\n', id="trailing-blank-lines"),
]


@pytest.mark.parametrize(("source", "expected"), PRESERVED)
def test_preserves_every_other_byte(index: ModelIndex, source: bytes, expected: bytes) -> None:
    fixed = _fix(index, source).source
    assert fixed == expected
    compile(fixed, "t.py", "exec")
    assert _fix(index, fixed).source == fixed


# Guard rails ----------------------------------------------------------------------------------------

def test_duplicate_dict_key_is_skipped_with_a_note(index: ModelIndex) -> None:
    source = _src('''\
        PRICES = {"gpt-4.5-preview": 75.0, "gpt-4.1": 2.0}
        OTHER = {"gpt-4-32k": 60.0}
    ''')
    outcome = _fix(index, source, unsafe=True)
    assert outcome.source == source.replace(b'"gpt-4-32k"', b'"gpt-4o"')
    (note,) = outcome.plan.skipped
    assert note.finding.model == "gpt-4.5-preview"
    assert "duplicate the dict key 'gpt-4.1'" in note.reason


def test_a_duplicate_key_in_a_decorator_is_seen(index: ModelIndex) -> None:
    # A decorated definition's line is its `def`; the dict sits on the decorator's line.
    source = _src('''\
        @prices({"gpt-4.5-preview": 75.0,
                 "gpt-4.1": 2.0})
        def cost():
            pass
    ''')
    outcome = _fix(index, source, unsafe=True)
    assert outcome.source == source
    (note,) = outcome.plan.skipped
    assert "duplicate the dict key 'gpt-4.1'" in note.reason


def test_two_keys_fixed_to_the_same_id_are_both_skipped(index: ModelIndex) -> None:
    source = b'P = {"gpt-4.5-preview": 1, "gpt-4.5-preview-2025-02-27": 2}\n'
    outcome = _fix(index, source, unsafe=True)
    assert outcome.source == source
    assert [n.finding.model for n in outcome.plan.skipped] == ["gpt-4.5-preview", "gpt-4.5-preview-2025-02-27"]


def test_unsafe_fix_without_the_flag_gets_a_note(index: ModelIndex) -> None:
    outcome = _fix(index, b'if m == "gpt-4.5-preview": pass\n')
    (note,) = outcome.plan.skipped
    assert "--unsafe-fixes" in note.reason


def _findings(index: ModelIndex, source: bytes, as_of: date = AFTER) -> tuple:  # type: ignore[type-arg]
    return scan_source("t.py", source, index, ScanSettings(as_of))


def test_plan_never_includes_mentions(index: ModelIndex) -> None:
    source = b'"""Uses gpt-4.5-preview."""\n# gpt-4-32k\nM = "gpt-4.5-preview"\n'
    found = _findings(index, source)
    assert {f.rule.code for f in found} == {"MG001", "MG004"}
    plan = plan_fixes(found, allow_unsafe=True)
    assert [(e.line, e.old, e.new) for e in plan.edits] == [(3, "gpt-4.5-preview", "gpt-4.1")]
    assert plan.skipped == ()


def test_chain_ending_on_a_retired_model_is_not_rewritten(index: ModelIndex) -> None:
    found = _findings(index, b'M = "gpt-4.5-preview"\n')
    (finding,) = found
    from dataclasses import replace

    plan = plan_fixes([replace(finding, replacement=None)])
    assert plan.edits == ()
    assert "no replacement" in plan.skipped[0].reason


@pytest.mark.parametrize(("text", "line", "column", "end_column", "old"), [
    pytest.param('M = "gpt-4.1"\n', 1, 5, 14, "gpt-4.5-preview", id="id-not-in-span"),
    pytest.param('M = "gpt-4.5-preview"\n', 3, 1, 5, "gpt-4.5-preview", id="line-past-end"),
    pytest.param('M = "x"\n', 1, 5, 80, "x", id="column-past-end"),
])
def test_apply_refuses_a_span_that_does_not_hold_the_id(
    index: ModelIndex, text: str, line: int, column: int, end_column: int, old: str
) -> None:
    (finding,) = _findings(index, b'M = "gpt-4.5-preview"\n')
    from modelguard.fix.plan import Edit

    plan = FixPlan((Edit(line, column, line, end_column, old, "new", finding),))
    with pytest.raises(EditMismatch):
        apply_fixes(text, plan)


def test_apply_works_on_any_text(index: ModelIndex) -> None:
    """The span layer knows nothing of Python: a YAML value is edited the same way."""
    (finding,) = _findings(index, b'M = "gpt-4.5-preview"\n')
    from modelguard.fix.plan import Edit

    text = "llm:\r\n  model: 'gpt-4.5-preview'  # old\r\n"
    plan = FixPlan((Edit(2, 10, 2, 27, "gpt-4.5-preview", "gpt-4.1", finding),))
    assert apply_fixes(text, plan) == "llm:\r\n  model: 'gpt-4.1'  # old\r\n"


def test_a_plan_that_does_not_match_the_source_changes_nothing(index: ModelIndex) -> None:
    found = _findings(index, b'M = "gpt-4.5-preview"\n')
    plan = plan_fixes(found)
    outcome = fix_python_source(b'M = 1; N = "gpt-4.5-preview"\n', plan)
    assert isinstance(outcome, FixError)
    assert "no string literal" in outcome.message


def test_unparsable_source_is_an_error_not_an_exception(index: ModelIndex) -> None:
    outcome = fix_source(b'def (:\n M = "gpt-4.5-preview"\n', index, ScanSettings(AFTER))
    assert isinstance(outcome, FixError)
    assert outcome.message.startswith("syntax error")


def test_fixed_sources_contain_only_settled_replacements(index: ModelIndex) -> None:
    outcome = _fix(index, b'A = "gpt-4.5-preview"\nB = "text-davinci-003"\n', as_of=AFTER)
    assert {(e.old, e.new) for e in outcome.plan.edits} == {
        ("gpt-4.5-preview", "gpt-4.1"), ("text-davinci-003", "gpt-3.5-turbo-instruct")}
    assert all(e.finding.fix is FixSafety.SAFE for e in outcome.plan.edits)


def test_lone_cr_at_the_end_of_the_file_survives(index: ModelIndex) -> None:
    # libcst alone would drop it: parse_module(b"x = 1\r").bytes == b"x = 1"
    assert _fix(index, b'A = 1\nM = "gpt-4.5-preview"\r').source == b'A = 1\nM = "gpt-4.1"\r'


CHAIN = """\
provider = "acme"
name = "Acme"

[[models]]
id = "old-1"
announced = 2024-01-01
shutdown = 2024-06-01
replacement = "mid-1"
source = "https://example.com/acme"

[[models]]
id = "mid-1"
announced = 2024-03-01
shutdown = 2026-01-01
replacement = "new-1"
source = "https://example.com/acme"

[[models]]
id = "new-1"
"""


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(b'M = "old-1"\n', b'M = "new-1"\n', id="retired-skips-deprecated-step"),
    pytest.param(b'M = "mid-1"\n', b'M = "new-1"\n', id="deprecated-to-active"),
    pytest.param(b'M = "new-1"\n', b'M = "new-1"\n', id="active-untouched"),
])
def test_replacements_follow_the_chain_to_an_active_model(
    tmp_path: Path, source: bytes, expected: bytes
) -> None:
    """Stopping at the deprecated mid-1 would make a second run rewrite it again."""
    (tmp_path / "registry.toml").write_text('schema = 1\nversion = "t"\npriority = ["acme"]\n')
    (tmp_path / "acme.toml").write_text(CHAIN)
    chain_index = build_index(load_registry(tmp_path))
    fixed = _fix(chain_index, source, as_of=date(2025, 1, 1)).source
    assert fixed == expected
    assert _fix(chain_index, fixed, as_of=date(2025, 1, 1)).source == fixed


# Plain UTF-8 is fixed by the lexer and `ast`, a file with a coding cookie through libcst: both
# must see the same dict keys, keyword names and literals.
BOTH_PATHS = [
    pytest.param('P = {"gpt-4.5-preview": 1, "gpt-4.1": 2}\n', id="str-key"),
    pytest.param('P = {"gpt-4.5-preview": 1, b"gpt-4.1": 2}\n', id="bytes-key"),
    pytest.param('P = {"gpt-4.5-preview": 1, f"gpt-4.1": 2}\n', id="f-string-key"),
    pytest.param('P = {"gpt-4.5-preview": 1, ("gpt-4.1"): 2}\n', id="parenthesized-key"),
    pytest.param('P = {"gpt-4.5-preview": 1, "gpt-4" ".1": 2}\n', id="concatenated-key"),
    pytest.param('P = {"gpt-4.5-preview": 1, **{"gpt-4.1": 2}}\n', id="unpacked-key"),
    pytest.param('P = {"gpt-4.5-preview": 1, "é": {"gpt-4.1": 2}}\n', id="nested-dict"),
    pytest.param('P = {"é": 1, "gpt-4.5-preview": 1, "gpt-4.1": 2}\n', id="non-ascii-before"),
    pytest.param('x = f(model="gpt-4.5-preview", é="gpt-4.1")\n', id="non-ascii-keyword"),
]


@pytest.mark.parametrize("source", BOTH_PATHS)
def test_plain_and_cst_paths_agree(index: ModelIndex, source: str) -> None:
    cookie = "# -*- coding: utf-8 -*-\n"
    plain = _fix(index, source.encode("utf-8"), unsafe=True)
    cst_path = _fix(index, (cookie + source).encode("utf-8"), unsafe=True)
    assert cookie.encode("utf-8") + plain.source == cst_path.source
    assert [s.reason for s in plain.plan.skipped] == [s.reason for s in cst_path.plan.skipped]
    assert len(plain.plan.edits) == len(cst_path.plan.edits)
