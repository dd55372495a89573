"""Wall time of `modelguard check` where the files cost nothing: an empty folder, and (given a
folder) a warm run over it. Prints the median of several runs.

    python bench/fixed_cost.py [--runs 7] [FOLDER]

FOLDER, when given, is checked once first to fill its `.modelguard_cache/`; it is modified
(the cache), so pass a copy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND = [sys.executable, "-m", "modelguard", "check", ".", "--format", "json",
           "--fail-on", "never", "--as-of", "2026-11-28", "--jobs", "2"]


def timed(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(COMMAND, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - start


def median_of(folder: Path, runs: int) -> float:
    timed(folder)  # fills the caches (registry, results)
    return statistics.median(timed(folder) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as empty:
        print(f"empty folder: {median_of(Path(empty), args.runs):.3f} s (median of {args.runs})")
    if args.folder is not None:
        print(f"warm {args.folder}: {median_of(args.folder, args.runs):.3f} s "
              f"(median of {args.runs})")


if __name__ == "__main__":
    main()
