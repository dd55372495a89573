"""Paths given on the command line → the files to scan, sorted and without duplicates.

Inside a git work tree git decides what is ignored (tracked and untracked-but-not-ignored
files), except in a scanned folder git ignores, which is walked as outside one (as ruff does);
elsewhere the tree is walked and `.gitignore` files found on the way (at the scanned folder and
below) are honoured with git's rules. Either way the `exclude` patterns (by default
tool and dependency folders) are skipped and no symlink leads outside the folder being scanned.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from modelguard.workspace.paths import PathSpec, PatternError, parse_pattern

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
    scan to files it matches. `force_exclude` applies `exclude` to files named explicitly too
    (as ruff's --force-exclude does: pre-commit names every staged file)."""

    root: Path | None = None
    exclude: PathSpec = field(default_factory=lambda: PathSpec.from_lines(DEFAULT_EXCLUDE))
    include: PathSpec | None = None
    force_exclude: bool = False

    def relative(self, path: Path, scan_root: Path) -> str:
        base = self.root if self.root is not None else scan_root
        try:
            return path.absolute().relative_to(base.absolute()).as_posix()
        except ValueError:
            return path.relative_to(scan_root).as_posix()

    def keeps(self, path: Path, scan_root: Path) -> bool:
        return self.keeps_relative(self.relative(path, scan_root))

    def excludes_named(self, path: Path) -> bool:
        """Is a file named on the command line left out (only with `force_exclude`)?"""
        if not self.force_exclude:
            return False
        base = (self.root if self.root is not None else Path(".")).absolute()
        try:
            relative = path.absolute().relative_to(base).as_posix()
        except ValueError:  # outside the project: no pattern of its can apply
            return False
        return self.exclude.matches(relative)

    def keeps_relative(self, relative: str) -> bool:
        if self.exclude.matches(relative):
            return False
        return self.include is None or self.include.matches(relative)


@dataclass(frozen=True, slots=True)
class Observer:
    """Who hears what discovery leaves out, each as it happens (every one optional).

    `escape`: a symlink leading outside the scanned folder (left out). `unreadable`: a folder
    that cannot be listed, with the reason (its files are unknown: an error, not a skip).
    `warning`: one line for the user, e.g. a malformed `.gitignore` line (dropped, as git
    drops it)."""

    escape: Callable[[Path], None] | None = None
    unreadable: Callable[[str, str], None] | None = None
    warning: Callable[[str], None] | None = None
    # A path named on the command line that is neither a file nor a folder (a FIFO, a
    # socket, a device), with the reason it is skipped; without this callback it is listed
    # and the reader refuses it.
    not_regular: Callable[[str, str], None] | None = None


NOT_REGULAR = "not a regular file"


def special_kind(mode: int) -> str:
    """`a FIFO`, `a socket`, ...: what a path that is not a regular file is, for one line."""
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "not a file or folder"


def not_regular_reason(path: Path) -> str:
    """Why a named path that exists but is no file or folder is skipped."""
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = 0
    return f"{NOT_REGULAR} ({special_kind(mode)})"


def unreadable_folder(reason: str) -> str:
    """The error entry of a folder that cannot be listed: what it holds is unknown."""
    return f"cannot read folder: {reason}; its files were not scanned"


def discover(
    paths: list[Path],
    wanted: Callable[[str], bool],
    options: DiscoverOptions | None = None,
    on_escape: Callable[[Path], None] | None = None,
    observer: Observer | None = None,
) -> Iterator[Path]:
    """Files under `paths` that `wanted` accepts. A file named explicitly is returned unless
    `options.force_exclude` and it is excluded.
    Symlinks leading outside a scanned folder are left out (and passed to `on_escape`, or
    `observer.escape`); what else is left out is told to `observer`."""
    return map(Path, discover_names(paths, wanted, options, on_escape, observer))


def discover_names(
    paths: list[Path],
    wanted: Callable[[str], bool],
    options: DiscoverOptions | None = None,
    on_escape: Callable[[Path], None] | None = None,
    observer: Observer | None = None,
) -> Iterator[str]:
    """`discover`, as path strings: no Path object per file on the way."""
    chosen = options or DiscoverOptions()
    told = observer or Observer()
    if on_escape is not None:
        told = replace(told, escape=on_escape)
    seen: set[str] = set()
    for root in paths:
        if root.is_file():
            found: Iterable[str] = [] if chosen.excludes_named(root) else [str(root)]
        elif root.is_dir():
            found = _tree(root, chosen, wanted, told)
        elif root.exists():  # a FIFO, socket or device: never opened (a FIFO would block)
            if told.not_regular is None:
                found = [str(root)]  # the reader refuses it (it opens without blocking)
            else:
                told.not_regular(str(root), not_regular_reason(root))
                continue
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
        # Most specs (the default exclude) name folders only: a file is then matched through
        # its folder or not at all.
        self.files = any(not pattern.dir_only for pattern in spec.patterns)

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
        folder = path[:slash] if slash > 0 else ""
        found = self.folders.get(folder)
        if found is None:
            found = self.folder(folder)
        return found or (self.files and bool(self.spec.decides(path, False)))


def _tree(
    root: Path,
    options: DiscoverOptions,
    wanted: Callable[[str], bool],
    observer: Observer,
) -> list[str]:
    """The files under `root` whose name `wanted` accepts, in path order."""
    base_text = str(root)
    listed = _git_files(root, wanted, observer)
    files = listed if listed is not None else _walk(base_text, wanted, observer)
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
    head = "" if base_text == "." else base_text + os.sep
    kept = []
    for rest, link in files:
        relative = rest if prefix == "." else f"{prefix}/{rest}"
        if exclude.file(relative) or (include is not None and not include.file(relative)):
            continue
        path = head + (rest if os.sep == "/" else rest.replace("/", os.sep))
        if link is None:  # listed by git: not looked at yet (one lstat tells both)
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:  # tracked, but gone from the work tree
                continue
            except OSError:  # in a folder that cannot be searched: the reader says why
                kept.append((rest.replace("/", "\0"), path))
                continue
            link = stat.S_ISLNK(mode)
            if not link and not stat.S_ISREG(mode):
                continue
        if link:
            try:
                target = Path(path).resolve()
            except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13)
                continue
            if not _inside(target, real_root):
                if observer.escape is not None:
                    observer.escape(Path(path))
                continue
            if not os.path.isfile(path):
                continue
        # Sorted part by part: with "/" as the lowest character, strings sort that way too.
        kept.append((rest.replace("/", "\0"), path))
    kept.sort()
    return [path for _, path in kept]


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


# What git says (and goes on) when it meets a folder it cannot list; C locale set below.
_GIT_UNREADABLE = re.compile(r"^warning: could not open directory '(.*)': (.*)$", re.MULTILINE)


def _git_files(
    root: Path, wanted: Callable[[str], bool], observer: Observer
) -> list[tuple[str, bool | None]] | None:
    """Files git would show under `root` (tracked, or untracked and not ignored), relative to
    it, whose name `wanted` accepts; None outside a work tree or without git. The folders git
    could not list are passed to `observer.unreadable`."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root,
            capture_output=True,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    except OSError:
        return None
    if result.returncode != 0 or _ignored_by_git(root):
        # A folder git ignores, named on the command line (or the working folder), is
        # scanned as ruff and ripgrep do: walked, with the .gitignore files inside it.
        return None
    if observer.unreadable is not None:
        head = "" if str(root) == "." else str(root) + os.sep
        for found in _GIT_UNREADABLE.finditer(result.stderr.decode("utf-8", "replace")):
            folder = found.group(1).rstrip("/")
            observer.unreadable(head + folder.replace("/", os.sep), found.group(2))
    names = {name for name in result.stdout.decode("utf-8", "surrogateescape").split("\0")
             if name and wanted(name.rpartition("/")[2])}
    return [(name, None) for name in sorted(names)]


def _ignored_by_git(folder: Path) -> bool:
    """Does git ignore `folder` itself (through the rules of the folders above it)?"""
    try:
        result = subprocess.run(["git", "check-ignore", "-q", "--", "."], cwd=folder,
                                capture_output=True, check=False)
    except OSError:
        return False
    return result.returncode == 0


def _walk(
    root: str, wanted: Callable[[str], bool], observer: Observer
) -> list[tuple[str, bool | None]]:
    """Regular files (and symlinks to them) under `root` whose name `wanted` accepts, relative
    to it, each with whether it is a symlink; skipped folders, virtualenvs and .gitignore'd
    paths left out. A folder that cannot be listed goes to `observer.unreadable`."""
    files: list[tuple[str, bool | None]] = []
    stack: list[tuple[str, str, PathSpec]] = [(root, "", PathSpec())]
    while stack:
        folder, here, inherited = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except FileNotFoundError:  # removed since its parent was listed
            continue
        except OSError as error:
            if observer.unreadable is not None:
                observer.unreadable(folder, error.strerror or str(error))
            continue
        names = {entry.name for entry in entries}
        # Virtualenvs have arbitrary names; pyvenv.cfg gives them away (the scanned folder
        # itself is scanned whatever it is).
        if here and "pyvenv.cfg" in names and os.path.isfile(os.path.join(folder, "pyvenv.cfg")):
            continue
        spec = inherited  # the parent's rules, handed down
        if ".gitignore" in names:
            spec = spec + _read_gitignore(Path(folder, ".gitignore"), here, observer.warning)
        prefix = f"{here}/" if here else ""
        ignores = bool(spec.patterns)
        for entry in entries:
            name = entry.name
            try:
                # One call for a regular file (most entries); links and folders ask more.
                if entry.is_file(follow_symlinks=False):
                    link = False
                elif entry.is_dir(follow_symlinks=False):
                    if name in SKIPPED_DIRS or (ignores and spec.decides(prefix + name, True)):
                        continue
                    stack.append((entry.path, prefix + name, spec))
                    continue
                elif entry.is_symlink() and entry.is_file():  # a link to a file
                    link = True
                else:  # a link to a folder (never followed), a socket, a broken link…
                    continue
            except OSError:
                continue
            if wanted(name) and not (ignores and spec.decides(prefix + name, False)):
                files.append((prefix + name, link))
    return files


def _read_gitignore(
    path: Path, base: str, warn: Callable[[str], None] | None = None
) -> PathSpec:
    """The patterns of one .gitignore; a malformed line is dropped, as git's matcher never
    matches it, and `warn` is told (file, line number, pattern and why) once."""
    try:
        lines = path.read_text("utf-8", "replace").splitlines()
    except OSError:
        return PathSpec()
    patterns = []
    for number, line in enumerate(lines, start=1):
        try:
            pattern = parse_pattern(line, base)
        except PatternError as error:
            if warn is not None:
                warn(f"{path}:{number}: {error}; line ignored (git never matches it)")
            continue
        if pattern is not None:
            patterns.append(pattern)
    return PathSpec(tuple(patterns))
