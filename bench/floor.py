"""The floor of a cold `check`: what every run pays before it scans anything, against ripgrep.

    python bench/floor.py bench/.corpus/* --runs 3

Times, in one process and on one core, loading the bundled registry and building its matcher,
listing the files `check` would scan (`workspace.discover`, the same filter), and reading every
file and asking the prefilter whether it may name a model (`ModelIndex.may_contain`, the native
matcher); then ripgrep with every registry name on the same folders (`rg -l -i -F -f names.txt`,
as `bench/real.py` runs it). Prints the median of `--runs` of each, the files that reach a
scanner, and what is left, within 3x ripgrep, for a cold check's scanning on two cores.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.real import names_file  # noqa: E402
from modelguard.registry.index import build_index  # noqa: E402
from modelguard.registry.load import bundled_registry_dir, load_registry  # noqa: E402
from modelguard.scan import can_scan  # noqa: E402
from modelguard.workspace.discover import discover  # noqa: E402


def one_run(folders: list[Path]) -> tuple[float, float, float, int, int, int]:
    """Seconds to load, to list and to read and prefilter; files, candidates, candidate bytes."""
    started = time.perf_counter()
    index = build_index(load_registry(bundled_registry_dir()))
    index.prefilter()
    loaded = time.perf_counter()
    files = list(discover(folders, can_scan))
    listed = time.perf_counter()
    candidates = size = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if index.may_contain(data):
            candidates += 1
            size += len(data)
    read = time.perf_counter()
    return loaded - started, listed - loaded, read - listed, len(files), candidates, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rg = shutil.which("rg")
    with tempfile.TemporaryDirectory() as scratch:
        names = names_file(Path(scratch))
        runs, rg_seconds = [], []
        for _ in range(args.runs):
            runs.append(one_run(args.folders))
            if rg:
                started = time.perf_counter()
                subprocess.run([rg, "-l", "-i", "-F", "-f", str(names), *map(str, args.folders)],
                               stdout=subprocess.DEVNULL, check=False)
                rg_seconds.append(time.perf_counter() - started)
    load, listing, reading = (statistics.median(run[k] for run in runs) for k in range(3))
    files, candidates, size = runs[-1][3:]
    floor = load + listing + reading
    print(f"files listed: {files:,}; reaching a scanner: {candidates:,} ({size / 1e6:.0f} MB)")
    print(f"load registry and matcher: {load:.2f} s")
    print(f"list files: {listing:.2f} s")
    print(f"read and prefilter: {reading:.2f} s")
    print(f"floor on one core: {floor:.2f} s; with reading split over two: "
          f"{load + listing + reading / 2:.2f} s")
    if rg_seconds:
        rg_median = statistics.median(rg_seconds)
        left = 3 * rg_median - (load + listing + reading / 2)
        print(f"ripgrep: {rg_median:.2f} s (median of {len(rg_seconds)})")
        print(f"left within 3x ripgrep for scanning and the report: {left:.2f} s wall, "
              f"{2 * max(left, 0):.2f} CPU s on two cores")


if __name__ == "__main__":
    main()
