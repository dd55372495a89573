"""Chart libraries for `report merge --format html`, measured side by side.

    python bench/html_candidates.py [--rows 60] [--only matplotlib,plotly,altair] [--wheels]

For each candidate: a fresh virtualenv (in a temporary folder) gets the library from PyPI with
pip; the figures are the install time and the size it adds to site-packages, whether every
installed distribution is pure Python (py3-none-any) or binary, and then, in that virtualenv, the
time to import the library and draw the same timeline (ROWS models against their shutdown date,
coloured by status, today marked) as a fragment that works offline, its size, and whether the
fragment refers to anything on the network (script/link/img sources). --wheels also asks PyPI
(one JSON request per binary distribution) which platforms the latest release has wheels for.

The timeline has one row per model, not per report: 1,000 reports of the same models draw the
same chart; the page around it is measured by `python bench/merge.py --format html`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CANDIDATES = {
    # name: (pip requirements, snippet that prints the offline fragment)
    "matplotlib": (["matplotlib"], """
import io, json, sys, datetime as dt
from matplotlib import rc_context
from matplotlib.figure import Figure
rows = json.load(sys.stdin)
today = dt.date(2025, 5, 1)
epoch = dt.date(1970, 1, 1)
colours = {"retired": "#d55e00", "deprecated": "#e69f00", "active": "#0072b2"}
with rc_context({"svg.fonttype": "none", "text.parse_math": False}):
    figure = Figure(figsize=(10, 1.6 + 0.24 * len(rows)), layout="constrained")
    axes = figure.add_subplot()
    for status, colour in colours.items():
        chosen = [(i, r) for i, r in enumerate(rows) if r[2] == status]
        axes.scatter([(dt.date.fromisoformat(r[1]) - epoch).days for _, r in chosen],
                     [i for i, _ in chosen], color=colour, label=status)
    axes.axvline((today - epoch).days, linestyle="--")
    axes.set_yticks(range(len(rows)), labels=[r[0] for r in rows])
    axes.xaxis_date()
    axes.legend()
    out = io.StringIO()
    figure.savefig(out, format="svg")
sys.stdout.write(out.getvalue())
"""),
    "plotly": (["plotly"], """
import json, sys
import plotly.graph_objects as go
rows = json.load(sys.stdin)
colours = {"retired": "#d55e00", "deprecated": "#e69f00", "active": "#0072b2"}
figure = go.Figure()
for status, colour in colours.items():
    chosen = [r for r in rows if r[2] == status]
    figure.add_trace(go.Scatter(x=[r[1] for r in chosen], y=[r[0] for r in chosen],
                                mode="markers", name=status, marker_color=colour))
figure.add_vline(x="2025-05-01", line_dash="dash")
figure.update_layout(height=120 + 18 * len(rows))
# include_plotlyjs=True inlines plotly.js: the only way the fragment works offline.
sys.stdout.write(figure.to_html(include_plotlyjs=True, full_html=False))
"""),
    "altair": (["altair", "vl-convert-python"], """
import json, sys
import altair as alt
import vl_convert
rows = json.load(sys.stdin)
data = alt.Data(values=[{"model": r[0], "shutdown": r[1], "status": r[2]} for r in rows])
points = alt.Chart(data).mark_point(filled=True).encode(
    x="shutdown:T", y=alt.Y("model:N", sort=None),
    color=alt.Color("status:N", scale=alt.Scale(
        domain=["retired", "deprecated", "active"],
        range=["#d55e00", "#e69f00", "#0072b2"])))
today = alt.Chart(alt.Data(values=[{"today": "2025-05-01"}])).mark_rule(
    strokeDash=[4, 4]).encode(x="today:T")
# Static SVG through vl-convert: an interactive chart would need vega's JS from a CDN or
# inlined (to_html(inline=True), which also goes through vl-convert).
sys.stdout.write(vl_convert.vegalite_to_svg((points + today).to_dict()))
"""),
}
STATUSES = ("retired", "deprecated", "active")
# script/link/img/iframe sources on the network; namespace URIs (xmlns) are not loads.
_NETWORK = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?https?:""",
                      re.IGNORECASE)
_PLATFORMS = {"linux x86_64": r"manylinux.*x86_64", "linux aarch64": r"manylinux.*aarch64",
              "musllinux x86_64": r"musllinux.*x86_64", "macOS x86_64": r"macosx.*(x86_64|universal)",
              "macOS arm64": r"macosx.*(arm64|universal)", "Windows amd64": r"win_amd64",
              "Windows arm64": r"win_arm64"}


def rows(count: int) -> list[tuple[str, str, str]]:
    return [(f"model-{n:03d} (provider-{n % 5})", f"{2024 + n % 3}-{1 + n % 12:02d}-15",
             STATUSES[n % 3]) for n in range(count)]


def site_size(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def distributions(site: Path) -> dict[str, str]:
    """Installed distribution -> its wheel tag ("py3-none-any" for pure Python)."""
    found = {}
    for wheel in site.glob("*.dist-info/WHEEL"):
        name = wheel.parent.name.split("-")[0].lower().replace("_", "-")
        tags = [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines()
                if line.startswith("Tag:")]
        found[name] = tags[0] if len(tags) == 1 else f"{tags[0]} (+{len(tags) - 1})"
    return found


def wheel_platforms(name: str) -> str:
    with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as answer:
        files = json.load(answer)["urls"]
    names = " ".join(f["filename"] for f in files if f["filename"].endswith(".whl"))
    if "none-any" in names:
        return "pure Python wheel"
    return ", ".join(p for p, pattern in _PLATFORMS.items() if re.search(pattern, names)) \
        or "no wheels"


def measure(name: str, requirements: list[str], snippet: str, data: str,
            wheels: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        venv = Path(folder) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / "bin" / "python"
        (site,) = (venv / "lib").glob("python*/site-packages")
        before, before_dists = site_size(site), set(distributions(site))
        start = time.perf_counter()
        subprocess.run([str(python), "-m", "pip", "install", "-q", *requirements], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        install = time.perf_counter() - start
        added = {d: tag for d, tag in distributions(site).items() if d not in before_dists}
        binary = sorted(d for d, tag in added.items() if "none-any" not in tag)
        start = time.perf_counter()
        fragment = subprocess.run([str(python), "-c", snippet], input=data, check=True,
                                  capture_output=True, text=True).stdout
        render = time.perf_counter() - start
        start = time.perf_counter()  # again, now that caches (fonts, bytecode) are warm
        subprocess.run([str(python), "-c", snippet], input=data, check=True,
                       capture_output=True, text=True)
        warm = time.perf_counter() - start
        print(f"## {name} ({' + '.join(requirements)})")
        print(f"  install: {install:.1f} s, +{(site_size(site) - before) / 2**20:.1f} MiB in "
              f"site-packages, {len(added)} distributions, binary: {', '.join(binary) or 'none'}")
        print(f"  import + draw: {render:.2f} s first run, {warm:.2f} s warm")
        print(f"  fragment: {len(fragment.encode()) / 2**10:.0f} KiB, network references: "
              f"{len(_NETWORK.findall(fragment))}")
        if wheels:
            for distribution in binary:
                print(f"  wheels of {distribution}: {wheel_platforms(distribution)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=60)
    parser.add_argument("--only", default=",".join(CANDIDATES))
    parser.add_argument("--wheels", action="store_true")
    args = parser.parse_args()
    data = json.dumps(rows(args.rows))
    print(f"timeline of {args.rows} models; Python {sys.version.split()[0]}")
    for name in args.only.split(","):
        requirements, snippet = CANDIDATES[name]
        measure(name, requirements, snippet, data, args.wheels)


if __name__ == "__main__":
    main()
