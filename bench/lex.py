"""Benchmark: the Python lexer (`modelguard.scan.pylex.lex`) alone, on the .py files of a folder.

    python bench/lex.py /tmp/corpus                    # every .py file, best of 5 runs
    python bench/lex.py /tmp/corpus --reference        # also the previous lexer, same minute
    python bench/lex.py /root/.pyenv/versions/3.11.7/lib/python3.11 --runs 3

Reads and decodes every .py file first (UTF-8, errors replaced: the disk and the decoder are
not measured), then lexes all of them once per run, on one core. Prints the best and median CPU
time of this process and MB/s (of decoded characters), and how many files were Unlexable.
--reference times the previous implementation (tests/scan/pylex_reference.py) in the same
runs, alternating with the new one, and checks that both give the same results.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from modelguard.scan import pylex


def _outcome(lex: Callable[[str], pylex.Lexed], text: str) -> object:
    try:
        return lex(text)
    except pylex.Unlexable as error:
        return str(error)


def _run(lex: Callable[[str], pylex.Lexed], texts: list[str]) -> tuple[float, int]:
    unlexable = 0
    cpu = time.process_time()
    for text in texts:
        try:
            lex(text)
        except pylex.Unlexable:
            unlexable += 1
    return time.process_time() - cpu, unlexable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reference", action="store_true", help="also time the previous lexer")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"error: not a folder: {args.folder}", file=sys.stderr)
        return 2
    files = sorted(p for p in args.folder.rglob("*.py") if p.is_file())
    texts = [p.read_bytes().decode("utf-8", errors="replace") for p in files]
    mb = sum(map(len, texts)) / 1e6
    lexers: dict[str, Callable[[str], pylex.Lexed]] = {"lex": pylex.lex}
    if args.reference:
        from tests.scan import pylex_reference

        lexers["reference"] = pylex_reference.lex
        differ = [str(p) for p, t in zip(files, texts, strict=True)
                  if _outcome(pylex.lex, t) != _outcome(pylex_reference.lex, t)]
        print(f"{len(differ)} files where lex and reference differ", *differ[:10], sep="\n  ")
    times: dict[str, list[float]] = {name: [] for name in lexers}
    unlexable = 0
    for _ in range(args.runs):
        for name, lex in lexers.items():
            seconds, unlexable = _run(lex, texts)
            times[name].append(seconds)
    print(f"{len(texts)} files, {mb:.1f} M characters, {unlexable} unlexable ({args.runs} runs)")
    for name, runs in times.items():
        best, median = min(runs), statistics.median(runs)
        print(f"{name:9} cpu best {best:.3f} s {mb / best:6.1f} MB/s   "
              f"median {median:.3f} s {mb / median:6.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
