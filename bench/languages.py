"""What modelguard reports in the source languages (scan.languages) of real repositories: counts
per language, rule and fix class, and a seeded sample of findings to judge by hand.

    python bench/languages.py [--as-of 2026-12-06] [--sample 40 --seed 1] FOLDER...

FOLDERs come from bench/corpus.py (the language repositories of bench/repos.toml). modelguard
runs through its command line only (``python -m modelguard check --format json --fail-on never
--registry registry --isolated --no-cache``); findings in config files, Markdown and Python are
left out of the counts and the sample. Results for the pinned corpus are in bench/languages.md.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
# One suffix (or file name) per language, as scan/formats.py reads them.
LANGUAGE_OF = {
    ".go": "Go", ".rs": "Rust", ".java": "Java", ".kt": "Kotlin", ".kts": "Kotlin", ".cs": "C#",
    ".rb": "Ruby", ".php": "PHP", ".swift": "Swift", ".sql": "SQL", ".sh": "shell",
    ".bash": "shell", ".tf": "Terraform", ".tfvars": "Terraform", "Dockerfile": "Dockerfile",
}


def language(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if name == "Dockerfile" or name.startswith("Dockerfile."):
        return "Dockerfile"
    dot = name.rfind(".")
    return LANGUAGE_OF.get(name[dot:]) if dot > 0 else None


def check(folder: Path, as_of: str) -> dict[str, Any]:
    args = [sys.executable, "-m", "modelguard", "check", "--format", "json", "--fail-on", "never",
            "--as-of", as_of, "--registry", str(BENCH.parent / "registry"), "--isolated",
            "--no-cache", str(folder)]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"modelguard failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--as-of", default="2026-12-06")
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    counts: Counter[tuple[str, str, str]] = Counter()
    found: list[dict[str, Any]] = []
    print("| repository | files scanned | findings in source languages |")
    print("| --- | ---: | ---: |")
    for folder in options.folders:
        report = check(folder, options.as_of)
        mine = [f for f in report["findings"] if language(f["path"]) is not None]
        print(f"| {folder.name} | {report['summary']['files_scanned']} | {len(mine)} |")
        for f in mine:
            counts[(str(language(f["path"])), f["rule"], f["fix"])] += 1
            found.append(f)
    print("\n| language | rule | fix | findings |\n| --- | --- | --- | ---: |")
    for (lang, rule, fix), n in sorted(counts.items()):
        print(f"| {lang} | {rule} | {fix} | {n} |")
    print(f"\nSample of {options.sample} (seed {options.seed}):\n")
    random.seed(options.seed)
    for f in sorted(random.sample(found, min(options.sample, len(found))),
                    key=lambda f: (f["path"], f["line"])):
        lines = Path(f["path"]).read_text(encoding="utf-8", errors="replace").splitlines()
        text = lines[f["line"] - 1].strip()[:110] if f["line"] <= len(lines) else ""
        print(f"- `{f['path']}:{f['line']}:{f['column']}` {f['rule']} {f['fix']} "
              f"({f['context']}) `{f['model']}`: `{text}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
