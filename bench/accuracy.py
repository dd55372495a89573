"""How far modelguard's findings can be trusted on real code: recall against an independent ground
truth, the shapes of what it misses, and samples of what it reports for a person to judge.

    python bench/accuracy.py [--as-of 2026-12-06] [--sample 200 --seed 1] [--json OUT] FOLDER...

modelguard is run only through its command line (``python -m modelguard check --format json``),
so this script does not depend on the package's internals. The ground truth is built here, from
the registry data alone (``registry/*.toml`` read with tomllib):

* a *retired id* is an id or alias whose entry has ``shutdown <= --as-of``;
* a bare id belongs to the first provider, in ``registry.toml``'s ``priority`` order, whose file
  has ``match_bare`` (default true) and lists it; ids of ``match_bare = false`` providers count
  only behind one of that provider's ``prefixes``;
* every string literal of every ``.py`` file, and of every code cell of every ``.ipynb`` notebook,
  is read with the stdlib ``tokenize`` module and evaluated with ``ast.literal_eval``
  (f-strings, bytes and anything not a plain ``str`` are skipped);
* a literal is a *retired place* when, case-exactly, its whole value is a retired id (or a
  provider prefix plus one), or when the text after a ``/`` or ``:`` is one (any route prefix:
  ``openai:``, ``github/``, ``arn:…/``), or it is a fine-tune ``ft:<base>:…`` of one, or a
  ``<id>@<version>`` (Vertex style, read as ``<id>-<version>`` or ``<id>``), or a Bedrock
  cross-region profile ``us.<id>``. Ids with no digit (``ada``, ``davinci``, ``command``) count
  only when the literal is exactly the id or a provider prefix plus it, and are tallied apart.

A place is *found* when modelguard reports MG001 at the same file and line (for notebooks: the same
cell and line within it). Other file types (YAML, Markdown, JSON) are scanned by modelguard and
appear in the samples, but have no ground truth here.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import random
import re
import subprocess
import sys
import tokenize
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomllib

BENCH = Path(__file__).resolve().parent
DEFAULT_REGISTRY = BENCH.parent / "registry"
DEFAULT_AS_OF = "2026-12-06"
BEDROCK_REGIONS = ("us.", "eu.", "apac.", "us-gov.", "global.", "jp.", "au.", "ca.")
# Folders modelguard documents as skipped by default; a miss inside one is labelled so.
TOOL_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".eggs",
        ".direnv",
        "node_modules",
        "__pycache__",
        "__pypackages__",
        "build",
        "dist",
        "site-packages",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".ipynb_checkpoints",
        ".modelguard_cache",
        "_build",
        "buck-out",
    }
)
HAS_DIGIT = re.compile(r"\d")
WORDISH = re.compile(r"[\w.@-]+")


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class Entry:
    provider: str
    id: str
    shutdown: date | None


@dataclass(slots=True)
class Provider:
    name: str
    prefixes: list[str]
    match_bare: bool
    ids: dict[str, Entry] = field(default_factory=dict)


class Registry:
    """The registry data, read independently of modelguard."""

    def __init__(self, folder: Path, as_of: date) -> None:
        self.as_of = as_of
        meta: dict[str, Any] = {}
        providers: dict[str, Provider] = {}
        for path in sorted(folder.glob("*.toml")):
            with path.open("rb") as f:
                data = tomllib.load(f)
            if "provider" not in data:
                meta = data
                continue
            p = Provider(
                data["provider"], list(data.get("prefixes", [])), data.get("match_bare", True)
            )
            for m in data.get("models", []):
                shutdown = m.get("shutdown")
                entry = Entry(p.name, m["id"], shutdown if isinstance(shutdown, date) else None)
                for key in [m["id"], *m.get("aliases", [])]:
                    p.ids[key] = entry
            providers[p.name] = p
        order = [n for n in meta.get("priority", []) if n in providers]
        order += [n for n in providers if n not in order]
        self.providers = [providers[n] for n in order]
        self.version = str(meta.get("version", "?"))
        self.prefixed = sorted(
            ((pre, p) for p in self.providers for pre in p.prefixes), key=lambda t: -len(t[0])
        )
        # Every retired key and the first piece of it, for a cheap per-file prefilter.
        self.retired_keys: set[str] = set()
        for p in self.providers:
            for key, e in p.ids.items():
                if self.retired(e):
                    self.retired_keys.add(key)
                    self.retired_keys.add(re.split(r"[/:@]", key)[0])

    def retired(self, e: Entry) -> bool:
        return e.shutdown is not None and e.shutdown <= self.as_of

    def bare(self, key: str) -> Entry | None:
        for p in self.providers:
            if p.match_bare and key in p.ids:
                return p.ids[key]
        return None

    def with_prefix(self, value: str) -> tuple[Entry, str] | None:
        for pre, p in self.prefixed:
            if value.startswith(pre) and value[len(pre) :] in p.ids:
                return p.ids[value[len(pre) :]], pre
        return None

    def might_name(self, text: str) -> bool:
        for word in set(WORDISH.findall(text)):
            for piece in _variants(word):
                if piece in self.retired_keys or piece.split(".")[-1] in self.retired_keys:
                    return True
        return False


def _variants(word: str) -> list[str]:
    out = [word, word.split("@")[0]]
    for region in BEDROCK_REGIONS:
        if word.startswith(region):
            out.append(word[len(region) :])
    return out


# --------------------------------------------------------------------------- ground truth


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    form: str  # "bare", "word", a provider prefix, or the shape of an unknown route prefix


def prefix_shape(prefix: str) -> str:
    if prefix.startswith("arn:"):
        return "arn:…/"
    if prefix.startswith(("http://", "https://")):
        return "URL …/" + prefix.rstrip("/").rsplit("/", 1)[-1] + "/"
    if prefix.startswith("projects/"):
        return "projects/…/" + prefix.rstrip("/").rsplit("/", 1)[-1] + "/"
    return prefix


def classify(value: str, reg: Registry) -> Match | None:
    """The registry entry a literal names, and how; None when it names none."""
    if not value or len(value) > 300 or any(c.isspace() for c in value):
        return None
    hit = reg.with_prefix(value)
    if hit:
        entry, pre = hit
        return Match(entry, pre if HAS_DIGIT.search(entry.id) else f"word behind {pre}")
    e = reg.bare(value)
    if e:
        return Match(e, "bare" if HAS_DIGIT.search(value) else "word")

    # From here on the id is found inside a longer literal: digits required.
    def inner(key: str) -> tuple[Entry, str] | None:
        if not HAS_DIGIT.search(key):
            return None
        hit = reg.with_prefix(key)
        if hit:
            return hit
        e = reg.bare(key)
        if e:
            return e, ""
        for region in BEDROCK_REGIONS:
            if key.startswith(region):
                e = reg.bare(key[len(region) :])
                if e:
                    return e, "region."
        if "@" in key:
            base, _, version = key.rpartition("@")
            for candidate in (f"{base}-{version}", base):
                e = reg.bare(candidate) if HAS_DIGIT.search(candidate) else None
                if e:
                    return e, "@version"
        return None

    if value.startswith("ft:"):
        parts = value.split(":")
        got = inner(parts[1]) if len(parts) > 1 else None
        if got:
            return Match(got[0], "ft:")
    got = inner(value)
    if got:
        return Match(got[0], got[1] or "bare")
    for i, ch in enumerate(value):
        if ch in "/:" and i + 1 < len(value):
            got = inner(value[i + 1 :])
            if got:
                return Match(got[0], prefix_shape(value[: i + 1]) + got[1])
    return None


def form_family(form: str, known_prefixes: set[str]) -> str:
    """A coarse grouping of forms, for the summary of misses."""
    if form in ("bare", "word") or form in known_prefixes or form.startswith("word behind"):
        return "bare id or a registry prefix"
    if "region." in form:
        return "Bedrock cross-region profile (us./eu./apac./global.)"
    if form in ("ft:", "@version"):
        return {"ft:": "fine-tune ft:<base>:...", "@version": "<id>@<version>"}[form]
    if form.startswith("URL"):
        return "inside a URL path"
    if form.endswith(":"):
        return "colon route prefix (provider:model)"
    return "slash prefix unknown to the registry"


@dataclass(frozen=True, slots=True)
class Place:
    path: str  # absolute
    cell: int | None  # notebook cell number (1-based over all cells, as modelguard numbers them)
    line: int  # 1-based, within the cell for notebooks
    literal: str
    model: str  # the registry id it resolves to
    provider: str
    form: str
    retired: bool

    @property
    def key(self) -> tuple[str, int | None, int]:
        return (self.path, self.cell, self.line)


def string_literals(source: str) -> list[tuple[int, str]]:
    """(line, value) of every plain str literal; tokens after a tokenize error are lost."""
    out: list[tuple[int, str]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type != tokenize.STRING:
                continue
            head = tok.string[: tok.string.find(tok.string[-1])].lower()
            if "f" in head or "b" in head:
                continue
            try:
                value = ast.literal_eval(tok.string)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                continue
            if isinstance(value, str):
                out.append((tok.start[0], value))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def read_text(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return raw.decode("utf-8", "replace")


def notebook_cells(path: Path) -> list[tuple[int, str]]:
    """(number, source) of every code cell, numbered from 1 over all cells; IPython magics and
    shell lines blanked out."""
    try:
        nb = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return []
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    out = []
    for i, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        lines = ["" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.split("\n")]
        out.append((i, "\n".join(lines)))
    return out


def list_files(folder: Path) -> list[Path]:
    """The files a clone of the folder would have: `git ls-files` when it is a work tree."""
    listing = subprocess.run(
        ["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
    )
    top = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True, text=True
    )
    if listing.returncode == 0 and top.returncode == 0:
        return [
            folder / name
            for name in listing.stdout.decode("utf-8", "surrogateescape").split("\0")
            if name
        ]
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".git"]
        found += [Path(root, f) for f in files]
    return found


def ground_truth(folders: list[Path], reg: Registry, notebooks: bool) -> list[Place]:
    places: list[Place] = []
    for folder in folders:
        for path in list_files(folder):
            if path.suffix == ".py" and not path.is_symlink():
                text = read_text(path)
                units: list[tuple[int | None, str]] = [(None, text)] if text else []
            elif notebooks and path.suffix == ".ipynb" and not path.is_symlink():
                units = [(i, src) for i, src in notebook_cells(path)]
            else:
                continue
            for cell, source in units:
                if not reg.might_name(source):
                    continue
                for line, value in string_literals(source):
                    m = classify(value, reg)
                    if m is not None:
                        places.append(
                            Place(
                                str(path.resolve()),
                                cell,
                                line,
                                value,
                                m.entry.id,
                                m.entry.provider,
                                m.form,
                                reg.retired(m.entry),
                            )
                        )
    return places


# --------------------------------------------------------------------------- modelguard


def run_modelguard(
    folders: list[Path], as_of: str, registry: Path, command: list[str]
) -> dict[str, Any]:
    args = [
        *command,
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--as-of",
        as_of,
        "--registry",
        str(registry),
        "--isolated",
        "--no-cache",
        *map(str, folders),
    ]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"modelguard failed ({proc.returncode}): {' '.join(args)}\n{proc.stderr}")
    report: dict[str, Any] = json.loads(proc.stdout)
    report["command"] = args
    cwd = Path.cwd()
    for f in report["findings"]:
        f["abspath"] = str((cwd / f["path"]).resolve())
    for s in report.get("skipped", []):
        s["abspath"] = str((cwd / s["path"]).resolve())
    return report


def finding_key(f: dict[str, Any]) -> tuple[str, int | None, int]:
    return (f["abspath"], f.get("cell"), f["line"])


# --------------------------------------------------------------------------- source lines


class Lines:
    """Source lines by (path, cell, line), for showing findings and misses."""

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}
        self._cells: dict[str, dict[int, list[str]]] = {}

    def get(self, path: str, cell: int | None, line: int) -> str:
        if cell is not None:
            if path not in self._cells:
                cells: dict[int, list[str]] = {}
                try:
                    nb = json.loads(Path(path).read_bytes())
                    for i, c in enumerate(nb.get("cells", []), 1):
                        src = c.get("source", "")
                        cells[i] = ("".join(src) if isinstance(src, list) else str(src)).split("\n")
                except (OSError, ValueError, AttributeError):
                    pass
                self._cells[path] = cells
            lines = self._cells[path].get(cell, [])
        else:
            if path not in self._files:
                text = read_text(Path(path)) or ""
                self._files[path] = text.splitlines()
            lines = self._files[path]
        return lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""


# --------------------------------------------------------------------------- report


def repo_of(path: str, folders: list[Path]) -> str:
    for folder in folders:
        root = str(folder.resolve())
        if path == root or path.startswith(root + os.sep):
            return folder.resolve().name
    return "?"


def show(path: str, folders: list[Path]) -> str:
    for folder in folders:
        root = folder.resolve()
        if path.startswith(str(root) + os.sep):
            return f"{root.name}/{Path(path).relative_to(root).as_posix()}"
    return path


def where(path: str, cell: int | None, line: int, folders: list[Path]) -> str:
    return (
        f"{show(path, folders)}:{line}"
        if cell is None
        else f"{show(path, folders)}#cell{cell}:{line}"
    )


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def analyse(folders: list[Path], args: argparse.Namespace) -> dict[str, Any]:
    reg = Registry(args.registry, date.fromisoformat(args.as_of))
    report = run_modelguard(folders, args.as_of, args.registry, args.modelguard)
    findings: list[dict[str, Any]] = report["findings"]
    places = [p for p in ground_truth(folders, reg, not args.no_notebooks) if p.retired]
    lines = Lines()

    by_key: dict[tuple[str, int | None, int], list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_key[finding_key(f)].append(f)
    skipped = {s["abspath"]: s["reason"] for s in report.get("skipped", [])}

    def rules_at(p: Place) -> list[str]:
        return sorted({f["rule"] for f in by_key.get(p.key, [])})

    per_repo: dict[str, Counter[str]] = {f.resolve().name: Counter() for f in folders}
    misses: list[dict[str, Any]] = []
    gt_keys = set()
    for p in places:
        gt_keys.add(p.key)
        word = p.form.startswith("word")
        repo = repo_of(p.path, folders)
        found = "MG001" in rules_at(p)
        per_repo[repo]["word_places" if word else "places"] += 1
        per_repo[repo][("word_found" if word else "found")] += found
        if not found:
            parts = set(Path(p.path).parts)
            note = (
                f"file skipped: {skipped[p.path]}"
                if p.path in skipped
                else "in a default-excluded folder"
                if parts & TOOL_DIRS
                else ""
            )
            misses.append(
                {
                    "where": where(p.path, p.cell, p.line, folders),
                    "literal": p.literal,
                    "model": p.model,
                    "provider": p.provider,
                    "form": p.form,
                    "reported_as": rules_at(p),
                    "note": note,
                    "source": lines.get(p.path, p.cell, p.line),
                }
            )

    known = {pre for prov in reg.providers for pre in prov.prefixes}
    families: dict[str, Counter[str]] = defaultdict(Counter)
    for p in places:
        fam = families[form_family(p.form, known)]
        fam["places"] += 1
        fam["found"] += "MG001" in rules_at(p)
    for m in misses:
        m["family"] = form_family(m["form"], known)
    gt_files = {p.path for p in places}
    code_suffixes = (".py", ".ipynb") if not args.no_notebooks else (".py",)
    extras = []
    for f in findings:
        if (
            f["rule"] != "MG001"
            or not f["abspath"].endswith(code_suffixes)
            or finding_key(f) in gt_keys
        ):
            continue
        low = classify(f["model"].lower(), reg)
        kind = (
            "case variant of a retired id"
            if f["model"] != f["model"].lower() and low and reg.retired(low.entry)
            else "no retired-id literal on this line"
        )
        extras.append(
            {
                "where": where(f["abspath"], f.get("cell"), f["line"], folders),
                "model": f["model"],
                "entry": f["entry"],
                "context": f["context"],
                "kind": kind,
                "source": lines.get(f["abspath"], f.get("cell"), f["line"]),
                "file_has_ground_truth": f["abspath"] in gt_files,
            }
        )

    pool = [f for f in findings if f["rule"] in ("MG001", "MG002", "MG003")]
    rng = random.Random(args.seed)
    sample = rng.sample(pool, min(args.sample, len(pool)))
    sample_rows = [
        {
            "where": where(f["abspath"], f.get("cell"), f["line"], folders),
            "rule": f["rule"],
            "model": f["model"],
            "entry": f["entry"],
            "context": f["context"],
            "source": lines.get(f["abspath"], f.get("cell"), f["line"]),
        }
        for f in sample
    ]

    words = [
        {
            "where": where(f["abspath"], f.get("cell"), f["line"], folders),
            "rule": f["rule"],
            "model": f["model"],
            "entry": f["entry"],
            "context": f["context"],
            "source": lines.get(f["abspath"], f.get("cell"), f["line"]),
        }
        for f in findings
        if not HAS_DIGIT.search(f["model"])
    ]

    totals = Counter[str]()
    for c in per_repo.values():
        totals.update(c)
    return {
        "as_of": args.as_of,
        "registry_version": reg.version,
        "modelguard_command": report["command"],
        "folders": [str(f) for f in folders],
        "notebooks": not args.no_notebooks,
        "files_scanned": report["summary"]["files_scanned"],
        "by_rule": report["summary"]["by_rule"],
        "skipped_files": len(report.get("skipped", [])),
        "errors": report.get("errors", []),
        "per_repo": {r: dict(c) for r, c in sorted(per_repo.items())},
        "total": dict(totals),
        "forms": {
            form: {
                "places": n,
                "found": sum(1 for p in places if p.form == form and "MG001" in rules_at(p)),
            }
            for form, n in Counter(p.form for p in places).most_common()
        },
        "families": {
            f: dict(c) for f, c in sorted(families.items(), key=lambda kv: -kv[1]["places"])
        },
        "misses": misses,
        "extra_mg001": extras,
        "sample": sample_rows,
        "seed": args.seed,
        "no_digit_findings": words,
        "ground_truth": [asdict(p) for p in places],
    }


def print_report(r: dict[str, Any], examples: int) -> None:
    out = sys.stdout.write
    t = r["total"]
    out(
        f"# accuracy: as of {r['as_of']}, registry {r['registry_version']}, "
        f"{'.py and .ipynb code cells' if r['notebooks'] else '.py only'}\n"
    )
    out(
        "modelguard: "
        + " ".join(r["modelguard_command"][r["modelguard_command"].index("check") :][:12])
        + " ...\n"
    )
    out(
        f"files scanned: {r['files_scanned']}; skipped: {r['skipped_files']}; "
        f"errors: {len(r['errors'])}\n"
    )
    out(
        "findings per rule: "
        + ", ".join(f"{k} {v}" for k, v in sorted(r["by_rule"].items()))
        + "\n\n"
    )

    out("## recall (retired places found as MG001 on the same line)\n")
    out(f"{'repo':42} {'places':>7} {'found':>6} {'recall':>7} | {'word':>5} {'found':>6}\n")
    for repo, c in r["per_repo"].items():
        out(
            f"{repo:42} {c.get('places', 0):7} {c.get('found', 0):6} "
            f"{pct(c.get('found', 0), c.get('places', 0)):>7}"
            f" | {c.get('word_places', 0):5} {c.get('word_found', 0):6}\n"
        )
    out(
        f"{'TOTAL':42} {t.get('places', 0):7} {t.get('found', 0):6} "
        f"{pct(t.get('found', 0), t.get('places', 0)):>7}"
        f" | {t.get('word_places', 0):5} {t.get('word_found', 0):6}\n"
    )
    all_p = t.get("places", 0) + t.get("word_places", 0)
    all_f = t.get("found", 0) + t.get("word_found", 0)
    out(f"including no-digit ids: {all_f}/{all_p} = {pct(all_f, all_p)}\n\n")

    out("## ground truth by form (places, found)\n")
    for form, c in r["forms"].items():
        out(f"  {form!r:40} {c['places']:6} {c['found']:6}  {pct(c['found'], c['places'])}\n")

    out("\n## ground truth by family of forms (places, found, missed)\n")
    for fam, c in r["families"].items():
        out(f"  {fam:56} {c['places']:6} {c['found']:6} {c['places'] - c['found']:6}\n")
    reported = Counter(",".join(m["reported_as"]) or "nothing" for m in r["misses"])
    out("misses reported on their line as: " + ", ".join(f"{k} {v}" for k, v in reported.items()))
    out("\n\n## misses by form\n")
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in r["misses"]:
        groups[m["form"]].append(m)
    for form, ms in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        out(
            f"### {form!r}: {len(ms)} (literals: "
            + ", ".join(
                f"{lit} x{n}" for lit, n in Counter(m["literal"] for m in ms).most_common(6)
            )
            + ")\n"
        )
        for m in ms[:examples]:
            extra = (f" [reported as {','.join(m['reported_as'])}]" if m["reported_as"] else "") + (
                f" [{m['note']}]" if m["note"] else ""
            )
            out(f"  {m['where']}  {m['literal']!r}{extra}\n      {m['source']}\n")

    out(
        "\n## MG001 in .py/.ipynb with no ground-truth place on the line: "
        f"{len(r['extra_mg001'])}\n"
    )
    kinds = Counter((e["kind"], e["context"]) for e in r["extra_mg001"])
    for (kind, ctx), n in kinds.most_common():
        out(f"### {kind} / {ctx}: {n}\n")
        for e in [e for e in r["extra_mg001"] if e["kind"] == kind and e["context"] == ctx][
            :examples
        ]:
            out(f"  {e['where']}  {e['model']!r} -> {e['entry']}\n      {e['source']}\n")

    nd = r["no_digit_findings"]
    out(f"\n## findings whose matched text has no digit: {len(nd)}\n")
    single = [w for w in nd if "-" not in w["model"] and "/" not in w["model"]]
    out(f"single words (no hyphen, no slash): {len(single)}\n")
    for word, n in Counter(w["model"].lower() for w in single).most_common():
        ws = [w for w in single if w["model"].lower() == word]
        ctxs = Counter((w["rule"], w["context"]) for w in ws)
        spelled = Counter(w["model"] for w in ws)
        out(
            f"### {word!r}: {n} ("
            + ", ".join(f"{k} {v}" for k, v in spelled.most_common())
            + "; "
            + ", ".join(f"{rule} {ctx} {v}" for (rule, ctx), v in ctxs.most_common())
            + ")\n"
        )
        shown: set[tuple[str, str]] = set()
        for w in ws:  # one example per context first, then the rest
            if (w["rule"], w["context"]) not in shown and len(shown) < examples + 2:
                shown.add((w["rule"], w["context"]))
                out(
                    f"  {w['where']} {w['rule']} {w['model']!r} ({w['context']})\n"
                    f"      {w['source']}\n"
                )
    hyphen = Counter(w["model"] for w in nd if "-" in w["model"] or "/" in w["model"])
    out(
        "hyphenated or routed no-digit ids (specific names, not listed one by one): "
        + ", ".join(f"{m} x{n}" for m, n in hyphen.most_common())
        + "\n"
    )

    out(f"\n## random sample of MG001-MG003 findings (seed {r['seed']}, n={len(r['sample'])})\n")
    for i, s in enumerate(r["sample"], 1):
        out(
            f"{i:4}. {s['where']} {s['rule']} {s['model']!r} ({s['context']})\n"
            f"      {s['source']}\n"
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("folders", nargs="+", type=Path, metavar="FOLDER")
    p.add_argument(
        "--as-of", default=DEFAULT_AS_OF, help=f"lifecycle date (default {DEFAULT_AS_OF})"
    )
    p.add_argument(
        "--registry",
        type=Path,
        default=DEFAULT_REGISTRY,
        help="registry folder (default: ../registry)",
    )
    p.add_argument(
        "--sample", type=int, default=50, help="MG001-MG003 findings to print (default 50)"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--examples", type=int, default=3, help="examples per group (default 3)")
    p.add_argument("--no-notebooks", action="store_true", help="ground truth from .py files only")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write everything as JSON here")
    p.add_argument(
        "--modelguard",
        nargs="+",
        default=[sys.executable, "-m", "modelguard"],
        help="command that runs modelguard (default: this Python's -m modelguard)",
    )
    args = p.parse_args(argv)
    for folder in args.folders:
        if not folder.is_dir():
            p.error(f"not a folder: {folder}")
    result = analyse(args.folders, args)
    print_report(result, args.examples)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
