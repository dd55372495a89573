"""`fix` on notebooks: cell sources are rewritten in the raw JSON text, so the file comes back
byte for byte as it was except for the ids (no json.load / json.dump round trip).

The oracle for "only the id bytes change": the same notebook written by json.dumps (as Jupyter
writes it: indent=1, sorted keys, a final newline) from cell sources where the planned ids are
already replaced; outputs keep the old ids.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from modelguard.findings import FixSafety
from modelguard.fix.notebook import decode_json_string, fix_notebook_source
from modelguard.fix.plan import Edit, FixedSource, FixError, FixPlan
from modelguard.fix.run import fix_source
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings, scan_source
from tests.conftest import AFTER

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def _lines(source: str) -> list[str]:
    return source.splitlines(keepends=True)


def cookbook(old: str, new: str, *, ascii_only: bool = False) -> str:
    """A real-looking notebook: markdown, magics, shell lines, escapes before the ids, outputs
    (stream text naming the model, an image), a %%bash cell and a %%time cell. `old` is written
    where the fix applies; `new` marks where it must not (outputs, prose, shell, %%bash)."""
    cells: list[dict[str, Any]] = [
        {"cell_type": "markdown", "id": "a1", "metadata": {},
         "source": _lines(f"# Cookbook\n\nThis notebook calls `{new}` \u2014 see below.")},
        {"cell_type": "code", "execution_count": 1, "id": "b2", "metadata": {"tags": ["setup"]},
         "outputs": [],
         "source": _lines(f"%pip install -q openai\n!echo {new}\nimport openai\n"
                          "files = !ls\nclient = openai.OpenAI()")},
        {"cell_type": "code", "execution_count": 2, "id": "c3", "metadata": {},
         "outputs": [
             {"name": "stdout", "output_type": "stream", "text": [f"model: {new}\n"]},
             {"data": {"image/png": PNG, "text/plain": ["<Figure size 640x480>"]},
              "metadata": {}, "output_type": "display_data"},
         ],
         "source": _lines(
             'sep = "\\t|\\n"; label = "caf\u00e9 \\"quoted\\""; MODEL = "' + old + '"\n'
             "if True:\n"
             "    %time x = 1\n"
             "response = client.chat.completions.create(\n"
             f'    model="{old}",\n'
             "    messages=[{\"role\": \"user\", \"content\": \"Hi\\tthere\"}],\n"
             ")\n"
             f'print("asked {new}")'
         )},
        {"cell_type": "code", "execution_count": 3, "id": "d4", "metadata": {}, "outputs": [],
         "source": _lines("%%bash\n"
                          "curl https://api.openai.com/v1/chat/completions "
                          f"-d '{{\"model\": \"{new}\"}}'")},
        {"cell_type": "code", "execution_count": 4, "id": "e5", "metadata": {}, "outputs": [],
         "source": f"%%time\nfallback_model = '{old}'"},
    ]
    document = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"},
                     "language_info": {"name": "python", "version": "3.12.1"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=ascii_only) + "\n"


def fix(index: ModelIndex, data: bytes, unsafe: bool = False) -> FixedSource | FixError:
    return fix_source(data, index, ScanSettings(AFTER), allow_unsafe=unsafe, path="nb.ipynb")


@pytest.mark.parametrize("ascii_only", [
    pytest.param(False, id="utf-8-as-jupyter-writes"),
    pytest.param(True, id="ascii-escaped"),
])
def test_round_trip_changes_only_the_id_bytes(index: ModelIndex, ascii_only: bool) -> None:
    original = cookbook("gpt-4-32k", "gpt-4-32k", ascii_only=ascii_only).encode()
    outcome = fix(index, original)
    assert isinstance(outcome, FixedSource), outcome
    assert outcome.source == cookbook("gpt-4o", "gpt-4-32k", ascii_only=ascii_only).encode()
    assert len(outcome.plan.edits) == 3
    again = fix(index, outcome.source)
    assert isinstance(again, FixedSource) and again.source == outcome.source


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(b'{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], '
                 b'"source": ["x = 1\\n", "model = \\"gpt-4-32k\\""]}], "metadata": {}, '
                 b'"nbformat": 4, "nbformat_minor": 5}',
                 b'{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], '
                 b'"source": ["x = 1\\n", "model = \\"gpt-4o\\""]}], "metadata": {}, '
                 b'"nbformat": 4, "nbformat_minor": 5}', id="one-line-no-final-newline"),
    pytest.param(b'\xef\xbb\xbf{\r\n "cells": [{"cell_type": "code", "source": '
                 b'"model = \'gpt-4-32k\'\\r\\n"}],\r\n "metadata": {}, "nbformat": 4}\r\n',
                 b'\xef\xbb\xbf{\r\n "cells": [{"cell_type": "code", "source": '
                 b'"model = \'gpt-4o\'\\r\\n"}],\r\n "metadata": {}, "nbformat": 4}\r\n',
                 id="bom-crlf-string-source"),
    pytest.param(b'{"cells": [{"cell_type": "code", "source": ["a = \\"\\u00e9\\\\\\"\\"; '
                 b'model = \\"gpt-4-32k\\""]}], "nbformat": 4}\n',
                 b'{"cells": [{"cell_type": "code", "source": ["a = \\"\\u00e9\\\\\\"\\"; '
                 b'model = \\"gpt-4o\\""]}], "nbformat": 4}\n', id="escapes-before-the-id"),
    pytest.param(b'{"cells": [{"cell_type": "code", "source": ["s = \\"\\ud83d\\ude00\\"; '
                 b'model = \\"gpt-4-32k\\""]}], "nbformat": 4}\n',
                 b'{"cells": [{"cell_type": "code", "source": ["s = \\"\\ud83d\\ude00\\"; '
                 b'model = \\"gpt-4o\\""]}], "nbformat": 4}\n', id="surrogate-pair-before"),
    pytest.param(b'{"cells": [{"cell_type": "code", "source": ["x = ", "\\"gpt-4-32k\\""]}, '
                 b'{"cell_type": "code", "source": ["model = \\"gpt-4-32k\\""]}], "nbformat": 4}',
                 b'{"cells": [{"cell_type": "code", "source": ["x = ", "\\"gpt-4o\\""]}, '
                 b'{"cell_type": "code", "source": ["model = \\"gpt-4o\\""]}], "nbformat": 4}',
                 id="second-part-and-second-cell"),
])
def test_rewrites_raw_json(index: ModelIndex, source: bytes, expected: bytes) -> None:
    outcome = fix(index, source)
    assert isinstance(outcome, FixedSource), outcome
    assert outcome.source == expected
    json.loads(outcome.source.decode("utf-8-sig"))


PLAIN = b'{"cells": [{"cell_type": "code", "source": ["model = \\"gpt-4-32k\\""]}], "nbformat": 4}'


@pytest.mark.parametrize(("source", "message"), [
    pytest.param(PLAIN.replace(b"gpt-4", b"gpt\\u002d4"),
                 "cell 1:1:9: `gpt-4-32k` is written with JSON escapes", id="id-with-json-escapes"),
    pytest.param(PLAIN.replace(b"gpt-4-32k", b'gpt-4", "-32k'),
                 "cell 1:1:9: `gpt-4-32k` is split across", id="id-split-across-strings"),
])
def test_ids_it_cannot_edit_in_place_are_errors(index: ModelIndex, source: bytes,
                                                message: str) -> None:
    """Same cell source as PLAIN, spelled differently in the file (the scanner's byte prefilter
    does not see these spellings, so the plan comes from PLAIN)."""
    assert json.loads(source)["cells"][0]["source"] in (
        ["model = \"gpt-4-32k\""], ["model = \"gpt-4", "-32k\""])
    found = scan_source("nb.ipynb", PLAIN, index, ScanSettings(AFTER))
    plan = FixPlan(tuple(Edit(f.line, f.column, f.end_line, f.end_column, f.model,
                              "gpt-4o", f) for f in found))
    assert len(plan.edits) == 1
    outcome = fix_notebook_source(source, plan, index)
    assert isinstance(outcome, FixError)
    assert outcome.message.startswith(message)


def test_unsafe_fixes_on_request(index: ModelIndex) -> None:
    source = b'{"cells": [{"cell_type": "code", "source": "ok = m == \'gpt-4-32k\'"}]}'
    left = fix(index, source)
    assert isinstance(left, FixedSource) and left.source == source
    fixed = fix(index, source, unsafe=True)
    assert isinstance(fixed, FixedSource)
    assert fixed.source == source.replace(b"gpt-4-32k", b"gpt-4o")


def test_replacement_needing_json_escapes_is_refused(index: ModelIndex) -> None:
    source = cookbook("gpt-4-32k", "gpt-4-32k").encode()
    found = scan_source("nb.ipynb", source, index, ScanSettings(AFTER))
    plan = FixPlan(tuple(Edit(f.line, f.column, f.end_line, f.end_column, f.model, 'x"y', f)
                         for f in found if f.fix is FixSafety.SAFE))
    outcome = fix_notebook_source(source, plan, index)
    assert isinstance(outcome, FixError)
    assert "would need JSON escapes" in outcome.message


def test_rescan_catches_an_edit_that_changes_meaning(index: ModelIndex) -> None:
    source = b'{"cells": [{"cell_type": "code", "source": ["model = \'gpt-4-32k\'"]}]}'
    found = scan_source("nb.ipynb", source, index, ScanSettings(AFTER))
    plan = FixPlan(tuple(Edit(f.line, f.column, f.end_line, f.end_column, f.model,
                              "gpt-4o' + 'x", f) for f in found))
    outcome = fix_notebook_source(source, plan, index)
    assert isinstance(outcome, FixError)
    assert outcome.message.startswith("verification failed, file left unchanged: cell 1: ")


@pytest.mark.parametrize("value", [
    pytest.param("plain", id="plain"),
    pytest.param('q"b\\s/t\tn\nr\r\x01', id="short-escapes"),
    pytest.param("caf\u00e9 \u2603 \U0001f600", id="non-ascii"),
])
@pytest.mark.parametrize("ascii_only", [pytest.param(False, id="utf8"),
                                        pytest.param(True, id="ascii")])
def test_decode_json_string_locates_every_character(value: str, ascii_only: bool) -> None:
    token = json.dumps(value, ensure_ascii=ascii_only)
    text = "[" + token + "]"
    decoded, offsets = decode_json_string(text, 1, 1 + len(token))
    assert decoded == value
    assert offsets[-1] == len(token)  # the closing quote
    for k, char in enumerate(value):
        spelled = text[offsets[k]:offsets[k + 1]]
        assert json.loads('"' + spelled + '"') == char
