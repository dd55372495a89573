"""Compare the line-by-line Python scan with the whole-module libcst scan on real code.

    python bench/compare_scans.py /path/to/site-packages            # the bundled registry
    python bench/compare_scans.py /path/to/site-packages --words    # ids that are common words

Every .py file under the folder is scanned both ways (`scan_python(..., whole_module=True)` is
the reference); the script prints how many files and hits were compared, how many files the
line scan handed whole to libcst, and every file where the two disagree (exit status 1 then).
With --words the registry's ids are words Python code writes everywhere (tests/words.py:
`utf-8`, `ascii`, `strict`, `w`, ...), so nearly every file has hits in every context.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from modelguard.registry.index import build_index
from modelguard.registry.load import bundled_registry_dir, load_registry
from modelguard.scan import pylex
from modelguard.scan.python import ParseFailure, plain_text, scan_python

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.words import word_index  # the registry of words the tests use


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--words", action="store_true", help="a registry of common words")
    args = parser.parse_args()
    words = Path(tempfile.mkdtemp(prefix="modelguard-words-"))
    index = word_index(words) if args.words else build_index(load_registry(bundled_registry_dir()))
    files = hits = whole = unreadable = 0
    differ: list[str] = []
    started = time.perf_counter()
    for path in sorted(args.folder.rglob("*.py")):
        source = path.read_bytes()
        try:
            reference = scan_python(source, index, whole_module=True)
        except (ParseFailure, RecursionError):
            unreadable += 1
            continue
        files += 1
        text = plain_text(source)
        try:
            if text is None:
                raise pylex.Unlexable("decoded by libcst")
            pylex.lex(text)
        except pylex.Unlexable:
            whole += 1
        fast = scan_python(source, index)

        def key(result: tuple[list[object], object]) -> tuple[list[object], object]:
            return sorted(result[0], key=repr), result[1]

        hits += len(reference[0])
        if key(fast) != key(reference):  # type: ignore[arg-type]
            differ.append(str(path))
    print(f"{files} files compared ({unreadable} libcst cannot parse), {hits} hits, "
          f"{whole} lexed whole by libcst, {len(differ)} differ, "
          f"{time.perf_counter() - started:.0f} s")
    for path in differ:
        print(f"  differs: {path}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
