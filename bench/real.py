"""Benchmark on real repositories: every target row of issue 17, with ripgrep in the same run.

    python bench/corpus.py                                   # extract bench/repos.toml's repos
    python bench/real.py bench/.corpus/* --runs 3 --output bench/results.md

Takes folders (the corpus bench/corpus.py extracts, or any others) and prints, as Markdown:

- ripgrep with every name of the bundled registry (`rg -l -i -F -f names.txt FOLDERS`): the floor;
- cold `check` (`--no-cache`) and warm `check` (cache filled by an untimed run), as ratios to rg;
- peak memory (RSS of the largest process, pool workers included) of a cold `check` on a growing
  number of the folders, against the number of files scanned;
- `fix --unsafe-fixes --diff` over every folder (it plans, rewrites in memory and verifies every
  file as a write would, and writes nothing) against the cold `check`;
- one file, as a pre-commit hook runs it (`check` and `fix --diff` of a file without ids and of one
  with a fixable id, cache off) against `python -c "import click"`.

Every row is repeated `--runs` times, interleaved (run 1 of every row, then run 2...), so a burst of
load from other processes lands on all rows alike; the tables show medians and minima, and the
ratios divide medians of this one run. The folders are read once first so the page cache holds them.
Each command runs in a fresh interpreter from a scratch working folder (the cache lives there).
Without ripgrep on PATH the rg rows say so and the ratios to it are left out.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Runs a command, then prints the peak RSS of its process tree (the largest single process;
# Linux counts the pool workers, which the command waits for) in kB.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
)


@dataclass
class Row:
    label: str
    shown: str
    command: list[str]
    seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure(row: Row, cwd: Path, before: list[str] | None = None) -> None:
    if before:
        subprocess.run(before, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *row.command], cwd=cwd,
                          capture_output=True, text=True, check=True)
    row.seconds.append(time.perf_counter() - start)
    row.rss_kb.append(int(done.stdout.split()[0]))


def modelguard(*args: str) -> list[str]:
    return [sys.executable, "-m", "modelguard", *args]


def scannable_count(folders: list[Path]) -> tuple[int, int]:
    """Files `check` scans under the folders (its JSON report), and the bytes of the files with
    a suffix it scans (.git left out; ignore files not applied)."""
    out = subprocess.run(modelguard("check", "--no-cache", "--format", "json", "--exit-zero",
                                    "-q", *map(str, folders)),
                         capture_output=True, text=True, check=True).stdout
    from modelguard.scan import can_scan

    size = sum(os.path.getsize(os.path.join(root, name))
               for folder in folders for root, dirs, names in os.walk(folder)
               if not dirs.__setitem__(slice(None), [d for d in dirs if d != ".git"])
               for name in names if can_scan(name) and os.path.isfile(os.path.join(root, name)))
    return int(json.loads(out)["summary"]["files_scanned"]), size


def names_file(into: Path) -> Path:
    from modelguard.registry.index import build_index
    from modelguard.registry.load import bundled_registry_dir, load_registry

    index = build_index(load_registry(bundled_registry_dir()))
    path = into / "names.txt"
    path.write_text("\n".join(sorted({name.casefold() for name in index._names})) + "\n")
    return path


def one_files(folders: list[Path]) -> tuple[Path, Path]:
    """A Python file naming no model, and one with an id `fix` rewrites (without
    --unsafe-fixes), both under the folders; small ones, as a commit stages."""
    from modelguard.registry.index import build_index
    from modelguard.registry.load import bundled_registry_dir, load_registry
    from modelguard.scan import ScanSettings, scan_source

    index = build_index(load_registry(bundled_registry_dir()))
    settings = ScanSettings(date.today())
    clean = fixable = None
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            if ".git" in path.parts or not path.is_file() or path.stat().st_size > 20_000:
                continue
            data = path.read_bytes()
            if clean is None and path.stat().st_size > 2_000 and not index.may_contain(data):
                clean = path
            if fixable is None and index.may_contain(data):
                try:
                    found = scan_source(str(path), data, index, settings)
                except Exception:
                    continue
                if any(f.fix.value == "safe" and f.replacement for f in found):
                    fixable = path
            if clean is not None and fixable is not None:
                return clean, fixable
    raise SystemExit("no Python file without ids, or none with a fixable id, under the folders")


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rg = shutil.which("rg")
    version = (subprocess.run([rg, "--version"], capture_output=True, text=True).stdout
               .splitlines()[0] if rg else "absent (rows against rg left out)")
    return [
        f"- machine: `{platform.node()}`, `{' '.join(platform.uname()[:3])}` "
        f"{platform.machine()}",
        f"- CPU: {cpu}; `os.cpu_count()` = {os.cpu_count()}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- ripgrep: {version}",
        f"- load average (1, 5, 15 min) at the start: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, help="also write the Markdown here")
    args = parser.parse_args(argv)
    folders = [f.resolve() for f in args.folders if f.is_dir()]
    if len(folders) != len(args.folders):
        print("error: every argument must be a folder", file=sys.stderr)
        return 2
    rg = shutil.which("rg")
    if rg is None:
        print("note: ripgrep (rg) is not on PATH: its rows are left out "
              "(apt-get install ripgrep)", file=sys.stderr)
    lines = ["# modelguard on real repositories", "",
             f"Generated by `python bench/real.py {' '.join(_shown(f) for f in folders)} "
             f"--runs {args.runs}` on {date.today()}.", "", "## Machine", "", *machine(), ""]
    # An installed wheel's modules are byte-compiled by pip; a source checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module on every start instead.
    import modelguard as package

    compileall.compile_dir(Path(package.__file__).parent, quiet=1)
    lines += ["Bytecode: the `modelguard` package is byte-compiled first (`compileall`), as pip "
              "does when it installs the wheel.", ""]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        names = names_file(work)
        files, size = scannable_count(folders)  # also reads every folder into the page cache
        clean, fixable = one_files(folders)
        targets = [str(f) for f in folders]
        rows = {
            "rg": Row("ripgrep, every registry name", "rg -l -i -F -f names.txt FOLDERS",
                      [rg, "-l", "-i", "-F", "-f", str(names), *targets]) if rg else None,
            "cold": Row("check, cold", "modelguard check --no-cache FOLDERS",
                        modelguard("check", "--no-cache", "--format", "json", "--exit-zero",
                                   *targets)),
            "warm": Row("check, warm", "modelguard check FOLDERS (cache filled)",
                        modelguard("check", "--format", "json", "--exit-zero", *targets)),
            "fix": Row("fix, whole corpus", "modelguard fix --unsafe-fixes --diff --no-cache "
                       "FOLDERS", modelguard("fix", "--unsafe-fixes", "--diff", "--no-cache",
                                             *targets)),
            "click": Row("python -c 'import click'", "python -c 'import click'",
                         [sys.executable, "-c", "import click"]),
            "check1": Row("check, one file without ids", f"modelguard check --no-cache "
                          f"{_shown(clean)}", modelguard("check", "--no-cache", str(clean))),
            "check1id": Row("check, one file with a fixable id", f"modelguard check --no-cache "
                            f"{_shown(fixable)}", modelguard("check", "--no-cache", "--exit-zero",
                                                            str(fixable))),
            "fix1": Row("fix, one file without ids", f"modelguard fix --diff --no-cache "
                        f"{_shown(clean)}", modelguard("fix", "--diff", "--no-cache", str(clean))),
            "fix1id": Row("fix, one file with a fixable id", f"modelguard fix --diff --no-cache "
                          f"{_shown(fixable)}", modelguard("fix", "--diff", "--no-cache",
                                                          str(fixable))),
        }
        # Memory against the number of files: cold checks of a growing share of the folders.
        steps = sorted({max(1, len(folders) * k // 4) for k in (1, 2, 3, 4)})
        memory = [(Row(f"check, cold, {n} folder(s)", "", modelguard(
            "check", "--no-cache", "--format", "json", "--exit-zero",
            *targets[:n])), folders[:n]) for n in steps]
        # The cache the warm row reads: filled once, untimed.
        subprocess.run(rows["warm"].command, cwd=work, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for number in range(args.runs):
            print(f"run {number + 1} of {args.runs}", file=sys.stderr)
            for row in rows.values():
                if row is not None:
                    measure(row, work)
            for row, _ in memory:
                if number == 0:
                    measure(row, work)
        counts = [scannable_count(subset)[0] for _, subset in memory]
    lines += _tables(rows, memory, counts, files, size, args.runs)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output is not None:
        args.output.write_text(text)
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _tables(rows: dict[str, Row | None], memory: list[tuple[Row, list[Path]]], counts: list[int],
            files: int, size: int, runs: int) -> list[str]:
    rg, cold, warm, fix, click = (rows[k] for k in ("rg", "cold", "warm", "fix", "click"))
    assert cold is not None and warm is not None and fix is not None and click is not None
    lines = ["## Corpus", "", f"- {files:,} files scanned; {size / 1e6:.1f} MB in the files of "
             "the suffixes modelguard scans", "",
             "## Rows", "",
             f"Wall-clock seconds, median and minimum of {runs} interleaved runs; peak RSS of "
             "the largest process (pool workers included).", "",
             "| row | command | median s | min s | peak RSS MB |",
             "| --- | --- | ---: | ---: | ---: |"]
    for row in rows.values():
        if row is None:
            lines.append("| ripgrep | rg not on PATH: not measured | | | |")
            continue
        lines.append(f"| {row.label} | `{row.shown}` | {row.median:.3f} | {min(row.seconds):.3f} "
                     f"| {max(row.rss_kb) / 1024:.0f} |")
    lines += ["", "## Targets (ratios of medians from this run)", "",
              "| target | measured | goal | met |", "| --- | ---: | --- | --- |"]

    def target(name: str, value: float, goal: str, met: bool, unit: str = "x") -> None:
        shown = f"{value:.2f}{unit}" if unit == "x" else f"{value:+.3f} s"
        lines.append(f"| {name} | {shown} | {goal} | {'yes' if met else 'no'} |")

    if rg is not None:
        target("cold check / rg", cold.median / rg.median, "<= 3x",
               cold.median <= 3 * rg.median)
        target("warm check / rg", warm.median / rg.median, "<= 1.5x",
               warm.median <= 1.5 * rg.median)
    target("fix over the corpus / cold check", fix.median / cold.median, "<= 2x",
           fix.median <= 2 * cold.median)
    for key, name in (("check1", "one-file check, no ids"), ("check1id", "one-file check, an id"),
                      ("fix1", "one-file fix, no ids"), ("fix1id", "one-file fix, an id")):
        row = rows[key]
        assert row is not None
        above = row.median - click.median
        target(f"{name}, above `import click`", above, "<= +0.15 s", above <= 0.15, unit="s")
    lines += ["", "## Memory against the number of files (cold check, one run each)", "",
              "| folders | files | seconds | peak RSS MB |", "| ---: | ---: | ---: | ---: |"]
    for (row, subset), count in zip(memory, counts, strict=True):
        lines.append(f"| {len(subset)} | {count:,} | {row.seconds[0]:.2f} | "
                     f"{row.rss_kb[0] / 1024:.0f} |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
