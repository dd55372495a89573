"""`report merge --format html`: the page's structure, read back with an HTML parser.

The golden file tests/golden_merge/merged.html.json holds the structure of the page merged from
the fixture reports (tables with their cells, links, the timeline's labels), not its bytes:
the SVG's drawing commands may change with matplotlib. After an intended change:
`python -m pytest tests/report/test_dashboard.py --update-goldens`."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from modelguard.report.dashboard import render_html
from modelguard.report.merge import merge
from tests.conftest import FIXTURES, TESTS, run_cli
from tests.report.dashboard_dom import Page, read_page

REPORTS = FIXTURES / "reports"
NAMES = ("shop.json", "shop-rescan.json", "api.json", "legacy-v1.json")
GOLDEN = TESTS / "golden_merge" / "merged.html.json"
TODAY = "2025-06-01"


def _merge_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *names: str) -> str:
    monkeypatch.chdir(REPORTS)  # a report naming no repository is known by its path as given
    out = tmp_path / "merged.html"
    result = run_cli("report", "merge", *names, "--format", "html", "--output", str(out),
                     "--as-of", TODAY, "--registry", str(FIXTURES / "registry"))
    assert (result.exit_code, result.output) == (0, "")
    return out.read_text(encoding="utf-8")


def _structure(page: Page) -> dict[str, Any]:
    return {
        "tables": [{"id": t.id, "classes": list(t.classes), "section": t.section,
                    "headers": t.headers, "rows": t.rows} for t in page.tables],
        "links": [list(link) for link in page.links],
        "timeline_labels": [t for t in page.svg_texts if " · " in t or t.startswith("today")],
    }


def test_html_merge_matches_its_golden_structure(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 request: pytest.FixtureRequest) -> None:
    structure = _structure(read_page(_merge_page(tmp_path, monkeypatch, *NAMES)))
    text = json.dumps(structure, indent=2, ensure_ascii=False) + "\n"
    if request.config.getoption("update_goldens"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.read_text(encoding="utf-8") == text


def test_each_repository_table_holds_the_moves_of_the_json_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = read_page(_merge_page(tmp_path, monkeypatch, *NAMES))
    merged = json.loads((TESTS / "golden_merge" / "merged.json").read_text())
    index = next(t for t in page.tables if t.id == "repository-index")
    assert [row[0] for row in index.rows] == [r["name"] for r in merged["repositories"]]
    assert [int(row[1]) for row in index.rows] == [r["findings"] for r in merged["repositories"]]
    tables = [t for t in page.tables if "moves" in t.classes]
    assert [t.section for t in tables] == [f"repo-{n}" for n in range(1, len(tables) + 1)]
    for table, repository in zip(tables, merged["repositories"], strict=True):
        assert "sortable" in table.classes
        assert [(row[0], row[1], row[3], int(row[5])) for row in table.rows] == [
            (m["shutdown"] or "no date", m["model"], m["status"], m["findings"])
            for m in repository["moves"]]


def test_the_page_loads_nothing_and_runs_only_its_own_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = read_page(_merge_page(tmp_path, monkeypatch, *NAMES))
    assert page.loads == []
    assert len(page.scripts) == 1
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    assert page.csp is not None
    assert page.csp.startswith("default-src 'none';")
    assert f"script-src 'sha256-{digest}';" in page.csp
    assert all(href.startswith(("#repo-", "https://")) for href, _ in page.links)


def test_the_timeline_marks_today_and_names_each_dated_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = read_page(_merge_page(tmp_path, monkeypatch, *NAMES))
    merged = json.loads((TESTS / "golden_merge" / "merged.json").read_text())
    dated = {(m["model"], m["provider"]) for r in merged["repositories"] for m in r["moves"]
             if m["shutdown"]}
    assert page.tags.get("svg") == 1
    statuses = {m["status"] for r in merged["repositories"] for m in r["moves"] if m["shutdown"]}
    assert {"timeline", "timeline-today"} | {f"timeline-{s}" for s in statuses} <= set(page.ids)
    assert len(page.ids) == len(set(page.ids))
    assert f"today {TODAY}" in page.svg_texts
    labels = {t.split(" · ")[0] for t in page.svg_texts if " · " in t}
    assert labels == {f"{model} ({provider})" for model, provider in dated}


def test_a_merge_without_dates_has_no_chart(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads((REPORTS / "api.json").read_text())
    for finding in document["findings"]:
        finding["shutdown"] = None
    (tmp_path / "undated.json").write_text(json.dumps(document))
    result = run_cli("report", "merge", str(tmp_path / "undated.json"), "--format", "html",
                     "--registry", str(FIXTURES / "registry"))
    assert result.exit_code == 0
    assert "<svg" not in result.stdout
    assert "No finding has a shutdown date." in result.stdout


HOSTILE = "<script>alert(1)</script>"


def _hostile_report() -> Any:
    document = copy.deepcopy(json.loads((REPORTS / "api.json").read_text()))
    document["repository"]["name"] = f"acme/{HOSTILE}"
    document["findings"][0].update(model='<img src=x onerror="alert(2)">', entry="evil",
                                   path='"><b>path</b>', replacement="$x^2$ </td>",
                                   status='x" onmouseover="alert(3)')
    document["findings"][1].update(entry="plain", status="sunset")
    return document


def _hostile_page() -> Page:
    merged = merge([("hostile.json", _hostile_report())])
    sources = {("anthropic", "evil"): "javascript:alert(4)",
               ("openai", "plain"): "http://example.com/deprecations"}
    return read_page(render_html(merged, today=date(2025, 6, 1), tool_version="test",
                                 sources=sources))


def test_text_from_reports_and_registries_is_escaped_and_only_https_is_linked() -> None:
    page = _hostile_page()
    assert len(page.scripts) == 1
    assert not {"img", "b"} & set(page.tags)
    table = next(t for t in page.tables if "moves" in t.classes)
    cells = {cell for row in table.rows for cell in row}
    assert {'<img src=x onerror="alert(2)">', "$x^2$ </td>", 'x" onmouseover="alert(3)', "sunset",
            "javascript:alert(4)", "http://example.com/deprecations"} <= cells
    assert [href for href, _ in page.links] == ["#repo-1"]
    # Statuses this version does not know share one colour, legend entry and element id.
    assert page.ids.count("timeline-other") == 1
    assert len(page.ids) == len(set(page.ids))
    index = next(t for t in page.tables if t.id == "repository-index")
    assert index.rows[0][0] == f"acme/{HOSTILE}"
    # The chart draws ids as text, dollar signs included (never read as mathtext).
    assert any(t.startswith('<img src=x onerror="alert(2)"> (anthropic)')
               for t in page.svg_texts)


def test_without_the_html_extra_html_exits_2_naming_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    out = tmp_path / "merged.html"
    result = run_cli("report", "merge", str(REPORTS / "api.json"), "--format", "html",
                     "--output", str(out))
    assert (result.exit_code, result.stderr) == (
        2, "modelguard: error: --format html needs matplotlib: pip install "
           "'modelguard-cli[html]'\n")
    assert not out.exists()
