"""`fix` on text formats, as pyupgrade-style tables: (file name, source) left alone, and
(file name, source, fixed) rewrites. Every fixed output must still parse in its format (where
a parser is at hand), and fixing it again must change nothing.

As of AFTER: gpt-4.5-preview → gpt-4.1, gpt-4-32k → gpt-4o, text-davinci-003 →
gpt-3.5-turbo-instruct.
"""

from __future__ import annotations

import configparser
import json
import re
import sys
from typing import Any

import pytest

from modelguard.findings import FixSafety
from modelguard.fix.plan import Edit, FixedSource, FixError, FixPlan
from modelguard.fix.run import fix_source
from modelguard.fix.text import fix_text_source
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings, scan_source
from modelguard.scan.formats import TextFormat, text_format
from tests.conftest import AFTER

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

yaml: Any = pytest.importorskip("yaml")  # PyYAML comes with libcst

_ENV_LINE = re.compile(r"^\s*(?:#.*|(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=.*)?$")


def parses(name: str, data: bytes) -> None:
    """Fail unless `data` parses as the format `name` says (JS/TS: no parser at hand)."""
    text = data.decode("utf-8-sig")
    fmt = text_format(name)
    if fmt is TextFormat.JSON and name.endswith(".json"):
        json.loads(text)
    elif fmt is TextFormat.TOML:
        tomllib.loads(text)
    elif fmt is TextFormat.YAML:
        yaml.safe_load(text)
    elif fmt is TextFormat.INI:
        configparser.ConfigParser().read_string(text)
    elif fmt is TextFormat.ENV:
        assert all(_ENV_LINE.match(line) for line in text.splitlines()), text


def fix(index: ModelIndex, name: str, source: bytes, unsafe: bool = False) -> bytes:
    outcome = fix_source(source, index, ScanSettings(AFTER), allow_unsafe=unsafe, path=name)
    assert isinstance(outcome, FixedSource), outcome
    return outcome.source


NOOP = [
    # Mentions are never rewritten.
    pytest.param("app.yaml", "# we left gpt-4-32k\nmodel: gpt-4o\n", id="yaml-comment"),
    pytest.param("app.yaml", "description: replaces gpt-4-32k soon\n", id="yaml-prose"),
    pytest.param("app.yaml", "note: >\n  we moved off gpt-4-32k\n", id="yaml-folded-prose"),
    pytest.param("app.json", '{"prompt": "act like gpt-4-32k"}\n', id="json-longer-string"),
    pytest.param("app.toml", '# model = "gpt-4-32k"\nmodel = "gpt-4o"\n', id="toml-comment"),
    pytest.param(".env", "# OPENAI_MODEL=gpt-4-32k\n", id="env-comment"),
    pytest.param("setup.cfg", "; engine = gpt-4-32k\n", id="ini-comment"),
    pytest.param("client.ts", "// gpt-4-32k\n/* gpt-4-32k */\n", id="ts-comments"),
    pytest.param("client.js", "const m = `${base}gpt-4-32k`;\n", id="js-template"),
    pytest.param("README.md", "model: gpt-4-32k\n", id="markdown-is-prose"),
    # Unsafe contexts, without --unsafe-fixes.
    pytest.param("app.yaml", 'fallback: "gpt-4-32k"\n', id="yaml-other-key"),
    pytest.param("app.yaml", "allowed:\n  - gpt-4-32k\n", id="yaml-list-item"),
    pytest.param("prices.json", '{"gpt-4-32k": 60.0}\n', id="json-key"),
    pytest.param("app.toml", 'models = ["gpt-4-32k"]\n', id="toml-list"),
    pytest.param("client.ts", 'if (model === "gpt-4-32k") {}\n', id="ts-comparison"),
    pytest.param(".env", "NAME=gpt-4-32k\n", id="env-other-name"),
    # Active ids, suppressions, unknown ids.
    pytest.param("app.yaml", "model: gpt-4.1\n", id="active"),
    pytest.param("app.yaml", "model: gpt-4-32k  # modelguard: ignore\n", id="suppressed"),
    pytest.param("client.ts", 'const model = "gpt-4-32k"; // modelguard: ignore[MG001]\n',
                 id="suppressed-code"),
    pytest.param("app.json", '{"model": "gpt-4-32k-turbo"}\n', id="longer-unknown-id"),
]


@pytest.mark.parametrize(("name", "source"), NOOP)
def test_leaves_alone(index: ModelIndex, name: str, source: str) -> None:
    data = source.encode()
    assert fix(index, name, data) == data


FIXED = [
    # YAML
    pytest.param("app.yaml", "llm:\n  model: gpt-4-32k  # old\n", "llm:\n  model: gpt-4o  # old\n",
                 id="yaml-bare"),
    pytest.param("app.yml", "- model: 'gpt-4.5-preview'\n", "- model: 'gpt-4.1'\n",
                 id="yaml-single-quoted"),
    pytest.param("app.yaml", 'model_name: "openai/gpt-4-32k"\n', 'model_name: "openai/gpt-4o"\n',
                 id="yaml-routing-prefix-kept"),
    # Another case than the registry's: found, but not a safe rewrite.
    pytest.param("app.yaml", "model: GPT-4-32K\n", "model: GPT-4-32K\n", id="yaml-case"),
    # JSON
    pytest.param("app.json", '{\n  "model": "gpt-4.5-preview",\n  "n": 1\n}\n',
                 '{\n  "model": "gpt-4.1",\n  "n": 1\n}\n', id="json"),
    pytest.param("app.json", '{"a": {"model": "gpt-4-32k"}, "b": [{"model": "text-davinci-003"}]}',
                 '{"a": {"model": "gpt-4o"}, "b": [{"model": "gpt-3.5-turbo-instruct"}]}',
                 id="json-nested-no-final-newline"),
    pytest.param("tsconfig.jsonc", '{\n  // pinned\n  "model": "gpt-4-32k"\n}\n',
                 '{\n  // pinned\n  "model": "gpt-4o"\n}\n', id="jsonc-comments-kept"),
    # TOML
    pytest.param("pyproject.toml", '[tool.app]\ndefault_model = "gpt-4-32k"  # pinned\n',
                 '[tool.app]\ndefault_model = "gpt-4o"  # pinned\n', id="toml"),
    pytest.param("app.toml", "model = 'gpt-4.5-preview'\n", "model = 'gpt-4.1'\n",
                 id="toml-literal-string"),
    pytest.param("app.toml", '[llm]\nmodel = "gpt-4-32k"\n[llm.fallback]\nmodel = "gpt-4-32k"\n',
                 '[llm]\nmodel = "gpt-4o"\n[llm.fallback]\nmodel = "gpt-4o"\n', id="toml-twice"),
    # .env
    pytest.param(".env", "OPENAI_MODEL=gpt-4-32k\n", "OPENAI_MODEL=gpt-4o\n", id="env-bare"),
    pytest.param(".env.local", 'export AZURE_DEPLOYMENT="gpt-4-32k"\n',
                 'export AZURE_DEPLOYMENT="gpt-4o"\n', id="env-export-quoted"),
    # INI / CFG
    pytest.param("setup.cfg", "[llm]\nengine = text-davinci-003\n",
                 "[llm]\nengine = gpt-3.5-turbo-instruct\n", id="ini"),
    pytest.param("tox.ini", "[llm]\nmodel=gpt-4-32k ; old\n", "[llm]\nmodel=gpt-4o ; old\n",
                 id="ini-inline-comment"),
    # JavaScript / TypeScript
    pytest.param("client.ts", 'const model: string = "gpt-4.5-preview";\n',
                 'const model: string = "gpt-4.1";\n', id="ts-typed-const"),
    pytest.param("client.js", "create({ model: 'gpt-4-32k', messages });  // gpt-4-32k\n",
                 "create({ model: 'gpt-4o', messages });  // gpt-4-32k\n",
                 id="js-object-comment-kept"),
    pytest.param("client.mjs", "this.modelName = `gpt-4-32k`;\n", "this.modelName = `gpt-4o`;\n",
                 id="js-template-literal"),
    pytest.param("app.tsx", 'function ask(model = "gpt-4-32k") {}\n',
                 'function ask(model = "gpt-4o") {}\n', id="tsx-default-parameter"),
    pytest.param("client.ts",
                 'const a = { model: "gpt-4-32k" }, b = { model: "gpt-4.5-preview" };\n',
                 'const a = { model: "gpt-4o" }, b = { model: "gpt-4.1" };\n',
                 id="ts-two-on-one-line"),
]


@pytest.mark.parametrize(("name", "source", "expected"), FIXED)
def test_rewrites(index: ModelIndex, name: str, source: str, expected: str) -> None:
    fixed = fix(index, name, source.encode())
    assert fixed == expected.encode()
    parses(name, fixed)
    assert fix(index, name, fixed) == fixed


UNSAFE = [
    pytest.param("app.yaml", 'fallback: "gpt-4-32k"\nallowed:\n  - gpt-4-32k\n',
                 'fallback: "gpt-4o"\nallowed:\n  - gpt-4o\n', id="yaml"),
    pytest.param("prices.json", '{"gpt-4-32k": 60.0, "gpt-4.1": 2.0}\n',
                 '{"gpt-4o": 60.0, "gpt-4.1": 2.0}\n', id="json-key"),
    pytest.param("app.toml", 'models = ["gpt-4-32k", "gpt-4.1"]\n',
                 'models = ["gpt-4o", "gpt-4.1"]\n', id="toml-list"),
    pytest.param("client.ts", 'if (model === "gpt-4-32k") {}\n', 'if (model === "gpt-4o") {}\n',
                 id="ts-comparison"),
]


@pytest.mark.parametrize(("name", "source", "expected"), UNSAFE)
def test_unsafe_fixes_on_request(index: ModelIndex, name: str, source: str, expected: str) -> None:
    assert fix(index, name, source.encode()) == source.encode()
    fixed = fix(index, name, source.encode(), unsafe=True)
    assert fixed == expected.encode()
    parses(name, fixed)


BYTES = [
    pytest.param("app.yaml", b"model: gpt-4-32k\r\nx: 1\r\n", b"model: gpt-4o\r\nx: 1\r\n",
                 id="crlf"),
    pytest.param("app.yaml", b"a: 1\nmodel: gpt-4-32k\r\nb: 2\n", b"a: 1\nmodel: gpt-4o\r\nb: 2\n",
                 id="mixed-line-endings"),
    pytest.param(".env", b"OPENAI_MODEL=gpt-4-32k", b"OPENAI_MODEL=gpt-4o", id="no-final-newline"),
    pytest.param("app.json", b'\xef\xbb\xbf{"model": "gpt-4-32k"}\n',
                 b'\xef\xbb\xbf{"model": "gpt-4o"}\n', id="utf-8-bom"),
    pytest.param("app.toml", b'title = "\xc3\xa9t\xc3\xa9"\nmodel = "gpt-4-32k"  # \xe2\x98\x83\n',
                 b'title = "\xc3\xa9t\xc3\xa9"\nmodel = "gpt-4o"  # \xe2\x98\x83\n', id="non-ascii"),
    pytest.param("app.yaml", b"llm:\n\tmodel:   gpt-4-32k   \n\n\n",
                 b"llm:\n\tmodel:   gpt-4o   \n\n\n", id="whitespace-and-blank-lines"),
    pytest.param("app.yaml", b"# a\rb\nmodel: gpt-4-32k\n", b"# a\rb\nmodel: gpt-4o\n",
                 id="lone-cr-is-not-a-line-break"),
]


@pytest.mark.parametrize(("name", "source", "expected"), BYTES)
def test_preserves_every_other_byte(index: ModelIndex, name: str, source: bytes,
                                    expected: bytes) -> None:
    assert fix(index, name, source) == expected


def test_not_utf8_is_an_error(index: ModelIndex) -> None:
    outcome = fix_source(b'model: "gpt-4-32k"  # \xff\n', index, ScanSettings(AFTER),
                         path="app.yaml")
    assert outcome == FixError("cannot decode as UTF-8: byte 22")


# Guard rails: a result that does not verify leaves the file alone, with the reason. ---------

REFUSED = [
    pytest.param("prices.json", '{"gpt-4-32k": 60.0, "gpt-4o": 5.0}\n',
                 "the JSON data changed shape", id="json-duplicate-key"),
    pytest.param("prices.toml", '"gpt-4-32k" = 60.0\n"gpt-4o" = 5.0\n',
                 "the result no longer parses as TOML", id="toml-duplicate-key"),
]


@pytest.mark.parametrize(("name", "source", "reason"), REFUSED)
def test_result_that_does_not_verify_is_refused(index: ModelIndex, name: str, source: str,
                                                reason: str) -> None:
    outcome = fix_source(source.encode(), index, ScanSettings(AFTER), allow_unsafe=True,
                         path=name)
    assert isinstance(outcome, FixError)
    assert outcome.message.startswith(f"verification failed, file left unchanged: {reason}")


def _plan(index: ModelIndex, name: str, source: bytes, new: str) -> FixPlan:
    """A plan that rewrites every safe finding to `new`, whatever the registry says."""
    found = scan_source(name, source, index, ScanSettings(AFTER))
    return FixPlan(tuple(
        Edit(f.line, f.column, f.end_line, f.end_column, f.model, new, f)
        for f in found if f.fix is FixSafety.SAFE
    ))


@pytest.mark.parametrize(("name", "source", "new", "reason"), [
    pytest.param("app.yaml", b"model: gpt-4-32k\n", "gpt-4o # x",
                 "1:8: the re-scan reads", id="yaml-value-becomes-a-comment"),
    pytest.param("app.json", b'{"model": "gpt-4-32k"}\n', 'gpt-4o", "x": "y',
                 "1:11: the re-scan reads", id="json-string-breaks-out"),
    pytest.param(".env", b"MODEL=gpt-4-32k\n", "gpt-4o\nOTHER=1",
                 "the number of lines changed", id="env-new-line"),
])
def test_rescan_catches_an_edit_that_changes_meaning(index: ModelIndex, name: str, source: bytes,
                                                     new: str, reason: str) -> None:
    fmt = text_format(name)
    assert fmt is not None
    outcome = fix_text_source(source, fmt, _plan(index, name, source, new), index)
    assert isinstance(outcome, FixError)
    assert outcome.message.startswith(f"verification failed, file left unchanged: {reason}")
