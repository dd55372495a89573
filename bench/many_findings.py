"""Time and peak RSS of `modelguard check` over files that each hold thousands of ids.

    python bench/many_findings.py [--files 200] [--ids 5000] [--shapes lines,list,json]
                                  [--formats json,sarif,text] [--jobs 2]

Issue 20 measured 1,000,000 findings in 200 files at 300 s and 854 MB (the defaults here).
Each shape is one way a file comes to hold thousands of ids:
  lines  a Python module with one model assignment or call per line (a generated client)
  list   a Python module holding one long list of ids (a catalogue), one logical line
  json   a JSON array of {"model": ...} objects (a fixture or an export)
Half the ids are retired (MG001, a safe fix), half in comments or prose (MG004) for `lines`.
Each (shape, format) is one fresh `modelguard check` process with no cache, writing the report
to a file; the figures are its wall time, the CPU time of it and its pool workers (steadier
than wall time on a shared machine) and the peak RSS of its largest process (getrusage).
`--base DIR` runs a copy of another version as well (e.g. `git archive COMMIT | tar -x -C
DIR`), alternating with this one, so both meet the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RETIRED = "gpt-4-32k"  # shut down 2025-06-06 (registry/openai.toml)
AS_OF = "2026-12-01"


def lines_module(ids: int) -> str:
    out = []
    for n in range(ids // 2):
        out.append(f'client.create(model="{RETIRED}")  # was text-davinci-003\n' if n % 2 else
                   f'MODEL_{n} = "{RETIRED}"  # see text-davinci-003\n')
    return "".join(out)


def list_module(ids: int) -> str:
    return "MODELS = [\n" + "".join(f'    "{RETIRED}",\n' for _ in range(ids)) + "]\n"


def json_document(ids: int) -> str:
    return json.dumps([{"model": RETIRED, "n": n} for n in range(ids)], indent=1) + "\n"


SHAPES = {"lines": ("py", lines_module), "list": ("py", list_module),
          "json": ("json", json_document)}


def write_corpus(folder: Path, shape: str, files: int, ids: int) -> None:
    suffix, make = SHAPES[shape]
    text = make(ids)
    for number in range(files):
        (folder / f"m{number:04d}.{suffix}").write_text(text)


def run(folder: Path, fmt: str, jobs: int) -> tuple[float, float, float, int, str]:
    """Seconds, CPU seconds (the run and its pool workers), peak RSS (MiB) of the largest
    process, exit code and the last stderr line."""
    out = folder.parent / f"report.{fmt}"
    command = [sys.executable, "-m", "modelguard", "check", str(folder), "--isolated",
               "--no-cache", "--as-of", AS_OF, "--jobs", str(jobs), "--format", fmt,
               "--output", str(out)]
    start = time.perf_counter()
    # Run from the corpus's folder: `-m` puts the working folder first on sys.path, and from
    # a checkout that would import it whatever PYTHONPATH names.
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          cwd=folder.parent)
    seconds = time.perf_counter() - start
    # This process runs nothing else (see _isolated): its children's usage is this run's.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    last = (done.stderr.strip().splitlines() or [""])[-1]
    if out.exists():
        os.unlink(out)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, done.returncode, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--ids", type=int, default=5000, help="ids per file")
    parser.add_argument("--shapes", default="lines,list,json")
    parser.add_argument("--formats", default="json,sarif,text")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--base", type=Path, default=None,
                        help="a copy of another version, run alternately with this one")
    args = parser.parse_args()
    versions: list[Path | None] = [None] if args.base is None else [args.base, None]
    print(f"{args.files} files x {args.ids} ids, --jobs {args.jobs}")
    print(f"{'version':8} {'shape':6} {'format':6} {'seconds':>8} {'CPU s':>7} {'peak RSS':>10}"
          "  exit  summary")
    for shape in args.shapes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            folder.mkdir()
            write_corpus(folder, shape, args.files, args.ids)
            for fmt in args.formats.split(","):
                for version in versions:
                    seconds, cpu, rss, code, last = _isolated(folder, fmt, args.jobs, version)
                    name = "this" if version is None else "base"
                    print(f"{name:8} {shape:6} {fmt:6} {seconds:8.1f} {cpu:7.1f} {rss:7.0f} MiB"
                          f"  {code:4}  {last[:70]}", flush=True)


def _isolated(
    folder: Path, fmt: str, jobs: int, version: Path | None = None
) -> tuple[float, float, float, int, str]:
    """`run` in a fresh intermediate process, so RUSAGE_CHILDREN's figures are this run's
    alone; with `version`, that copy of modelguard is imported instead of this one."""
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            "from many_findings import run; from pathlib import Path; "
            f"print(*run(Path({str(folder)!r}), {fmt!r}, {jobs}), sep='\\t')")
    env = dict(os.environ)
    if version is not None:
        env["PYTHONPATH"] = str(version.absolute())
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout.rstrip("\n").split("\t")
    return float(out[0]), float(out[1]), float(out[2]), int(out[3]), out[4]


if __name__ == "__main__":
    main()
