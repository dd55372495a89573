"""Paths given on the command line → the files to scan, sorted and without duplicates.

Inside a git work tree git decides what is ignored (tracked and untracked-but-not-ignored
files); elsewhere the tree is walked. Either way tool and dependency folders are skipped and no
symlink leads outside the folder being scanned.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", ".eggs", ".direnv",
        "node_modules", "__pycache__", "__pypackages__", "build", "dist", "site-packages",
        ".mypy_cache", ".ruff_cache", ".pytest_cache", ".ipynb_checkpoints", ".modelguard_cache",
        "_build", "buck-out",
    }
)


def discover(
    paths: list[Path],
    wanted: Callable[[str], bool],
    on_escape: Callable[[Path], None] | None = None,
) -> Iterator[Path]:
    """Files under `paths` that `wanted` accepts. A file named explicitly is always returned.
    Symlinks leading outside a scanned folder are left out (and passed to `on_escape`)."""
    seen: set[Path] = set()
    for root in paths:
        if root.is_file():
            found: Iterator[Path] = iter([root])
        elif root.is_dir():
            found = (f for f in _tree(root, on_escape) if wanted(f.name))
        else:
            raise FileNotFoundError(f"{root}: no such file or directory")
        for path in found:
            key = path.absolute()
            if key not in seen:
                seen.add(key)
                yield path


def _tree(root: Path, on_escape: Callable[[Path], None] | None = None) -> list[Path]:
    listed = _git_files(root)
    files = listed if listed is not None else _walk(root)
    real_root = root.resolve()
    kept = []
    for path in files:
        relative = path.relative_to(root).parts
        if any(part in SKIPPED_DIRS for part in relative[:-1]):
            continue
        if path.is_symlink() and not _inside(path.resolve(), real_root):
            if on_escape is not None:
                on_escape(path)
            continue
        if path.is_file():
            kept.append(path)
    return sorted(kept)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _git_files(root: Path) -> list[Path] | None:
    """Files git would show under `root` (tracked, or untracked and not ignored); None outside a
    work tree or without git."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    names = {name for name in result.stdout.decode("utf-8", "surrogateescape").split("\0") if name}
    return [root / name for name in sorted(names)]


def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for folder, dirs, names in os.walk(root):
        # Virtualenvs have arbitrary names; pyvenv.cfg gives them away.
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIPPED_DIRS and not (Path(folder, d) / "pyvenv.cfg").is_file()
        )
        files.extend(Path(folder, name) for name in names)
    return files
