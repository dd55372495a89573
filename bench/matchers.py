"""Benchmark: candidate multi-pattern matchers for the prefilter, on the files of some folders.

    python bench/matchers.py bench/.corpus/*          # every scannable file, 3 runs
    python bench/matchers.py bench/.corpus/* --runs 5

Reads every file modelguard would scan (by suffix) into memory first, so the disk is not measured,
then asks each matcher the prefilter's question on every file: does one of the registry's names
(casefolded, routed forms included) stand in the lowered bytes with no letter or digit before it
and no token going on after it? Each matcher finds candidate occurrences natively; the boundary
check after the match is the same Python for all. Prints, per matcher, the best and median CPU
time of this process (steadier than wall time on a shared machine), MB/s, and how many files pass
(all must agree with the pure-Python prefilter modelguard had before, `Prefilter._matches` at
commit 83bc05f). A matcher that is
not installed is reported as such.

Candidates: ahocorasick-rs (Rust aho-corasick crate, Teddy SIMD prefilter), pyahocorasick (C),
hyperscan (Intel Hyperscan, literal mode), google-re2 (one alternation; RE2 has no overlapping
search, so it only measures the scan and may miss overlapping names).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import bundled_registry_dir, load_registry
from modelguard.scan import can_scan

_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_CONTINUES = re.compile(rb"[.:@/+-]*[a-z0-9_]")


def stands(lowered: bytes, start: int, end: int, tunable: bool) -> bool:
    return (start == 0 or lowered[start - 1] not in _WORD) and (
        _CONTINUES.match(lowered, end) is None or (tunable and lowered[end:end + 1] == b":"))


def candidates(names: list[bytes], tunable: frozenset[bytes]
               ) -> dict[str, tuple[float, Callable[[bytes], bool]]]:
    """Each installed matcher, with the seconds its import and compilation took."""
    found: dict[str, tuple[float, Callable[[bytes], bool]]] = {}
    began = time.perf_counter()
    try:
        import ahocorasick_rs

        rs = ahocorasick_rs.BytesAhoCorasick(names,
                                             implementation=ahocorasick_rs.Implementation.DFA)
        rs_tunable = [name in tunable for name in names]

        def with_rs(data: bytes) -> bool:
            lowered = data.lower()
            return any(stands(lowered, start, end, rs_tunable[i])
                       for i, start, end in rs.find_matches_as_indexes(lowered, overlapping=True))

        found["ahocorasick-rs (DFA)"] = (time.perf_counter() - began, with_rs)
    except ImportError:
        print("ahocorasick-rs: not installed", file=sys.stderr)
    began = time.perf_counter()
    try:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for name in names:
            automaton.add_word(name.decode("latin-1"), (len(name), name in tunable))
        automaton.make_automaton()

        def with_pyaho(data: bytes) -> bool:
            lowered = data.lower()
            return any(stands(lowered, end + 1 - size, end + 1, tune)
                       for end, (size, tune) in automaton.iter(lowered.decode("latin-1")))

        found["pyahocorasick"] = (time.perf_counter() - began, with_pyaho)
    except ImportError:
        print("pyahocorasick: not installed", file=sys.stderr)
    began = time.perf_counter()
    try:
        import hyperscan

        database = hyperscan.Database()
        database.compile(expressions=[re.escape(n.decode()).encode() for n in names],
                         ids=list(range(len(names))),
                         elements=len(names), flags=[0] * len(names))
        sizes = [len(n) for n in names]
        hs_tunable = [name in tunable for name in names]

        def with_hyperscan(data: bytes) -> bool:
            lowered = data.lower()
            hit: list[bool] = []

            def on_match(i: int, _from: int, to: int, _flags: int, _ctx: object) -> bool:
                if stands(lowered, to - sizes[i], to, hs_tunable[i]):
                    hit.append(True)
                    return True  # stop scanning
                return False

            with contextlib.suppress(hyperscan.ScanTerminated):
                database.scan(lowered, match_event_handler=on_match)
            return bool(hit)

        found["hyperscan"] = (time.perf_counter() - began, with_hyperscan)
    except ImportError:
        print("hyperscan: not installed", file=sys.stderr)
    began = time.perf_counter()
    try:
        import re2

        alternation = re2.compile(b"|".join(re.escape(n.decode()).encode() for n in
                                            sorted(names, key=len, reverse=True)))

        def with_re2(data: bytes) -> bool:
            lowered = data.lower()
            return any(stands(lowered, m.start(), m.end(), m.group() in tunable)
                       for m in alternation.finditer(lowered))

        found["google-re2 (no overlaps)"] = (time.perf_counter() - began, with_re2)
    except ImportError:
        print("google-re2: not installed", file=sys.stderr)
    return found


BEFORE = "83bc05f"  # the last commit with the pure-Python two-stage prefilter


def build_prefilter_pure(index: ModelIndex) -> Callable[[bytes], bool]:
    """The pure-Python prefilter's search (`Prefilter._matches`) as of commit BEFORE, read
    from git: atoms split and hashed by CPython, then each key occurrence's run checked."""
    source = subprocess.run(["git", "-C", str(Path(__file__).parent), "show",
                             f"{BEFORE}:modelguard/scan/prefilter.py"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("prefilter_before")
    sys.modules[module.__name__] = module
    exec(compile(source, f"prefilter.py@{BEFORE}", "exec"), module.__dict__)
    built = module.build_prefilter(index._names, index._tunable)
    matches: Callable[[bytes], bool] = built._matches
    return matches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    files = sorted(p for folder in args.folders for p in folder.rglob("*")
                   if p.is_file() and not p.is_symlink() and can_scan(p.name)
                   and ".git" not in p.parts)
    blobs = [data for data in (p.read_bytes() for p in files)
             if len(data) <= 10 << 20 and b"\0" not in data[:8000]]
    size = sum(map(len, blobs)) / 1e6
    index = build_index(load_registry(bundled_registry_dir()))
    prefilter = index.prefilter()
    names = sorted(prefilter._names)
    print(f"{len(blobs)} files, {size:.1f} MB, {len(names)} names; CPU seconds, {args.runs} runs")
    began = time.perf_counter()
    pure = build_prefilter_pure(index)
    matchers = {"pure Python (two stages, before)": (time.perf_counter() - began, pure),
                **candidates(names, prefilter._tunable)}
    expected: int | None = None
    for label, (setup, matches) in matchers.items():
        cpus = []
        passed = 0
        for _ in range(args.runs):
            cpu = time.process_time()
            passed = sum(1 for blob in blobs if matches(blob))
            cpus.append(time.process_time() - cpu)
        expected = passed if expected is None else expected
        best, median = min(cpus), statistics.median(cpus)
        print(f"{label:34} import+build {setup * 1000:5.0f} ms   best {best:6.2f} s "
              f"{size / best:7.1f} MB/s   median {median:6.2f} s"
              f"   {passed} files pass{'' if passed == expected else ' (DIFFERS)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
