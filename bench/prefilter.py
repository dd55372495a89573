"""Benchmark: the byte prefilter alone, on the files of one folder.

    python bench/prefilter.py /tmp/corpus                # every .py file, 5 runs
    python bench/prefilter.py /tmp/corpus --runs 9 --suffix .py --suffix .yaml

Reads every matching file into memory first (so the disk is not measured), then times
`may_contain` over all of them, once per run, on one core. Prints the best and median run in
seconds and MB/s (wall clock, and CPU time of this process: steadier on a shared machine), and
how many files pass. The index is the bundled registry's, all providers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from modelguard.registry.index import build_index
from modelguard.registry.load import bundled_registry_dir, load_registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suffix", action="append", help="file suffix to read (default .py)")
    args = parser.parse_args(argv)
    suffixes = tuple(args.suffix or [".py"])
    if not args.folder.is_dir():
        print(f"error: not a folder: {args.folder}", file=sys.stderr)
        return 2
    files = sorted(p for p in args.folder.rglob("*") if p.is_file() and p.name.endswith(suffixes))
    blobs = [p.read_bytes() for p in files]
    size = sum(map(len, blobs))
    index = build_index(load_registry(bundled_registry_dir()))
    may_contain = index.may_contain
    walls, cpus = [], []
    passed = 0
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        passed = sum(1 for blob in blobs if may_contain(blob))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    mb = size / 1e6
    print(f"{len(blobs)} files, {mb:.1f} MB, {passed} pass the prefilter ({args.runs} runs)")
    for label, times in (("wall", walls), ("cpu", cpus)):
        best, median = min(times), statistics.median(times)
        print(f"{label:4} best {best:.3f} s {mb / best:6.1f} MB/s   "
              f"median {median:.3f} s {mb / median:6.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
