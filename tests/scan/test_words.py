"""Ids that are also ordinary words (`davinci`, `command`) or tiny (`o1`): found only where the
place says model, written as the registry writes them; another case is never a safe fix."""

from __future__ import annotations

import datetime as dt

import pytest

from modelguard.findings import FixSafety
from modelguard.fix.run import FixedSource, fix_source
from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import bundled_registry_dir, load_registry
from modelguard.scan import ScanSettings, scan_source
from modelguard.scan.contexts import CONTEXTS, Context
from tests.conftest import AFTER

SAFE, UNSAFE, NONE = FixSafety.SAFE, FixSafety.UNSAFE, FixSafety.NONE
RETIRED = ("davinci", "command", "o1", "gpt-4")
ACTIVE = ("gpt-9", "o9", "command-9")


@pytest.fixture(scope="module")
def words(tmp_path_factory: pytest.TempPathFactory) -> ModelIndex:
    folder = tmp_path_factory.mktemp("words-registry")
    (folder / "registry.toml").write_text('schema = 1\nversion = "w"\npriority = ["acme"]\n')
    retired = "".join(
        f'[[models]]\nid = "{name}"\nshutdown = 2020-01-01\nreplacement = "{new}"\n'
        'source = "https://example.com"\n\n'
        for name, new in zip(RETIRED, ("gpt-9", "command-9", "o9", "gpt-9"), strict=True)
    )
    active = "".join(f'[[models]]\nid = "{name}"\nsource = "https://example.com"\n\n'
                     for name in ACTIVE)
    (folder / "acme.toml").write_text(
        f'provider = "acme"\nname = "Acme"\nprefixes = ["acme/"]\n\n{retired}{active}'
    )
    return build_index(load_registry(folder))


def _found(index: ModelIndex, path: str, source: str) -> list[tuple[str, FixSafety]]:
    return [(f.model, f.fix) for f in scan_source(path, source, index, ScanSettings(AFTER))]


PYTHON = [
    # Ordinary words where nothing says model: no finding at all.
    pytest.param('person = Person(name="davinci", age=36)', [], id="name-keyword"),
    pytest.param('painter = "davinci"', [], id="plain-assignment"),
    pytest.param('kind = "command"', [], id="kind-assignment"),
    pytest.param('server = {"command": "npx", "args": ["-y", "srv"]}', [], id="dict-key"),
    pytest.param('run({"command": "ls"})', [], id="single-key-dict"),
    pytest.param('hook = {"type": "command"}', [], id="dict-value"),
    pytest.param('line = data["command"]', [], id="subscript"),
    pytest.param('text = tool_input.get("command", "")', [], id="get-key"),
    pytest.param('parser.add_argument("command")', [], id="argparse-positional"),
    pytest.param('parser.add_argument("cmd", dest="command")', [], id="argparse-dest"),
    pytest.param('@pytest.mark.parametrize("command", CASES)\ndef test(command): ...', [],
                 id="parametrize-name"),
    pytest.param('assert meta["author"] == "davinci"', [], id="author-comparison"),
    pytest.param('assert "davinci" in meta["model"]', [], id="substring-test"),
    pytest.param('doc = {"authors": ["davinci"]}', [], id="one-member-list"),
    pytest.param('def greet(name="davinci"): ...', [], id="plain-parameter"),
    pytest.param('who = "Davinci"', [], id="capitalised-word"),
    pytest.param('model = "Davinci"', [], id="capitalised-word-in-model-slot"),
    # Tiny ids must be written case-exactly: `O1` is an order id.
    pytest.param('ORDERS = {"O1": {"id": "O1"}, "O2": {}}', [], id="order-ids"),
    pytest.param('pending = ["O1", "O2"]', [], id="order-list"),
    pytest.param('model = "O1"', [], id="tiny-id-other-case"),
    pytest.param('# ship order O1 first', [], id="tiny-id-in-prose"),
    pytest.param('# run the command, then davinci', [], id="words-in-prose"),
    # Real uses: the place says model.
    pytest.param('openai.Completion.create(model="davinci", prompt=p)', [("davinci", SAFE)],
                 id="model-keyword"),
    pytest.param('openai.Completion.create(engine="davinci")', [("davinci", SAFE)],
                 id="engine-keyword"),
    pytest.param('Agent(llm="command")', [("command", SAFE)], id="llm-keyword"),
    pytest.param('COHERE_MODEL = "command"', [("command", SAFE)], id="model-named-variable"),
    pytest.param('self.engine = "davinci"', [("davinci", SAFE)], id="model-named-attribute"),
    pytest.param('cfg["model"] = "davinci"', [("davinci", SAFE)], id="model-named-subscript"),
    pytest.param('def complete(p, model="davinci"): ...', [("davinci", SAFE)],
                 id="model-parameter"),
    pytest.param('body = {"model": "davinci", "prompt": p}', [("davinci", SAFE)],
                 id="model-key"),
    pytest.param('name = os.getenv("LLM_MODEL", "command")', [("command", SAFE)],
                 id="model-setting-default"),
    pytest.param('row = {"model": "davinci" if old else "command"}',
                 [("davinci", SAFE), ("command", SAFE)], id="conditional-under-model-key"),
    pytest.param('x = {"kind": "davinci" if old else "command"}', [],
                 id="conditional-under-plain-key"),
    pytest.param('if model == "davinci": pass', [("davinci", UNSAFE)], id="model-comparison"),
    pytest.param('SIZES = {"davinci": 2049, "gpt-4": 8192}',
                 [("davinci", UNSAFE), ("gpt-4", UNSAFE)], id="table-keyed-by-models"),
    pytest.param('OLD = ["davinci", "command"]', [("davinci", UNSAFE), ("command", UNSAFE)],
                 id="list-of-models"),
    pytest.param('x = "acme/command"', [("acme/command", SAFE)], id="behind-provider-prefix"),
    pytest.param('call("acme/davinci")', [("acme/davinci", UNSAFE)],
                 id="prefixed-call-argument"),
    # Distinctive ids (a digit, a dot or a hyphen) stay safe in any assignment.
    pytest.param('DEFAULT = "gpt-4"', [("gpt-4", SAFE)], id="distinctive-assignment"),
    pytest.param('x = "o1"', [("o1", SAFE)], id="tiny-id-as-registered"),
    # Another case than the registry's: found, never safe.
    pytest.param('model = "GPT-4"', [("GPT-4", UNSAFE)], id="other-case-model-slot"),
    pytest.param('def label(): return "GPT-4"', [("GPT-4", UNSAFE)], id="other-case-label"),
    pytest.param('# we left GPT-4', [("GPT-4", NONE)], id="other-case-mention"),
]


@pytest.mark.parametrize(("source", "expected"), PYTHON)
def test_python(words: ModelIndex, source: str, expected: list[tuple[str, FixSafety]]) -> None:
    assert _found(words, "t.py", source) == expected


TEXT = [
    pytest.param("hooks.json", '{"type": "command", "command": "make"}\n', [], id="json-hook"),
    pytest.param("mcp.json", '{"srv": {"command": "npx", "args": []}}\n', [], id="json-key"),
    pytest.param("app.yaml", "kind: command\n", [], id="yaml-plain-key"),
    pytest.param("app.yaml", "steps:\n  - command\n", [], id="yaml-list-item"),
    pytest.param("app.yaml", "order: O1\n", [], id="yaml-tiny-id-other-case"),
    pytest.param("app.toml", 'name = "davinci"\n', [], id="toml-plain-key"),
    pytest.param(".env", "RUNNER=command\n", [], id="env-plain-name"),
    pytest.param("app.js", 'const kind = "command";\n', [], id="js-plain-name"),
    pytest.param("app.json", '{"model": "davinci"}\n', [("davinci", SAFE)], id="json-model"),
    pytest.param("app.yaml", "engine: davinci\n", [("davinci", SAFE)], id="yaml-engine"),
    pytest.param("app.toml", 'default_model = "command"\n', [("command", SAFE)],
                 id="toml-model"),
    pytest.param(".env", "OPENAI_MODEL=davinci\n", [("davinci", SAFE)], id="env-model"),
    pytest.param("app.yaml", "fallback: acme/command\n", [("acme/command", UNSAFE)],
                 id="yaml-prefixed"),
    pytest.param("app.yaml", "model: GPT-4\n", [("GPT-4", UNSAFE)], id="yaml-other-case"),
    pytest.param("app.yaml", "model: O1\n", [], id="yaml-tiny-other-case-model"),
]


@pytest.mark.parametrize(("path", "source", "expected"), TEXT)
def test_text(
    words: ModelIndex, path: str, source: str, expected: list[tuple[str, FixSafety]]
) -> None:
    assert _found(words, path, source) == expected


def test_notebook_cells_follow_the_same_rules(words: ModelIndex) -> None:
    cell = '{"cell_type": "code", "metadata": {}, "outputs": [], "source": [%s]}'
    lines = ['"who = \\"Davinci\\"\\n"', '"kind = \\"command\\"\\n"', '"model = \\"davinci\\""']
    notebook = '{"cells": [%s], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}' % (
        cell % ", ".join(lines))
    assert _found(words, "n.ipynb", notebook) == [("davinci", SAFE)]


PLAIN_WORD_EXAMPLES = [
    pytest.param(context, example.replace("gpt-4.5-preview", "command"),
                 id=f"{context.name}-{number}-{'slot' if context.model_slot else 'other'}")
    for context in CONTEXTS
    for number, example in enumerate(context.examples)
]


@pytest.mark.parametrize(("context", "example"), PLAIN_WORD_EXAMPLES)
def test_context_examples_with_a_plain_word(index: ModelIndex, context: Context, example: str
                                            ) -> None:
    """The context table's examples again, with the plain-word id `command`: found exactly in
    the model slots."""
    found = [f for f in scan_source("t.py", example, index, ScanSettings(AFTER))
             if f.model == "command"]
    assert [(f.context, f.fix) for f in found] == (
        [(context.name, context.fix)] if context.model_slot else []
    )


AS_OF = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def bundled() -> ModelIndex:
    return build_index(load_registry(bundled_registry_dir()))


@pytest.mark.parametrize("allow_unsafe", [False, True], ids=["safe", "unsafe-too"])
@pytest.mark.parametrize(
    "source",
    ['name = "Ada"\n', 'painter = "davinci"\n', 'kind = "command"\n', 'order = "O1"\n'],
)
def test_fix_never_rewrites_ordinary_words(
    bundled: ModelIndex, source: str, allow_unsafe: bool
) -> None:
    outcome = fix_source(source, bundled, ScanSettings(AS_OF), allow_unsafe=allow_unsafe)
    assert isinstance(outcome, FixedSource)
    assert outcome.source == source.encode()


# `command` moves to another chat model; `davinci` (a completions model) would now move to a chat
# model, a manual migration `fix` never makes (tests/fix/test_endpoints.py).
@pytest.mark.parametrize("source", ['model = "command"\n', 'create(engine="command")\n'])
def test_fix_rewrites_words_in_model_slots(bundled: ModelIndex, source: str) -> None:
    outcome = fix_source(source, bundled, ScanSettings(AS_OF))
    assert isinstance(outcome, FixedSource)
    assert outcome.source != source.encode()
    assert b'"command"' not in outcome.source
