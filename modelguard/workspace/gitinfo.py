"""Which repository and commit a scanned folder belongs to, read from `.git` files directly:
no git process (git may be missing in CI images), and any problem means "unknown", never an
error, because naming the repository is a convenience of the report, not part of the check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256
# The path part of a remote: scheme://[user@]host[:port]/PATH or scp-like [user@]host:PATH
_REMOTE = re.compile(r"(?:[a-z][a-z0-9+.-]*://[^/]+|[^/:@]+@[^/:]+|[^/:]+(?=:[^/]))[:/](.+)",
                     re.IGNORECASE)
_SECTION = re.compile(r'\s*\[\s*remote\s+"origin"\s*\]\s*$')
_URL = re.compile(r"\s*url\s*=\s*(.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Repository:
    """Where the scanned code comes from; either part is None when it cannot be told."""

    name: str | None = None
    commit: str | None = None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def _git_dirs(start: Path) -> tuple[Path, Path] | None:
    """(this checkout's git dir, the common git dir), found from `start` upwards."""
    try:
        folder = start.absolute()
        if not folder.is_dir():
            folder = folder.parent
        for candidate in (folder, *folder.parents):
            dot_git = candidate / ".git"
            if dot_git.is_dir():
                return dot_git, dot_git
            if dot_git.is_file():  # a worktree or submodule: "gitdir: PATH"
                text = _read(dot_git) or ""
                if not text.startswith("gitdir:"):
                    return None
                git_dir = (candidate / text[len("gitdir:"):].strip()).resolve()
                common = _read(git_dir / "commondir")
                return git_dir, (git_dir / common.strip()).resolve() if common else git_dir
    except OSError:
        return None
    return None


def _commit(git_dir: Path, common: Path) -> str | None:
    head = (_read(git_dir / "HEAD") or "").strip()
    if _SHA.fullmatch(head):  # detached, as CI checkouts usually are
        return head
    if not head.startswith("ref:"):
        return None
    ref = head[len("ref:"):].strip()
    for base in (git_dir, common):
        loose = (_read(base / ref) or "").strip()
        if _SHA.fullmatch(loose):
            return loose
    for line in (_read(common / "packed-refs") or "").splitlines():
        sha, _, name = line.partition(" ")
        if name.strip() == ref and _SHA.fullmatch(sha):
            return sha
    return None


def remote_name(url: str) -> str | None:
    """`owner/name` (`group/sub/name` on GitLab) of a remote URL; None for a local path."""
    match = _REMOTE.fullmatch(url.strip())
    if match is None:
        return None
    path = match.group(1).strip("/").removesuffix(".git").strip("/")
    return path or None


def _origin(common: Path) -> str | None:
    in_origin = False
    for line in (_read(common / "config") or "").splitlines():
        if line.lstrip().startswith("["):
            in_origin = bool(_SECTION.match(line))
        elif in_origin and (url := _URL.match(line)):
            return remote_name(url.group(1))
    return None


def repository_of(start: Path) -> Repository:
    dirs = _git_dirs(start)
    if dirs is None:
        return Repository()
    git_dir, common = dirs
    return Repository(_origin(common), _commit(git_dir, common))
