"""The dashboard page in a real browser: Debian's chromium, headless, driven by Playwright.

It opens the page from disk with every network request recorded, and checks what only a browser
can tell: the page runs without a console error, loads nothing, draws the chart and the tables,
and a click on a column header sorts that table. A screenshot of the page is kept as a test
artifact (its path is listed at the end of the run). CI installs chromium (.ci/run); elsewhere
the test skips when /usr/bin/chromium is absent."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, run_cli

CHROMIUM = Path("/usr/bin/chromium")
REPORTS = FIXTURES / "reports"
NAMES = ("shop.json", "shop-rescan.json", "api.json", "legacy-v1.json")
# Flags that let chromium run as root in a container with no GPU and keep it off the network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian's chromium at /usr/bin/chromium "
                              "(apt-get install chromium)"),
]


@pytest.fixture
def page_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The merged fixture reports plus one whose repository name is markup."""
    hostile = json.loads((REPORTS / "api.json").read_text())
    hostile["repository"]["name"] = 'acme/<img src="https://example.com/x.png">'
    (tmp_path / "hostile.json").write_text(json.dumps(hostile))
    monkeypatch.chdir(REPORTS)
    out = tmp_path / "dashboard.html"
    result = run_cli("report", "merge", *NAMES, str(tmp_path / "hostile.json"),
                     "--format", "html", "--output", str(out), "--as-of", "2025-06-01",
                     "--registry", str(FIXTURES / "registry"))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a new, empty user-data-dir
            executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1200, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()


def _column(page: Any, table: str, column: int) -> list[str]:
    texts: list[str] = page.locator(f"{table} tbody tr td:nth-child({column})").all_inner_texts()
    return [text.strip() for text in texts]


def test_the_dashboard_in_chromium(page_file: Path, browser_page: Any,
                                   keep_artifact: Callable[[str], Path]) -> None:
    page = browser_page
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("request", lambda request: requests.append(request.url))

    page.goto(page_file.as_uri(), wait_until="load")

    assert problems == []
    assert requests == [page_file.as_uri()]  # the page itself, nothing else
    chart = page.locator("#timeline svg")
    assert chart.count() == 1
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert page.locator("#timeline-today").count() == 1
    assert page.locator("table.moves").count() == 4
    assert page.locator("img").count() == 0  # the markup in a repository name stayed text
    assert page.evaluate("document.scripts.length") == 1

    # Sorting: the first repository's table by model, then reversed by a second click.
    table = "#repo-1 table"
    models = _column(page, table, 2)
    page.locator(f"{table} thead th", has_text="Model").locator("button").click()
    assert _column(page, table, 2) == sorted(models, key=str.lower)
    assert page.locator(f"{table} thead th", has_text="Model").get_attribute(
        "aria-sort") == "ascending"
    page.locator(f"{table} thead th", has_text="Model").locator("button").click()
    assert _column(page, table, 2) == sorted(models, key=str.lower, reverse=True)
    # Numbers sort as numbers in the repository index.
    index = "#repository-index"
    page.locator(f"{index} thead th", has_text="Findings").locator("button").click()
    counts = [int(text) for text in _column(page, index, 2)]
    assert counts == sorted(counts)
    assert problems == []

    screenshot = keep_artifact("dashboard.png")
    page.screenshot(path=str(screenshot), full_page=True)
    print(f"dashboard screenshot: {screenshot}")
    assert screenshot.read_bytes().startswith(b"\x89PNG")
