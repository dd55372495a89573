"""A registry whose ids are words Python code writes everywhere (`utf-8`, `ascii`, `w`, ...):
with it nearly every file has hits in every context. Used by the line-scan equivalence test
and by bench/compare_scans.py."""

from __future__ import annotations

from pathlib import Path

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import load_registry

WORDS = ("utf-8", "latin-1", "ascii", "strict", "replace", "x86_64", "win32", "127.0.0.1",
         "posix", "little", "big", "w", "rb", "r", "wb", "__main__", "name", "value", "true")


def word_index(folder: Path) -> ModelIndex:
    """Write the registry into the empty folder `folder` and index it."""
    (folder / "registry.toml").write_text('schema = 1\nversion = "words"\npriority = ["words"]\n')
    models = "".join(
        f'[[models]]\nid = "{word}"\nshutdown = 2020-01-01\nsource = "https://example.com"\n\n'
        for word in WORDS
    )
    (folder / "words.toml").write_text(f'provider = "words"\nname = "Words"\n\n{models}')
    return build_index(load_registry(folder))
