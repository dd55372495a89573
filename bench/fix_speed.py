"""Benchmark of `fix` on big Python files with many ids (issue 17: `fix` against a cold `check`).

    python bench/fix_speed.py                 # 4 generated files, 3 runs
    python bench/fix_speed.py --profile       # and the top of a cProfile of one in-process run

Generates, in a scratch folder, copies of big stdlib modules with a call carrying a retired id
(`client.chat.completions.create(model="gpt-4-32k", ...)`) before every top-level `def` or
`class` that has no decorator, then times, each in a fresh interpreter: `check --no-cache` and
`fix --unsafe-fixes --diff` on that folder. Prints medians (and minima) in seconds and the
ratio fix / check.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

MODULES = ("argparse.py", "typing.py", "inspect.py", "_pydecimal.py")
CALL = 'client.chat.completions.create(model="gpt-4-32k", messages=[])  # call {n}\n'


def generate(folder: Path) -> int:
    """Writes the files; returns how many ids they hold."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    ids = 0
    for name in MODULES:
        lines = (stdlib / name).read_text(encoding="utf-8").splitlines(keepends=True)
        out: list[str] = []
        for number, line in enumerate(lines):
            previous = lines[number - 1] if number else "\n"
            if line.startswith(("def ", "class ")) and not previous.startswith("@"):
                out.append(CALL.format(n=ids))
                ids += 1
            out.append(line)
        (folder / f"big_{name}").write_text("".join(out), encoding="utf-8")
    return ids


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        ids = generate(folder)
        size = sum(p.stat().st_size for p in folder.iterdir())
        base = [sys.executable, "-m", "modelguard"]
        rows = {"check --no-cache": [*base, "check", "--no-cache", "."],
                "fix --unsafe-fixes --diff": [*base, "fix", "--unsafe-fixes", "--diff", "."]}
        seconds: dict[str, list[float]] = {label: [] for label in rows}
        for _ in range(args.runs):
            for label, command in rows.items():
                seconds[label].append(timed(command, folder))
        print(f"{len(MODULES)} files, {size / 1e6:.2f} MB, {ids} ids, {args.runs} runs")
        print("| command | median s | min s |\n|---|---|---|")
        for label, values in seconds.items():
            print(f"| {label} | {statistics.median(values):.2f} | {min(values):.2f} |")
        check, fix = (statistics.median(v) for v in seconds.values())
        print(f"\nfix / check: {check and fix / check:.2f}")
        if args.profile:
            done = subprocess.run([sys.executable, "-m", "cProfile", "-s", "cumulative", "-m",
                                   "modelguard", "fix", "--unsafe-fixes", "--diff", "--jobs", "1",
                                   "."], cwd=folder, capture_output=True, text=True, check=False)
            table = done.stdout[done.stdout.find("   Ordered by"):]
            print("\n".join(table.splitlines()[:45]))


if __name__ == "__main__":
    main()
