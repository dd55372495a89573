"""Files that hold thousands of ids: every one is reported, where it is, and the reports that
stream them say exactly what the unstreamed ones would. (How long it takes is measured by
bench/many_findings.py, not here.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelguard.api import check_paths
from modelguard.registry.index import ModelIndex
from modelguard.report.json import render
from modelguard.report.sarif import SarifReporter, sarif_document
from modelguard.scan import ScanSettings
from modelguard.scan.python import scan_python
from tests.conftest import AFTER

ID = "gpt-4.5-preview"
COUNT = 1500

LINES = {
    # the same line again and again: read once, the others moved into place
    "repeated": lambda n: f'client.create(model="{ID}")  # was {ID}\n',
    # every line its own
    "distinct": lambda n: f'MODEL_{n} = "{ID}"\n',
    # the same text at changing depths, inside blocks, some silenced
    "indented": lambda n: (
        f'if x{n}:\n    m = "{ID}"\n' if n % 3 == 0
        else f'    m = "{ID}"' + ("  # modelguard: ignore\n" if n % 7 == 0 else "\n") if n % 3 == 1
        else f'    if y:\n        m = "{ID}"\n'),
}


@pytest.fixture(params=sorted(LINES))
def generated(request: pytest.FixtureRequest) -> str:
    return "".join(LINES[request.param](n) for n in range(COUNT))


def test_every_id_is_found_where_a_whole_module_scan_finds_it(
    generated: str, index: ModelIndex
) -> None:
    def key(hit: object) -> tuple[object, ...]:
        return (hit.span.line, hit.span.column, hit.written)  # type: ignore[attr-defined]

    fast, fast_suppressions = scan_python(generated, index)
    whole, whole_suppressions = scan_python(generated, index, whole_module=True)
    assert sorted(fast, key=key) == sorted(whole, key=key)
    assert fast_suppressions == whole_suppressions
    assert len(fast) >= COUNT - COUNT // 7


def test_thousands_of_findings_per_file_are_all_reported(
    tmp_path: Path, index: ModelIndex
) -> None:
    lines = "".join(f'MODEL_{n} = "{ID}"\n' for n in range(COUNT))
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(lines)
    report = check_paths([tmp_path], index, ScanSettings(AFTER), jobs=2)
    assert len(report.findings) == 2 * COUNT
    assert [f.line for f in report.findings if f.path.endswith("a.py")] == list(
        range(1, COUNT + 1))
    assert len({id(f.message) for f in report.findings}) == 2  # shared, not one per finding


def test_streamed_reports_equal_the_documents_they_stream(
    tmp_path: Path, index: ModelIndex
) -> None:
    (tmp_path / "a.py").write_text(
        "".join(f'MODEL_{n} = "{ID}"  # {ID}\n' for n in range(COUNT)))
    report = check_paths([tmp_path], index, ScanSettings(AFTER), jobs=1)
    document = json.loads(render(report))
    assert len(document["findings"]) == 2 * COUNT
    unstreamed = json.dumps(sarif_document(report), indent=2, ensure_ascii=False) + "\n"
    assert SarifReporter().render(report) == unstreamed
