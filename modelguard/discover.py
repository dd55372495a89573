"""Paths given on the command line → the files to scan, sorted and without duplicates.

Inside a git work tree git decides what is ignored (tracked and untracked-but-not-ignored
files); elsewhere the tree is walked and `.gitignore` files found on the way (at the scanned
folder and below) are honoured with git's rules. Either way the `exclude` patterns (by default
tool and dependency folders) are skipped and no symlink leads outside the folder being scanned.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Iterator
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
    return map(Path, discover_names(paths, wanted, options, on_escape))


def discover_names(
    paths: list[Path],
    wanted: Callable[[str], bool],
    options: DiscoverOptions | None = None,
    on_escape: Callable[[Path], None] | None = None,
) -> Iterator[str]:
    """`discover`, as path strings: no Path object per file on the way."""
    chosen = options or DiscoverOptions()
    seen: set[str] = set()
    for root in paths:
        if root.is_file():
            found: Iterable[str] = [str(root)]
        elif root.is_dir():
            found = (f for f in _tree(root, chosen, on_escape) if wanted(f.rpartition(os.sep)[2]))
        else:
            raise FileNotFoundError(f"{root}: no such file or directory")
        if len(paths) == 1:  # a folder lists each of its files once
            yield from found
            continue
        for path in found:
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                yield path


class _Verdicts:
    """`spec.matches(path)` for many paths: what a folder's ancestors decide is worked out once
    per folder, not once per file."""

    def __init__(self, spec: PathSpec) -> None:
        self.spec = spec
        self.folders: dict[str, bool] = {"": False}

    def folder(self, path: str) -> bool:
        """Is the folder `path` matched, itself or through one of its folders?"""
        found = self.folders.get(path)
        if found is None:
            slash = path.rfind("/")
            parent = path[:slash] if slash > 0 else ""
            found = self.folder(parent) or bool(self.spec.decides(path, True))
            self.folders[path] = found
        return found

    def file(self, path: str) -> bool:
        slash = path.rfind("/")
        return self.folder(path[:slash] if slash > 0 else "") or bool(
            self.spec.decides(path, False)
        )


def _tree(
    root: Path, options: DiscoverOptions, on_escape: Callable[[Path], None] | None = None
) -> list[str]:
    base_text = str(root)
    listed = _git_files(root)
    files = listed if listed is not None else _walk(base_text)
    real_root = root.resolve()
    # Every file is under `root`: its path relative to the options' root is the root's own
    # (worked out once: `relative` asks for the working folder each time) joined with the rest.
    base = options.root if options.root is not None else root
    try:
        prefix = root.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        prefix = "."
    exclude = _Verdicts(options.exclude)
    include = None if options.include is None else _Verdicts(options.include)
    join = (lambda rest: rest) if base_text == "." else (
        lambda rest: f"{base_text}/{rest}" if os.sep == "/" else os.path.join(base_text, rest)
    )
    kept = []
    for rest, link in files:
        relative = rest if prefix == "." else f"{prefix}/{rest}"
        if exclude.file(relative) or (include is not None and not include.file(relative)):
            continue
        path = join(rest)
        if link is None:  # listed by git: not looked at yet
            link = os.path.islink(path)
            if not link and not os.path.isfile(path):
                continue
        if link:
            if not _inside(Path(path).resolve(), real_root):
                if on_escape is not None:
                    on_escape(Path(path))
                continue
            if not os.path.isfile(path):
                continue
        kept.append((rest.split("/"), path))
    kept.sort()
    return [path for _, path in kept]


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _git_files(root: Path) -> list[tuple[str, bool | None]] | None:
    """Files git would show under `root` (tracked, or untracked and not ignored), relative to
    it; None outside a work tree or without git."""
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
    return [(name, None) for name in sorted(names)]


def _walk(root: str) -> list[tuple[str, bool | None]]:
    """Regular files (and symlinks to them) under `root`, relative to it, each with whether it
    is a symlink; skipped folders, virtualenvs and .gitignore'd paths left out."""
    files: list[tuple[str, bool | None]] = []
    stack: list[tuple[str, str, PathSpec]] = [(root, "", PathSpec())]
    while stack:
        folder, here, inherited = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        spec = inherited  # the parent's rules, handed down
        if any(entry.name == ".gitignore" for entry in entries):
            spec = spec + _read_gitignore(Path(folder, ".gitignore"), here)
        prefix = f"{here}/" if here else ""
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if entry.is_symlink() or name in SKIPPED_DIRS or (
                    spec.patterns and spec.decides(prefix + name, True)
                ):
                    continue
                # Virtualenvs have arbitrary names; pyvenv.cfg gives them away.
                if os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
                    continue
                stack.append((entry.path, prefix + name, spec))
            elif entry.is_file() and not (spec.patterns and spec.decides(prefix + name, False)):
                files.append((prefix + name, entry.is_symlink()))
    return files


def _read_gitignore(path: Path, base: str) -> PathSpec:
    try:
        return PathSpec.from_lines(path.read_text("utf-8", "replace").splitlines(), base)
    except OSError:
        return PathSpec()
