"""Benchmark: ways to ask the prefilter's first question in CPython, on the files of a folder.

    python bench/stage1.py /tmp/corpus                  # every .py file, best of 3
    python bench/stage1.py /path/to/project --runs 5

The question: does one of the registry's key atoms stand in the file as a whole atom (a run
of ASCII letters and digits, compared lowercased)? Each way below answers it exactly, so each
must let the same files through; the script checks that and prints CPU seconds, MB/s per
core and the files that pass. It reads every file into memory first, so the disk is not
measured.

- split: what modelguard does (`bytes.translate`, `split`, a frozenset intersection);
- regex: one compiled pattern, the keys as a trie between lookarounds, on the lowered bytes;
- find: `bytes.find` of each key on the lowered bytes, each hit checked for its boundaries.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from modelguard.registry.index import build_index
from modelguard.registry.load import bundled_registry_dir, load_registry

_ATOM_TABLE = bytes(
    (c | 0x20 if 0x41 <= c <= 0x5A else c) if chr(c).isascii() and chr(c).isalnum() else 0x20
    for c in range(256)
)
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")


def _trie(words: list[bytes]) -> bytes:
    """A regex matching exactly `words`, shared prefixes factored out."""
    root: dict[int | None, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for byte in word:
            node = node.setdefault(byte, {})
        node[None] = {}

    def emit(node: dict) -> bytes:  # type: ignore[type-arg]
        branches = [re.escape(bytes([byte])) + emit(child)
                    for byte, child in sorted((k, v) for k, v in node.items() if k is not None)]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        return b"(?:" + body + b")?" if None in node else body

    return emit(root)


def ways(keys: frozenset[bytes]) -> dict[str, Callable[[bytes], bool]]:
    pattern = re.compile(b"(?<![a-z0-9])" + _trie(sorted(keys)) + b"(?![a-z0-9])")
    ordered = sorted(keys)

    def split(data: bytes) -> bool:
        return not keys.isdisjoint(data.translate(_ATOM_TABLE).split())

    def regex(data: bytes) -> bool:
        return pattern.search(data.lower()) is not None

    def find(data: bytes) -> bool:
        lowered = data.lower()
        for key in ordered:
            at = lowered.find(key)
            while at >= 0:
                end = at + len(key)
                if (at == 0 or lowered[at - 1] not in _ALNUM) and (
                    end == len(lowered) or lowered[end] not in _ALNUM
                ):
                    return True
                at = lowered.find(key, at + 1)
        return False

    return {"split": split, "regex": regex, "find": find}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--suffix", default=".py", help="file suffix to read (default .py)")
    args = parser.parse_args(argv)
    files = []
    for folder, _, names in os.walk(args.folder):
        files += [Path(folder, name).read_bytes() for name in names if name.endswith(args.suffix)]
    total = sum(map(len, files))
    keys = build_index(load_registry(bundled_registry_dir())).prefilter()._keys
    print(f"{len(files)} files, {total / 1e6:.1f} MB, {len(keys)} key atoms, best of {args.runs}")
    passed: dict[str, int] = {}
    for name, way in ways(keys).items():
        best = float("inf")
        for _ in range(args.runs):
            start = time.process_time()
            passed[name] = sum(1 for data in files if way(data))
            best = min(best, time.process_time() - start)
        print(f"{name:6s} {best:7.3f} s  {total / best / 1e6:6.1f} MB/s  {passed[name]} pass")
    if len(set(passed.values())) != 1:
        print("the ways disagree: a bug in one of them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
