"""modelguard's own files: the result cache, and the baselines and reports it writes.

They hold model ids by design (a baseline records every accepted finding), so scanning one
reports those ids again and `fix` would rewrite the record. They are never scanned or fixed,
wherever they are and however they are named, explicitly too: a file is recognised by what it
holds, not by its name, since `--write-baseline` and `--output` take any name, and the run that
reads a baseline or report may not be the one that wrote it. Only the formats modelguard scans
matter (a report in a `.sarif`, `.xml`, `.jsonl` or `.txt` file is not scanned anyway):

- JSON: a baseline (`"format": "modelguard-baseline"`), a JSON report (`"tool": {"name":
  "modelguard", …}` beside `"findings"`), a SARIF log whose run's tool is modelguard;
- Markdown: the Markdown report, whose first line is its `## modelguard passed|failed: …`
  heading;
- anything inside a `.modelguard_cache` folder.

A text report written to a `.md` file carries no mark; the run that writes it leaves it out
(the files a run names are left out of its scan by the caller), a later one scans it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from modelguard.engine.cache import CACHE_DIR
from modelguard.report.baseline import FORMAT as BASELINE_FORMAT

TOOL = "modelguard"
_TOOL = TOOL.encode()
# Every marker sits in the first few hundred bytes of the file as modelguard writes it (a
# SARIF log names its driver after the schema and version); a file without the tool's name in
# its head is not parsed.
_HEAD = 4096
_MARKDOWN_REPORT = re.compile(rb"## modelguard (?:passed|failed): \d+ finding\(s\), ")


def own_file(path: str, source: bytes) -> str | None:
    """Why the file at `path` with these bytes is modelguard's own (the reason, for the list of
    skipped files), or None."""
    parts = path.replace("\\", "/").split("/") if CACHE_DIR in path else []
    if CACHE_DIR in parts[:-1]:
        return f"modelguard's result cache ({CACHE_DIR}/)"
    head = source[:_HEAD]
    if _TOOL not in head:
        return None
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name.endswith((".md", ".markdown")):
        return "modelguard's Markdown report" if _MARKDOWN_REPORT.match(head) else None
    if name.endswith((".json", ".jsonc", ".sarif")):
        return _json_kind(source)
    return None


def _json_kind(source: bytes) -> str | None:
    try:
        document: Any = json.loads(source.decode("utf-8-sig"))
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    if document.get("format") == BASELINE_FORMAT:
        return "modelguard's baseline"
    tool = document.get("tool")
    if isinstance(tool, dict) and tool.get("name") == TOOL and "findings" in document:
        return "modelguard's JSON report"
    runs = document.get("runs")
    if isinstance(runs, list) and any(_sarif_driver(run) == TOOL for run in runs):
        return "modelguard's SARIF report"
    return None


def _sarif_driver(run: Any) -> Any:
    tool = run.get("tool") if isinstance(run, dict) else None
    driver = tool.get("driver") if isinstance(tool, dict) else None
    return driver.get("name") if isinstance(driver, dict) else None
