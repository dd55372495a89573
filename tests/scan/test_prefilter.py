"""The prefilter never drops a file the scanner would report on.

Generated modules mix known ids (bare, routed, in other case, spelled with escapes or with
non-ASCII characters that casefold to ASCII, glued to other words) with filler, in every place
the scanner looks: literals of each kind, comments, docstrings, f-strings. For each, the scan
through the prefilter must equal the scan of the parsed module without it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import bundled_registry_dir, load_registry
from modelguard.scan import ScanSettings, scan_source
from modelguard.scan.prefilter import build_prefilter
from modelguard.scan.python import scan_python
from tests.conftest import AFTER

_TEST_NAMES = ["gpt-4.5-preview", "gpt-4.5-preview-2025-02-27", "gpt-4-32k", "text-davinci-003",
               "gpt-3.5-turbo-instruct", "gpt-4o", "gpt-4.1"]
# Short, word-like names of the bundled registry: the hard cases for boundaries.
_BUNDLED_NAMES = ["o1", "o3-mini", "tts-1", "ada", "davinci", "command", "whisper-1",
                  "claude-2.1", "gemini-pro", "gpt-4", "dall-e-3", "anthropic.claude-v2:1"]
_PREFIXES = ["", "", "", "openai/", "azure/", "openrouter/openai/", "models/", "myorg/"]
_FILLER = ["x", "model", "the", "4", "gpt", "preview", "v2", "_", "-", ".", "/", ":", " ", "  ",
           "ß", "é", "\t", "...", "+", "@", "x_", "_v2", "o1_ratio", "tts_engine", "x_gpt", "davincis",
           "metadata", "settings",
           # escapes that spell no letter, next to ones that do: where runs end must not move
           "\\n", "\\t", "\\\\", "\\'", "\\x20", "\\\\x41", "\\\\\\x2d", "\\q", "\\0"]
_FOLDS = {"s": "\u017f", "k": "\u212a"}  # long s, Kelvin sign: casefold to ASCII


@st.composite
def spelled(draw: st.DrawFn, names: list[str]) -> str:
    """A known id as it might be written inside a literal body (already escaped for it)."""
    name = draw(st.sampled_from(names))
    text = draw(st.sampled_from(_PREFIXES)) + name
    if draw(st.booleans()):
        text = "".join(c.upper() if draw(st.booleans()) else c for c in text)
    out = []
    for char in text:
        how = draw(st.sampled_from(["plain"] * 12 + ["hex", "unicode", "named", "octal",
                                                     "continue", "fold"]))
        if how == "hex":
            out.append(f"\\x{ord(char):02x}")
        elif how == "unicode":
            out.append(f"\\u{ord(char):04x}")
        elif how == "named":
            out.append("\\N{" + unicodedata.name(char) + "}")
        elif how == "octal":
            out.append(f"\\{ord(char):03o}")
        elif how == "continue":
            out.append("\\\n" + char)
        elif how == "fold" and char.lower() in _FOLDS:
            out.append(_FOLDS[char.lower()])
        else:
            out.append(char)
    return "".join(out)


@st.composite
def body(draw: st.DrawFn, names: list[str]) -> str:
    parts = draw(st.lists(st.one_of(spelled(names), st.sampled_from(_FILLER)), max_size=4))
    return "".join(parts).replace('"', "")


@st.composite
def module(draw: st.DrawFn, names: list[str]) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        text = draw(body(names))
        one_line = text.replace("\\\n", "").replace("\n", " ")
        kind = draw(st.sampled_from(["assign", "keyword", "compare", "comment", "docstring",
                                     "fstring", "raw", "bytes", "list"]))
        if kind == "assign":
            lines.append(f'x = "{text}"')
        elif kind == "keyword":
            lines.append(f'call(model="{text}")')
        elif kind == "compare":
            lines.append(f'ok = y == "{text}"')
        elif kind == "comment":
            lines.append(f"# {one_line}".replace("\\", ""))
        elif kind == "docstring":
            lines.append(f'"""{text} and more"""')
        elif kind == "fstring":
            lines.append(f'x = f"{{y}}{one_line.replace("{", "").replace("}", "")}"')
        elif kind == "raw":
            lines.append(f'x = r"{one_line}"'.replace("\\", "/"))
        elif kind == "bytes" and text.isascii() and "\\N" not in text and "\\u" not in text:
            lines.append(f'x = b"{text}"')
        else:
            lines.append(f'x = ["{text}", "{one_line}"]')
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def bundled_index() -> ModelIndex:
    return build_index(load_registry(bundled_registry_dir()))


def _unfiltered(index: ModelIndex) -> ModelIndex:
    """The same index with a prefilter that lets every file and line through (a name with no
    letter or digit leaves it nothing to look for)."""
    return dataclasses.replace(index, _prefilter=build_prefilter(["--"]))


def _assert_same(index: ModelIndex, source: str, encoding: str) -> None:
    """Bytes as read from disk (decoded by the parser, cookie and all), and text as given to the
    library API: the same findings as a scan with no prefilter at all (the scanner also asks
    the prefilter token by token, so the reference must not use it anywhere)."""
    unfiltered_index = _unfiltered(index)
    for given_source in (source.encode(encoding), source):
        expected = scan_source("t.py", given_source, unfiltered_index, ScanSettings(AFTER))
        if scan_python(given_source, unfiltered_index)[0]:
            assert index.may_contain(given_source)
        assert scan_source("t.py", given_source, index, ScanSettings(AFTER)) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=module(_TEST_NAMES))
def test_prefilter_keeps_every_file_with_a_finding(index: ModelIndex, source: str) -> None:
    _assert_same(index, source, "utf-8")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=module(_BUNDLED_NAMES))
def test_prefilter_with_the_bundled_registry(bundled_index: ModelIndex, source: str) -> None:
    _assert_same(bundled_index, source, "utf-8")


@pytest.mark.parametrize(
    ("source", "encoding"),
    [
        pytest.param('# -*- coding: utf-7 -*-\nx = "gpt+AC0-4.5-preview"\n', "ascii", id="utf-7-cookie"),
        pytest.param('# coding: latin-1\nx = "gpt-4.5-pr\\u00e9view"\n# é\n', "latin-1", id="latin-1-cookie"),
        pytest.param('x = "gpt\\N{HYPHEN-MINUS}4.5-preview"\n', "utf-8", id="named-escape"),
        pytest.param('x = "GPT-4.5-PREVIEW"\n', "utf-8", id="upper-case"),
        pytest.param('x = "gpt-4.5-preview\u212a"\n', "utf-8", id="kelvin-sign-glued"),
        pytest.param("# call gpt-4.5-preview_v2 here\n", "utf-8", id="underscore-continues-a-token"),
        pytest.param("# call _gpt-4.5-preview. here\n", "utf-8", id="underscore-before-a-token"),
    ],
)
def test_prefilter_on_unusual_spellings(index: ModelIndex, source: str, encoding: str) -> None:
    _assert_same(index, source, encoding)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("metadata = settings.command_line  # foo1\n", id="names-inside-words"),
        pytest.param("x = 'gpt' + '-' + '4'\n", id="atoms-apart"),
        pytest.param("x = 'text-davinci-0030'\n", id="longer-id"),
        pytest.param("x = 'é'\n", id="non-ascii-without-id"),
        pytest.param("# gpt-4.5-preview_2\n", id="underscore-continues"),
    ],
)
def test_prefilter_rejects_files_without_ids(index: ModelIndex, source: str) -> None:
    assert not index.may_contain(source.encode("utf-8"))


@st.composite
def text_file(draw: st.DrawFn, names: list[str]) -> tuple[str, str]:
    """A config, JavaScript or Markdown file mixing ids into values, strings and prose."""
    path = draw(st.sampled_from(["a.yaml", "a.json", "a.js", "a.md", ".env", "a.toml", "a.ini"]))
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        text = draw(body(names)).replace("\n", " ").replace("\\", "")
        shape = draw(st.sampled_from(["model: {}", "- {}", "MODEL={}", '"model": "{}",', "{}",
                                      "x = '{}'", "# {}", "// {}", "key:{}", "note: |\n  {}"]))
        lines.append(shape.format(text))
    return path, "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


@st.composite
def notebook(draw: st.DrawFn, names: list[str]) -> str:
    """A notebook of Python code cells (sources split into lines, or not) and prose cells: in
    its JSON every escape of the Python is escaped once more, and every newline too."""
    cells = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            source = draw(module(names))
            kind = "code"
        else:
            source = draw(body(names)).replace("\\", "")
            kind = "markdown"
        parts: str | list[str] = (source.splitlines(keepends=True) if draw(st.booleans())
                                  else source)
        cells.append({"cell_type": kind, "metadata": {}, "source": parts}
                     | ({"outputs": [], "execution_count": None} if kind == "code" else {}))
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=draw(st.sampled_from([None, 1])),
                      ensure_ascii=draw(st.booleans()))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=notebook(_TEST_NAMES))
def test_prefilter_keeps_every_notebook_cell_with_a_finding(index: ModelIndex,
                                                              source: str) -> None:
    expected = scan_source("t.ipynb", source, _unfiltered(index), ScanSettings(AFTER))
    assert scan_source("t.ipynb", source, index, ScanSettings(AFTER)) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=text_file(_BUNDLED_NAMES))
def test_prefilter_keeps_every_line_with_a_finding(
    bundled_index: ModelIndex, file: tuple[str, str]
) -> None:
    """Text formats ask the prefilter line by line, as text: the same findings as without it."""
    path, source = file
    expected = scan_source(path, source, _unfiltered(bundled_index), ScanSettings(AFTER))
    assert scan_source(path, source, bundled_index, ScanSettings(AFTER)) == expected


@st.composite
def raw_text_file(draw: st.DrawFn, names: list[str]) -> tuple[str, str]:
    """A text file whose lines keep their escapes and folding characters, with `/* … */`
    comments across lines, ignore directives and CRLF line ends: what the whole-text search
    (`Prefilter.lines_to_scan`) must answer for line by line exactly as before."""
    path = draw(st.sampled_from(["a.yaml", "a.json", "a.js", "a.md", ".env", "a.toml", "a.ini"]))
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        text = draw(body(names)).replace("\n", " ")
        shape = draw(st.sampled_from(["model: {}", '"model": "{}",', "{}", "/* {}", "{} */ x",
                                      "a /* {} */ b", "x: '{}' # modelguard: ignore",
                                      "m = `{}` // modelguard: ignore[MG004]", "note: |\n  {}"]))
        lines.append(shape.format(text))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    return path, end.join(lines) + draw(st.sampled_from([end, ""]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=raw_text_file(_BUNDLED_NAMES))
def test_whole_text_search_keeps_every_line_with_a_finding(
    bundled_index: ModelIndex, file: tuple[str, str]
) -> None:
    """Findings of a text file, escapes and all, equal those of a scan with no prefilter; and
    the whole-text search answers for each line as `may_contain` does on that line alone."""
    path, source = file
    expected = scan_source(path, source, _unfiltered(bundled_index), ScanSettings(AFTER))
    assert scan_source(path, source, bundled_index, ScanSettings(AFTER)) == expected
    may_name = bundled_index.prefilter().lines_to_scan(source)
    for number, raw in enumerate(source.split("\n")):
        line = raw.removesuffix("\r")
        assert may_name(number, line) == bundled_index.may_contain(line), line


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("x = 'gpt-4.5-preview'\n", True, id="literal"),
        pytest.param("gpt-4.5-preview", True, id="whole-file-no-newline"),
        pytest.param("# gpt-4.5-preview\n", True, id="at-end-of-comment"),
        pytest.param("# (gpt-4.5-preview)\n", True, id="in-parentheses"),
        pytest.param("# use GPT-4.5-Preview\n", True, id="upper-case"),
        pytest.param("# _gpt-4.5-preview here\n", True, id="underscore-before"),
        pytest.param("# x_gpt-4.5-preview here\n", True, id="underscore-glued-before"),
        pytest.param("# gpt-4.5-preview_v2\n", False, id="underscore-after"),
        pytest.param("# gpt-4.5-preview_\n", False, id="underscore-at-the-end"),
        pytest.param("# gpt-4.5-preview.\n", True, id="full-stop-after"),
        pytest.param("# gpt-4.5-preview...:\n", True, id="trailing-punctuation-run"),
        pytest.param("# gpt-4.5-preview.x\n", False, id="dot-then-letter"),
        pytest.param("# gpt-4.5-preview-\n", True, id="hyphen-after"),
        pytest.param("# gpt-4.5-preview-2\n", False, id="longer-id"),
        pytest.param("# gpt-4.5-preview2\n", False, id="digit-glued-after"),
        pytest.param("# xgpt-4.5-preview\n", False, id="letter-glued-before"),
        pytest.param("# 1gpt-4.5-preview\n", False, id="digit-glued-before"),
        pytest.param("x = 'openrouter/openai/gpt-4.5-preview'\n", True, id="routed-twice"),
        pytest.param("x = 'openai/gpt-4.5-preview'\n", True, id="routed"),
        pytest.param("x = 'openai/gpt-4.5-previewz'\n", False, id="routed-longer-id"),
        pytest.param("key:gpt-4.5-preview\n", True, id="after-a-colon"),
        pytest.param("-gpt-4.5-preview\n", True, id="after-a-hyphen-at-file-start"),
        pytest.param("x = 'gpt-4.5-' 'preview'\n", False, id="split-literal"),
        pytest.param("x = 'gpt-4\\x2e5-preview'\n", True, id="hex-escape"),
        pytest.param("x = 'gpt-4.5-pre\\\nview'\n", True, id="line-continuation"),
        pytest.param("x = 'gpt-4.5-previ\u212aw'\n", False, id="kelvin-sign-is-not-e"),
        pytest.param("x = 'gpt-4.5-preview\u212a'\n", True, id="non-ascii-after-is-a-boundary-in-bytes"),
        pytest.param("x = 'gpt-4.5-pr\u0130view'\n", False, id="dotted-capital-i-is-not-e"),
        pytest.param("# o1_ratio tts_engine x_gpt metadata\n", False, id="trap-words"),
        pytest.param("", False, id="empty"),
    ],
)
def test_prefilter_boundaries(index: ModelIndex, source: str, expected: bool) -> None:
    """Where a name stands (or does not) as the scanner sees it; `expected` is the prefilter's
    answer, and a file with a finding is always let through."""
    assert index.may_contain(source.encode("utf-8")) is expected
    assert index.may_contain(source) is expected
    if expected is False:
        assert scan_python(source, _unfiltered(index))[0] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("x = 'gpt-4\\x6f'\n", True, id="hex-last"),
        pytest.param("x = '\\x67pt-4o'\n", True, id="hex-first"),
        pytest.param("x = 'gp\\x74-4o'\n", True, id="hex-inside"),
        pytest.param("x = 'g\\x70\\x74-4o'\n", True, id="hex-twice-in-a-row"),
        pytest.param("x = 'gpt\\u002d4o'\n", True, id="unicode"),
        pytest.param("x = 'gpt\\U0000002d4o'\n", True, id="long-unicode"),
        pytest.param("x = 'gpt\\0554o'\n", True, id="octal"),
        pytest.param("x = 'gpt\\N{HYPHEN-MINUS}4o'\n", True, id="named"),
        pytest.param("x = 'gpt-\\\n4o'\n", True, id="line-continuation"),
        pytest.param("x = 'gpt-\\\r\n4o'\n", True, id="line-continuation-crlf"),
        pytest.param("x = 'openai/gp\\x74-4o'\n", True, id="hex-after-a-prefix"),
        pytest.param("x = 'openai\\x2fgpt-4o'\n", True, id="hex-slash-of-a-prefix"),
        pytest.param("x = 'gpt-4\\x2e1'\n", True, id="hex-full-stop"),
        pytest.param("x = '\\ngpt-4o'\n", False, id="newline-escape-glues-n"),
        pytest.param("x = 'gp\\\\x74-4o'\n", False, id="escaped-backslash-is-no-escape"),
        pytest.param("x = 'xgp\\x74-4o'\n", False, id="hex-name-glued-after-a-letter"),
        pytest.param("x = 'gp\\x74-4oz'\n", False, id="hex-name-longer"),
        pytest.param("x = 'gp\\x74 -4o'\n", False, id="hex-name-broken"),
        pytest.param("x = 1 + \\\n    2  # gpt 4o\n", False, id="continuation-in-code"),
        pytest.param("x = 'gpt-4\u212a'\n", False, id="kelvin-sign-glued-after"),
    ],
)
def test_escaped_spellings(index: ModelIndex, source: str, expected: bool) -> None:
    """Escapes and folding characters only the slow stage reads: each spelling with a finding
    is let through, and one without a finding is not (findings as the scanner sees them)."""
    for as_given in (source.encode("utf-8"), source):
        assert index.may_contain(as_given) is expected
    assert bool(scan_python(source, _unfiltered(index))[0]) is expected


def test_a_name_in_resolved_text_is_let_through_without_a_finding(index: ModelIndex) -> None:
    """The slow stage reads more than the scanner finds, never less: `gpt-4o` stands in the
    resolved value `a gpt-4o`, which is not itself a name, and in the source it is glued to
    `x20`."""
    source = "x = 'a\\x20gpt-4o'\n"
    assert index.may_contain(source.encode("utf-8"))
    assert scan_python(source, _unfiltered(index))[0] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("x = 'o1'\n", True, id="one-atom-name"),
        pytest.param("# _o1 here\n", True, id="one-atom-name-after-underscore"),
        pytest.param("o1_ratio = 3\n", False, id="one-atom-name-glued-to-a-word"),
        pytest.param("x = 'anthropic.claude-v2:1'\n", True, id="bedrock-form"),
        pytest.param("x = 'anthropic.claude-v2:1:'\n", True, id="bedrock-form-trailing-colon"),
        pytest.param("x = 'anthropic.claude-v2:10'\n", False, id="bedrock-form-longer"),
        pytest.param("x = 'vertex_ai/gemini-1.5-pro'\n", True, id="prefix-with-underscore"),
        pytest.param("x = 'models/gemini-1.5-pro'\n", True, id="google-models-prefix"),
        pytest.param("x = 'gemini-1.5-pro-x'\n", False, id="longer-than-a-name"),
    ],
)
def test_prefilter_boundaries_bundled(
    bundled_index: ModelIndex, source: str, expected: bool
) -> None:
    assert bundled_index.may_contain(source.encode("utf-8")) is expected
    hits = scan_python(source, _unfiltered(bundled_index))[0]
    assert bool(hits) <= expected


@pytest.mark.parametrize(
    ("names", "source", "expected"),
    [
        pytest.param(["acme1gpt-4"], "x = 'acme1gpt-4'\n", True, id="routed-form-glued"),
        pytest.param(["acme1gpt-4"], "x = 'gpt-4'\n", False, id="routed-form-needs-prefix"),
        pytest.param(["model name"], "x = 'model name'\n", True, id="name-with-a-space"),
        pytest.param(["model name"], "x = 'model  name'\n", False, id="name-with-a-space-absent"),
        pytest.param(["gpt-4-"], "x = 'gpt-4-'\n", True, id="name-ending-in-a-hyphen"),
        pytest.param(["gpt-4-"], "x = 'gpt-4'\n", False, id="name-ending-in-a-hyphen-absent"),
        pytest.param(["x"], "x = 1\n", True, id="one-letter-name"),
        pytest.param(["x"], "y = 1\n", False, id="one-letter-name-absent"),
        pytest.param(["é-1"], "y = 1\n", True, id="non-ascii-name-lets-everything-through"),
    ],
)
def test_build_prefilter(names: list[str], source: str, expected: bool) -> None:
    assert build_prefilter(names).may_contain(source.encode("utf-8")) is expected


def test_the_folding_characters_are_unicodes() -> None:
    """Every non-ASCII character whose casefolding holds ASCII, by this Python's Unicode data:
    other non-ASCII characters cannot spell an id."""
    from modelguard.scan.prefilter import FOLDS_TO_ASCII

    derived = "".join(
        c for c in map(chr, range(0x80, 0x110000)) if any(x.isascii() for x in c.casefold())
    )
    assert derived == FOLDS_TO_ASCII


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("x = 'ünïcödé'\n", False, id="accents-without-an-id"),
        pytest.param("x = 'gpt-4.5-preview ünï'\n", True, id="accents-and-an-id"),
        pytest.param("x = 'gpt-4.5-preview'\n".replace("w", "\u0175"), False, id="a-letter-that-folds-to-non-ascii"),
        pytest.param("x = 'gpt-4.5-preview'\n".replace("s", "\u017f"), True, id="long-s"),
        pytest.param("x = 'ǰ gpt-4.5-preview'\n", True, id="a-folding-letter-next-to-an-id"),
    ],
)
def test_non_ascii_text(index: ModelIndex, source: str, expected: bool) -> None:
    assert index.may_contain(source.encode("utf-8")) is expected
    assert index.may_contain(source) is expected


# Every form of the id grammar (registry/SCHEMA.md), in a literal and in a comment, with text
# after the id where the form has some: the prefilter lets each through, and its scan equals
# the unfiltered one.
_GRAMMAR_FORMS = [
    "openai:gpt-4-0314", "gateway/bedrock:us.anthropic.claude-3-haiku-20240307-v1:0",
    "us.anthropic.claude-3-sonnet-20240229-v1:0", "something/o1-preview",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2",
    "projects/P/locations/L/publishers/google/models/gemini-1.5-pro-002",
    "ft:gpt-3.5-turbo-0613:acme::8abc", "openai/ft:gpt-3.5-turbo-0613:acme::8abc",
    "ft:open-mistral-7b:587a6b29:20240514:7e773925", "claude-3-5-sonnet@20240620",
    "vertex_ai/claude-3-5-sonnet@20240620",
]


@pytest.mark.parametrize("form", _GRAMMAR_FORMS)
@pytest.mark.parametrize(
    "layout",
    [
        pytest.param('m = "{}"\n', id="literal"),
        pytest.param("# use {} here\n", id="comment"),
        pytest.param('"""Run {}."""\n', id="docstring"),
    ],
)
def test_prefilter_keeps_every_form_of_the_id_grammar(
    bundled_index: ModelIndex, form: str, layout: str
) -> None:
    source = layout.format(form)
    assert bundled_index.may_contain(source.encode("utf-8"))
    settings = ScanSettings(dt.date(2026, 12, 6))  # when every one of them is retired
    expected = scan_source("t.py", source, _unfiltered(bundled_index), settings)
    assert expected
    assert scan_source("t.py", source, bundled_index, settings) == expected


_FT = ["gpt-3.5-turbo-0613"]


@pytest.mark.parametrize(
    ("names", "tunable", "source", "expected"),
    [
        pytest.param(_FT, _FT, "ft:gpt-3.5-turbo-0613:acme::8abc", True, id="fine-tune"),
        pytest.param(_FT, _FT, "ft:gpt-3.5-turbo-0613:", True, id="fine-tune-trailing-colon"),
        pytest.param(_FT, [], "ft:gpt-3.5-turbo-0613:acme::8abc", False, id="name-not-tunable"),
        pytest.param(_FT, _FT, "ft:gpt-3.5-turbo-0613x:acme", False, id="name-glued-before-a-colon"),
        pytest.param(_FT, _FT, "ft:xgpt-3.5-turbo-0613:acme", False, id="name-glued-after-the-lead"),
        pytest.param(["anthropic.claude-v2:1"], ["anthropic.claude-v2:1"],
                     "ft:anthropic.claude-v2:1:acme", True, id="name-holding-a-colon-before-a-colon"),
        pytest.param(["a.b~1"], ["a.b~1"], "ft:a.b~1:acme", True, id="odd-name-before-a-colon"),
        pytest.param(["a.b~1"], [], "ft:a.b~1:acme", False, id="odd-name-not-tunable"),
        pytest.param(_FT, _FT, "gpt-3.5-turbo-0613@2024", False, id="name-before-an-at"),
        pytest.param(["claude-3-5-sonnet@20240620"], [], "vertex/claude-3-5-sonnet@20240620", True,
                     id="dated-spelling-listed-whole"),
    ],
)
def test_build_prefilter_text_after_a_name(
    names: list[str], tunable: list[str], source: str, expected: bool
) -> None:
    assert build_prefilter(names, tunable).may_contain(source.encode("utf-8")) is expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=module(_BUNDLED_NAMES), around=st.sampled_from(["", "é = 1\n", "# ß \u212a\n"]))
def test_names_standing_in_a_module_answer_for_each_token(
    bundled_index: ModelIndex, source: str, around: str
) -> None:
    """The one pass over a module (`Prefilter.standing`) says of each string and comment that
    is ASCII without a backslash what `may_contain` says of it alone, other characters of the
    module beyond ASCII or not."""
    from modelguard.scan.pylex import Unlexable, lex

    text = around + source + around
    try:
        tokens = lex(text).tokens
    except Unlexable:
        return
    standing = bundled_index.prefilter().standing(text)
    assert standing is not None
    for token in tokens:
        raw = text[token.start:token.end]
        if raw.isascii() and "\\" not in raw:
            inside = any(token.start <= start and end <= token.end for start, end in standing)
            assert inside == bundled_index.may_contain(raw), raw
