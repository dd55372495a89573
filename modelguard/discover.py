"""Paths given on the command line → the files to scan, sorted and without duplicates.

Inside a git work tree git decides what is ignored (tracked and untracked-but-not-ignored
files); elsewhere the tree is walked and `.gitignore` files found on the way (at the scanned
folder and below) are honoured with git's rules. Either way the `exclude` patterns (by default
tool and dependency folders) are skipped and no symlink leads outside the folder being scanned.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from modelguard.ignore import PathSpec

SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", ".eggs", ".direnv",
        "node_modules", "__pycache__", "__pypackages__", "build", "dist", "site-packages",
        ".mypy_cache", ".ruff_cache", ".pytest_cache", ".ipynb_checkpoints", ".modelguard_cache",
        "_build", "buck-out",
    }
)

DEFAULT_EXCLUDE = tuple(f"{name}/" for name in sorted(SKIPPED_DIRS))


@dataclass(frozen=True, slots=True)
class DiscoverOptions:
    """`exclude` and `include` are gitignore-style patterns relative to `root` (the folder of
    the configuration file; each scanned folder when None). `include`, when given, limits the
    scan to files it matches."""

    root: Path | None = None
    exclude: PathSpec = field(default_factory=lambda: PathSpec.from_lines(DEFAULT_EXCLUDE))
    include: PathSpec | None = None

    def relative(self, path: Path, scan_root: Path) -> str:
        base = self.root if self.root is not None else scan_root
        try:
            return path.absolute().relative_to(base.absolute()).as_posix()
        except ValueError:
            return path.relative_to(scan_root).as_posix()

    def keeps(self, path: Path, scan_root: Path) -> bool:
        return self.keeps_relative(self.relative(path, scan_root))

    def keeps_relative(self, relative: str) -> bool:
        if self.exclude.matches(relative):
            return False
        return self.include is None or self.include.matches(relative)


def discover(
    paths: list[Path],
    wanted: Callable[[str], bool],
    options: DiscoverOptions | None = None,
    on_escape: Callable[[Path], None] | None = None,
) -> Iterator[Path]:
    """Files under `paths` that `wanted` accepts. A file named explicitly is always returned.
    Symlinks leading outside a scanned folder are left out (and passed to `on_escape`)."""
    chosen = options or DiscoverOptions()
    seen: set[Path] = set()
    for root in paths:
        if root.is_file():
            found: Iterator[Path] = iter([root])
        elif root.is_dir():
            found = (f for f in _tree(root, chosen, on_escape) if wanted(f.name))
        else:
            raise FileNotFoundError(f"{root}: no such file or directory")
        for path in found:
            key = path.absolute()
            if key not in seen:
                seen.add(key)
                yield path


def _tree(
    root: Path, options: DiscoverOptions, on_escape: Callable[[Path], None] | None = None
) -> list[Path]:
    listed = _git_files(root)
    files = listed if listed is not None else _walk(root)
    real_root = root.resolve()
    # Every file is under `root`: its path relative to the options' root is the root's own
    # (worked out once: `relative` asks for the working folder each time) joined with the rest.
    base = options.root if options.root is not None else root
    try:
        prefix = root.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        prefix = "."
    kept = []
    for path in files:
        rest = path.relative_to(root).as_posix()
        if not options.keeps_relative(rest if prefix == "." else f"{prefix}/{rest}"):
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
    specs: dict[str, PathSpec] = {}
    for folder, dirs, names in os.walk(root):
        here = Path(folder).relative_to(root).as_posix()
        here = "" if here == "." else here
        spec = specs.get(here, PathSpec())  # the parent's rules, handed down
        if ".gitignore" in names:
            spec = spec + _read_gitignore(Path(folder, ".gitignore"), here)
        prefix = f"{here}/" if here else ""
        # Virtualenvs have arbitrary names; pyvenv.cfg gives them away.
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIPPED_DIRS
            and not (Path(folder, d) / "pyvenv.cfg").is_file()
            and not spec.decides(prefix + d, True)
        )
        for d in dirs:
            specs[prefix + d] = spec
        files.extend(
            Path(folder, name) for name in names if not spec.decides(prefix + name, False)
        )
    return files


def _read_gitignore(path: Path, base: str) -> PathSpec:
    try:
        return PathSpec.from_lines(path.read_text("utf-8", "replace").splitlines(), base)
    except OSError:
        return PathSpec()
