"""Peak memory of `modelguard report merge` over 10 and over 1,000 synthetic reports.

    python bench/merge.py [--findings 50] [--counts 10,1000] [--format markdown|json|html]
                          [--bound-mib 32]

Each report is one repository at one commit with FINDINGS findings over a handful of models.
Each count is merged in a fresh interpreter, which reports its peak RSS (getrusage) and the
peak of Python allocations during the merge (tracemalloc), so the figures do not mix. What may
grow with the number of reports: the 16-byte dedup key per distinct finding and the list of
repositories and commits; everything else is bounded by repositories x models. The run fails
(exit 1) when the merge of the largest count allocates more than --bound-mib at its peak, so the
claim "memory stays flat" is checked, not just printed. With --format html the figures include
drawing the timeline and rendering the page (its size is printed); the libraries are imported
before the measurement starts, so their import does not count.
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
import datetime, resource, sys, time, tracemalloc
from pathlib import Path
from modelguard.cli.report import _documents
from modelguard.report.merge import merge, render_json, render_markdown
fmt = sys.argv[3]
if fmt == "html":
    import jinja2, matplotlib.figure, matplotlib.backends.backend_svg
    from modelguard.report.dashboard import render_html
paths = tuple(sorted(Path(sys.argv[1]).glob("*.json")))[: int(sys.argv[2])]
tracemalloc.start()
start = time.perf_counter()
merged = merge(_documents(paths))
if fmt == "html":
    text = render_html(merged, today=datetime.date(2025, 5, 1), tool_version="bench",
                       sources={})
elif fmt == "json":
    text = render_json(merged, "bench")
else:
    text = render_markdown(merged)
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(len(paths), merged.findings, peak, rss, seconds, len(text.encode()))
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
    parser.add_argument("--format", default="markdown", choices=("markdown", "json", "html"))
    parser.add_argument("--bound-mib", type=float, default=32.0,
                        help="fail when the largest merge's tracemalloc peak exceeds this")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        for index in range(max(counts)):
            document = synthetic(index, args.findings)
            (Path(folder) / f"report-{index:04d}.json").write_text(json.dumps(document, indent=2))
        size = sum(p.stat().st_size for p in Path(folder).glob("*.json"))
        print(f"{max(counts)} reports, {args.findings} findings each, {size / 2**20:.1f} MiB "
              "of JSON in all")
        print(f"--format {args.format}")
        print("reports  findings  tracemalloc peak  peak RSS   seconds (under tracemalloc)  "
              "output")
        peaks = {}
        for count in counts:
            out = subprocess.run([sys.executable, "-c", _CHILD, folder, str(count), args.format],
                                 check=True, capture_output=True, text=True).stdout.split()
            reports, findings, peak, rss, seconds, size = out
            peaks[count] = int(peak) / 2**20
            print(f"{reports:>7}  {findings:>8}  {peaks[count]:>12.2f} MiB  "
                  f"{int(rss) / 2**10:>6.1f} MiB  {float(seconds):>7.2f}"
                  f"{'':>22}{int(size) / 2**10:>8.0f} KiB")
    if peaks[max(counts)] > args.bound_mib:
        sys.exit(f"memory bound exceeded: {peaks[max(counts)]:.2f} MiB > {args.bound_mib} MiB "
                 f"for {max(counts)} reports")
    print(f"within the memory bound: {peaks[max(counts)]:.2f} MiB <= {args.bound_mib} MiB")


if __name__ == "__main__":
    main()
