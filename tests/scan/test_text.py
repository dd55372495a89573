"""Text formats, specified as (file name, source, expected findings) tables.

Findings are (rule, line, column, end column, fix); columns are 1-based, the end exclusive.
Lifecycles are judged after gpt-4.5-preview's shutdown.
"""

from __future__ import annotations

import pytest

from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanError, ScanSettings, can_scan, scan_source
from modelguard.scan.formats import TextFormat, text_format
from modelguard.scan.languages import LANGUAGE_CONTEXTS
from modelguard.scan.text import TEXT_CONTEXTS, TextContext
from tests.conftest import AFTER, FindingRow, finding_rows

Row = FindingRow
_scan = finding_rows

# The contexts of data formats and of source languages, specified by their own examples.
EXAMPLES = [
    pytest.param(context, name, source, id=f"{context.name}-{number}-{name}")
    for context in (*TEXT_CONTEXTS, *LANGUAGE_CONTEXTS)
    for number, (name, source) in enumerate(context.examples)
]


@pytest.mark.parametrize(("context", "name", "source"), EXAMPLES)
def test_context_examples(index: ModelIndex, context: TextContext, name: str, source: str) -> None:
    (finding,) = [
        f for f in scan_source(name, source, index, ScanSettings(AFTER))
        if f.model == "gpt-4.5-preview"
    ]
    assert (finding.context, finding.fix) == (context.name, context.fix)


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        pytest.param("a.yaml", "model: gpt-4-32k\n", [("MG001", 1, 8, 17, "safe")], id="yaml-bare"),
        pytest.param("a.yaml", 'model: "gpt-4-32k"\n', [("MG001", 1, 8, 19, "safe")], id="yaml-quoted-span-includes-quotes"),
        pytest.param("a.yaml", "model: gpt-4-32k # was gpt-4.5-preview\n", [("MG001", 1, 8, 17, "safe"), ("MG004", 1, 24, 39, "none")], id="yaml-value-and-comment"),
        pytest.param("a.yaml", "url: http://x/#gpt-4-32k\n", [("MG004", 1, 16, 25, "none")], id="yaml-hash-inside-value-is-not-comment"),
        pytest.param("a.yaml", "model: gpt-4-32k-mini\n", [], id="yaml-longer-id"),
        pytest.param("a.yaml", "model: openai/gpt-4-32k\n", [("MG001", 1, 8, 24, "safe")], id="yaml-routed"),
        pytest.param("a.json", '{\n  "model": "gpt-4-32k",\n  "x": 1\n}\n', [("MG001", 2, 12, 23, "safe")], id="json-value"),
        pytest.param("a.json", '{"model": "gpt-4-32k\\n"}\n', [("MG004", 1, 12, 21, "none")], id="json-escape-not-whole"),
        pytest.param("a.json", '{"label": "gpt-4-32k"}\n', [("MG001", 1, 11, 22, "unsafe")], id="json-other-key"),
        pytest.param("a.toml", "model = 'gpt-4-32k'  # pinned\n", [("MG001", 1, 9, 20, "safe")], id="toml-literal-string"),
        pytest.param("a.toml", 'name = "x" # "gpt-4-32k"\n', [("MG004", 1, 15, 24, "none")], id="toml-quoted-in-comment"),
        pytest.param(".env", "OPENAI_MODEL=gpt-4-32k\n", [("MG001", 1, 14, 23, "safe")], id="env-bare"),
        pytest.param(".env.production", "MODEL='gpt-4-32k'\n", [("MG001", 1, 7, 18, "safe")], id="env-dotted-name"),
        pytest.param(".env", "# MODEL=gpt-4-32k\n", [("MG004", 1, 9, 18, "none")], id="env-commented-out"),
        pytest.param("tox.ini", "[llm]\n; old: gpt-4-32k\nengine: gpt-4-32k\n", [("MG004", 2, 8, 17, "none"), ("MG001", 3, 9, 18, "safe")], id="ini"),
        pytest.param("a.ts", "const m = { model: 'gpt-4-32k' }; // gpt-4-32k\n", [("MG001", 1, 20, 31, "safe"), ("MG004", 1, 38, 47, "none")], id="ts-object-and-comment"),
        pytest.param("a.ts", "const u = \"a // b\"; x = 'gpt-4-32k'\n", [("MG001", 1, 25, 36, "unsafe")], id="ts-slashes-inside-string"),
        pytest.param("a.ts", "const s = `${p}gpt-4-32k`;\n", [("MG004", 1, 16, 25, "none")], id="ts-template-with-placeholder"),
        pytest.param("a.js", "/*\nmodel: 'gpt-4-32k'\n*/\nx = 'gpt-4-32k'\n", [("MG004", 2, 9, 18, "none"), ("MG001", 4, 5, 16, "unsafe")], id="js-block-comment-spans-lines"),
        pytest.param("a.tsx", 'const s = "it\\"s gpt-4-32k";\n', [("MG004", 1, 18, 27, "none")], id="tsx-escaped-quote"),
        pytest.param("a.md", "Use `gpt-4-32k`, not gpt-4.5-preview.\n", [("MG004", 1, 6, 15, "none"), ("MG004", 1, 22, 37, "none")], id="markdown"),
        pytest.param("a.md", "model: gpt-4-32k\n", [("MG004", 1, 8, 17, "none")], id="markdown-is-always-prose"),
        pytest.param("a.yaml", "model: gpt-4-32k\r\nother: x\r\n", [("MG001", 1, 8, 17, "safe")], id="crlf"),
        pytest.param("a.yaml", "ü: x\nmodel: gpt-4-32k\n".encode(), [("MG001", 2, 8, 17, "safe")], id="utf8-bytes"),
    ],
)
def test_findings(index: ModelIndex, name: str, source: str | bytes, expected: list[Row]) -> None:
    assert _scan(index, name, source) == expected


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        pytest.param("a.yaml", "model: gpt-4-32k  # modelguard: ignore\n", [], id="hash-ignore"),
        pytest.param("a.yaml", "model: gpt-4-32k  # modelguard: ignore[MG001]\n", [], id="hash-ignore-rule"),
        pytest.param("a.yaml", "model: gpt-4-32k  # modelguard: ignore[MG004]\n", [("MG001", 1, 8, 17, "safe")], id="hash-ignore-other-rule"),
        pytest.param("a.ts", "x({ model: 'gpt-4-32k' })  // modelguard: ignore\n", [], id="slash-ignore"),
        pytest.param("a.yaml", "# modelguard: ignore\nmodel: gpt-4-32k\n", [("MG001", 2, 8, 17, "safe")], id="previous-line-does-not-count"),
    ],
)
def test_suppressions(index: ModelIndex, name: str, source: str, expected: list[Row]) -> None:
    assert _scan(index, name, source) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("a/b.yml", TextFormat.YAML, id="yml"),
        pytest.param("CONFIG.YAML", TextFormat.YAML, id="upper-case-suffix"),
        pytest.param(".env", TextFormat.ENV, id="dotenv"),
        pytest.param("app/.env.local", TextFormat.ENV, id="dotenv-variant"),
        pytest.param("prod.env", TextFormat.ENV, id="env-suffix"),
        pytest.param("setup.cfg", TextFormat.INI, id="cfg"),
        pytest.param("x.cjs", TextFormat.JS, id="cjs"),
        pytest.param("x.tsx", TextFormat.JS, id="tsx"),
        pytest.param("README.md", TextFormat.MARKDOWN, id="md"),
        pytest.param("x.py", None, id="python-is-not-text"),
        pytest.param("x.txt", None, id="txt"),
        pytest.param(".yaml", None, id="dotfile-without-stem"),
    ],
)
def test_text_format(path: str, expected: TextFormat | None) -> None:
    assert text_format(path) is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("a.py", True, id="py"),
        pytest.param("a.ipynb", True, id="notebook"),
        pytest.param("a.json", True, id="json"),
        pytest.param("a.txt", False, id="txt"),
        pytest.param("a.png", False, id="png"),
    ],
)
def test_can_scan(path: str, expected: bool) -> None:
    assert can_scan(path) is expected


def test_text_that_is_not_utf8_is_an_error(index: ModelIndex) -> None:
    with pytest.raises(ScanError, match="cannot decode as UTF-8"):
        scan_source("a.yaml", b"model: gpt-4-32k\n\xff\n", index, ScanSettings(AFTER))


def _closed_at(line: str, start: int) -> int:
    """The reference: the index of the quote closing the one at `start`, where a backslash
    escapes the character after it; -1 when the line ends first."""
    i = start + 1
    while i < len(line):
        if line[i] == "\\":
            i += 2
        elif line[i] == line[start]:
            return i
        else:
            i += 1
    return -1


def test_a_backslash_string_closes_where_the_reference_says() -> None:
    """Every line of up to 7 characters from a, a quote and a backslash, for each quote."""
    from itertools import product

    from modelguard.scan.text import _closing_quote

    for quote in "\"'`":
        for size in range(1, 8):
            for body in product(("a", quote, "\\"), repeat=size):
                line = quote + "".join(body)
                assert _closing_quote(line, 0, TextFormat.JSON) == _closed_at(line, 0), line
