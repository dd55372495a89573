"""Materialise the accuracy corpus: every repository in bench/repos.toml at its pinned commit.

    python bench/corpus.py [--mirror DIR] [--into DIR] [--force] [NAME ...]

Each repository is read from a local bare mirror, ``<mirror>/<owner>+<name>/repo`` (the layout the
session's fetch tool produces under /work/.mirror), and extracted with
``git --git-dir=<mirror> archive <commit> | tar -x`` into ``<into>/<owner>+<name>/``
(default ``bench/.corpus/``, gitignored), then given its own git index (see make_work_tree).
No network access; a repository without a mirror, or a mirror without the pinned commit, is
reported in one line and skipped. Already extracted folders
are kept unless ``--force``. Prints the folders that exist afterwards, ready for bench/accuracy.py.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import tomllib

BENCH = Path(__file__).resolve().parent
DEFAULT_MIRROR = Path("/work/.mirror")
DEFAULT_INTO = BENCH / ".corpus"


def load_repos(path: Path) -> list[dict[str, str]]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    return list(data.get("repo", []))


def slug(name: str) -> str:
    return name.replace("/", "+")


def materialise(name: str, commit: str, mirror: Path, into: Path, force: bool) -> Path | None:
    git_dir = mirror / slug(name) / "repo"
    dest = into / slug(name)
    if not git_dir.is_dir():
        print(f"skip {name}: not fetched (no mirror at {git_dir})", file=sys.stderr)
        return None
    has = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
    )
    if has.returncode != 0:
        print(f"skip {name}: mirror {git_dir} lacks commit {commit}", file=sys.stderr)
        return None
    stamp = dest / ".corpus-commit"
    if dest.exists():
        if not force and stamp.is_file() and stamp.read_text().strip() == commit:
            if not (dest / ".git").is_dir():
                make_work_tree(dest)
            return dest
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "archive", "--format=tar", commit],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    tar = subprocess.run(
        ["tar", "-x", "-C", str(dest)], stdin=archive.stdout, stderr=subprocess.DEVNULL
    )
    assert archive.stdout is not None
    archive.stdout.close()
    if archive.wait() != 0 or tar.returncode != 0:
        # Snapshots leave out blobs of 4 MiB and more, so `git archive` stops at the first one.
        # Fall back to writing every blob the mirror has, one by one, and say how many it lacks.
        shutil.rmtree(dest)
        dest.mkdir(parents=True)
        missing = extract_present_blobs(git_dir, commit, dest)
        print(
            f"note {name}: git archive failed; extracted blob by blob, {len(missing)} file(s) "
            f"absent from the mirror (large files): {', '.join(missing[:3])}"
            f"{' ...' if len(missing) > 3 else ''}",
            file=sys.stderr,
        )
    stamp.write_text(commit + "\n")
    make_work_tree(dest)
    return dest


def make_work_tree(dest: Path) -> None:
    """Turn the folder into a git work tree whose index lists every extracted file.

    A scanner run inside a git work tree asks git which files exist; without this the folder would
    sit inside bench/'s own checkout, where bench/.gitignore hides it. With its own index the
    folder looks like a fresh clone of the repository: its own .gitignore files apply to
    untracked files only, as they would for a user.
    """
    subprocess.run(["git", "init", "-q", str(dest)], stdout=subprocess.DEVNULL, check=True)
    subprocess.run(["git", "-C", str(dest), "add", "-A", "-f", "."], check=True)


def extract_present_blobs(git_dir: Path, commit: str, dest: Path) -> list[str]:
    """Write every regular file of ``commit`` whose blob the mirror holds; return the rest."""
    listing = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-z", "--full-tree", commit],
        capture_output=True,
        check=True,
    ).stdout
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        if kind == "blob" and mode in ("100644", "100755"):
            entries.append((sha, raw_path.decode("utf-8", "surrogateescape")))
    missing: list[str] = []
    batch = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert batch.stdin is not None and batch.stdout is not None
    for sha, path in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            missing.append(path)
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after the content
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    batch.stdin.close()
    batch.wait()
    return missing


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("names", nargs="*", help="only these owner/name entries (default: all)")
    p.add_argument("--repos", type=Path, default=BENCH / "repos.toml")
    p.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    p.add_argument("--into", type=Path, default=DEFAULT_INTO)
    p.add_argument("--force", action="store_true", help="re-extract folders that already exist")
    args = p.parse_args(argv)
    repos = load_repos(args.repos)
    if args.names:
        unknown = set(args.names) - {r["name"] for r in repos}
        if unknown:
            p.error(f"not in {args.repos}: {', '.join(sorted(unknown))}")
        repos = [r for r in repos if r["name"] in args.names]
    done = []
    for r in repos:
        dest = materialise(r["name"], r["commit"], args.mirror, args.into, args.force)
        if dest is not None:
            done.append(dest)
    for d in done:
        print(d)
    print(f"{len(done)} of {len(repos)} repositories ready under {args.into}", file=sys.stderr)
    return 0 if len(done) == len(repos) else 1


if __name__ == "__main__":
    sys.exit(main())
