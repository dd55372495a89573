"""Peak memory of `modelguard report merge` over 10 and over 1,000 synthetic reports.

    python bench/merge.py [--findings 50] [--counts 10,1000]

Each report is one repository at one commit with FINDINGS findings over a handful of models.
Each count is merged in a fresh interpreter, which reports its peak RSS (getrusage) and the
peak of Python allocations during the merge (tracemalloc), so the figures do not mix. What may
grow with the number of reports: the 16-byte dedup key per distinct finding and the list of
repositories and commits; everything else is bounded by repositories x models.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

MODELS = [("gpt-4.5-preview", "openai", "deprecated", "2025-07-14", "gpt-4.1"),
          ("text-davinci-003", "openai", "retired", "2024-01-04", "gpt-3.5-turbo-instruct"),
          ("claude-2.1", "anthropic", "deprecated", "2025-07-21", "claude-sonnet-4-0"),
          ("gemini-1.0-pro", "google", "retired", "2025-04-09", "gemini-2.0-flash")]

_CHILD = """
import resource, sys, time, tracemalloc
from pathlib import Path
from modelguard.cli.report import _documents
from modelguard.report.merge import merge, render_markdown
paths = tuple(sorted(Path(sys.argv[1]).glob("*.json")))[: int(sys.argv[2])]
tracemalloc.start()
start = time.perf_counter()
merged = merge(_documents(paths))
render_markdown(merged)
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(len(paths), merged.findings, peak, rss, seconds)
"""


def synthetic(index: int, findings: int) -> dict[str, object]:
    items = []
    for n in range(findings):
        model, provider, status, shutdown, replacement = MODELS[n % len(MODELS)]
        items.append({
            "path": f"src/module_{n // 4}.py", "line": n + 1, "column": 9, "end_line": n + 1,
            "end_column": 30, "rule": "MG002", "rule_name": "deprecated-model", "model": model,
            "provider": provider, "entry": model, "status": status, "announced": "2024-06-01",
            "shutdown": shutdown, "shutdown_qualifier": "exact", "days_left": 30,
            "replacement": replacement, "fix": "safe", "context": "keyword argument",
            "message": f"`{model}` is {status}", "fails": True,
        })
    return {"schema_version": 2, "tool": {"name": "modelguard", "version": "bench"},
            "repository": {"name": f"org/repo-{index:04d}", "commit": f"{index:040x}"},
            "registry": {"version": "bench"}, "as_of": "2025-05-01", "findings": items,
            "errors": [], "skipped": [], "summary": {}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, default=50)
    parser.add_argument("--counts", default="10,1000")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        for index in range(max(counts)):
            document = synthetic(index, args.findings)
            (Path(folder) / f"report-{index:04d}.json").write_text(json.dumps(document, indent=2))
        size = sum(p.stat().st_size for p in Path(folder).glob("*.json"))
        print(f"{max(counts)} reports, {args.findings} findings each, {size / 2**20:.1f} MiB "
              "of JSON in all")
        print("reports  findings  tracemalloc peak  peak RSS   seconds (under tracemalloc)")
        for count in counts:
            out = subprocess.run([sys.executable, "-c", _CHILD, folder, str(count)],
                                 check=True, capture_output=True, text=True).stdout.split()
            reports, findings, peak, rss, seconds = out
            print(f"{reports:>7}  {findings:>8}  {int(peak) / 2**20:>12.2f} MiB  "
                  f"{int(rss) / 2**10:>6.1f} MiB  {float(seconds):>7.2f}")


if __name__ == "__main__":
    main()
