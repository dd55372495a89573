"""`report merge --format html`: one self-contained page (no network, no CDN) with a shutdown
timeline, a sortable table per repository and links to each entry's source page.

The page is a Jinja2 template with autoescaping, so every repository name, path, model id and
URL that came from a report or a registry is escaped; the timeline is drawn by matplotlib as an
SVG inlined in the page (text stays text, so it is searchable and escaped by matplotlib's SVG
writer); the only script is our own table sorter, allowed by its hash in the page's
Content-Security-Policy, which also forbids every network load. Jinja2 and matplotlib come with
the `html` extra and are imported only when a page is drawn.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.resources
import importlib.util
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from modelguard.defaults import DISTRIBUTION
from modelguard.report.merge import Merged, Move, worse_status

HTML_EXTRA = "html"
_NEEDS = ("jinja2", "matplotlib")
# Colour-blind-safe (Okabe-Ito) colours, each status also named in the legend and the tables.
STATUS_COLOURS: Mapping[str, str] = {
    "retired": "#d55e00",
    "deprecated": "#e69f00",
    "active": "#0072b2",
}
_OTHER_COLOUR = "#7f7f7f"


def missing_html_extra() -> str | None:
    """The one line to show when the libraries the page needs are not installed, else None."""
    missing = [name for name in _NEEDS if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return (f"--format html needs {' and '.join(missing)}: "
            f"pip install '{DISTRIBUTION}[{HTML_EXTRA}]'")


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One model on the timeline: the soonest shutdown and worst status across repositories."""

    provider: str
    model: str
    status: str
    shutdown: date
    repositories: int
    findings: int


@dataclass(frozen=True, slots=True)
class MoveRow:
    shutdown: str  # YYYY-MM-DD or "no date"
    shutdown_sort: str  # sorts undated rows last
    model: str
    provider: str
    status: str
    status_class: str  # one of STATUS_COLOURS or "other": never text from a report
    replacement: str | None
    findings: int
    source: str | None  # as the registry names it
    source_link: str | None  # the same, only when it is an https URL


@dataclass(frozen=True, slots=True)
class RepositoryView:
    anchor: str
    name: str
    commits: tuple[str, ...]
    findings: int
    soonest: str
    moves: tuple[MoveRow, ...]


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def timeline_rows(moves: tuple[Move, ...]) -> tuple[TimelineRow, ...]:
    """The models with a shutdown date, soonest first."""
    rows: dict[tuple[str, str], TimelineRow] = {}
    for move in moves:
        shutdown = _date(move.shutdown)
        if shutdown is None:
            continue
        key = (move.provider, move.model)
        known = rows.get(key)
        rows[key] = TimelineRow(
            move.provider, move.model,
            worse_status(move.status, known.status) if known else move.status,
            min(shutdown, known.shutdown) if known else shutdown,
            (known.repositories if known else 0) + 1,
            (known.findings if known else 0) + move.findings,
        )
    return tuple(sorted(rows.values(), key=lambda r: (r.shutdown, r.provider, r.model)))


def undated_models(moves: tuple[Move, ...]) -> tuple[str, ...]:
    return tuple(sorted({f"{m.model} ({m.provider})" for m in moves if _date(m.shutdown) is None}))


def timeline_svg(rows: tuple[TimelineRow, ...], today: date) -> str:
    """Models against shutdown date, one marker per model coloured by status, today marked;
    an inline <svg> element (no XML prologue)."""
    import matplotlib.dates as mdates
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    def day(value: date) -> float:
        return float(mdates.date2num(value))  # type: ignore[no-untyped-call]

    def kind(status: str) -> str:  # a status this page does not know is drawn as "other"
        return status if status in STATUS_COLOURS else "other"

    # Deterministic SVG (ids, no date) with text kept as text and never read as mathtext ($…$).
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "modelguard",
                     "text.parse_math": False, "font.family": "sans-serif", "font.size": 9}):
        figure = Figure(figsize=(10, 1.6 + 0.24 * len(rows)), layout="constrained")
        axes = figure.add_subplot()
        for position, row in enumerate(rows):
            axes.hlines(position, day(min(row.shutdown, today)), day(max(row.shutdown, today)),
                        color="#d0d0d0", linewidth=1, zorder=1)
        statuses = [s for s in (*STATUS_COLOURS, "other") if s in {kind(r.status) for r in rows}]
        for status in statuses:
            chosen = [(i, r) for i, r in enumerate(rows) if kind(r.status) == status]
            points = axes.scatter([day(r.shutdown) for _, r in chosen],
                                  [i for i, _ in chosen], s=42, zorder=3,
                                  color=STATUS_COLOURS.get(status, _OTHER_COLOUR),
                                  edgecolors="#202020", linewidths=0.5)
            points.set_gid(f"timeline-{status}")
        axes.axvline(day(today), color="#202020", linestyle="--", linewidth=1.2,
                     zorder=2).set_gid("timeline-today")
        axes.annotate(f"today {today.isoformat()}", xy=(day(today), 1.0),
                      xycoords=("data", "axes fraction"), xytext=(3, 3),
                      textcoords="offset points", fontsize=8)
        first = min([r.shutdown for r in rows] + [today]) - timedelta(days=30)
        last = max([r.shutdown for r in rows] + [today]) + timedelta(days=30)
        axes.set_xlim(day(first), day(last))
        locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(
            mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        axes.set_yticks(range(len(rows)), labels=[
            f"{r.model} ({r.provider}) · {r.repositories} repo"
            f"{'' if r.repositories == 1 else 's'}" for r in rows])
        axes.set_ylim(len(rows) - 0.5, -0.5 - (0.6 if len(rows) < 3 else 0))
        axes.grid(axis="x", color="#ececec")
        axes.set_xlabel("shutdown date")
        axes.legend(handles=[Line2D([], [], linestyle="", marker="o", markersize=7,
                                    color=STATUS_COLOURS.get(s, _OTHER_COLOUR),
                                    markeredgecolor="#202020", label=s) for s in statuses],
                    title="status", loc="upper left", bbox_to_anchor=(1.01, 1.0),
                    frameon=False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "modelguard"})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def _move_row(move: Move, sources: Mapping[tuple[str, str], str]) -> MoveRow:
    source = sources.get((move.provider, move.entry or move.model))
    return MoveRow(
        shutdown=move.shutdown or "no date",
        shutdown_sort=move.shutdown or "9999-99-99",
        model=move.model,
        provider=move.provider,
        status=move.status,
        status_class=move.status if move.status in STATUS_COLOURS else "other",
        replacement=move.replacement,
        findings=move.findings,
        source=source,
        source_link=source if source is not None and source.startswith("https://") else None,
    )


def repository_views(merged: Merged,
                     sources: Mapping[tuple[str, str], str]) -> tuple[RepositoryView, ...]:
    moves: dict[str, list[MoveRow]] = {r.name: [] for r in merged.repositories}
    for move in merged.moves:  # already soonest first
        moves[move.repository].append(_move_row(move, sources))
    return tuple(
        RepositoryView(f"repo-{number}", r.name, r.commits, r.findings,
                       min((m.shutdown_sort for m in moves[r.name]), default="9999-99-99"),
                       tuple(moves[r.name]))
        for number, r in enumerate(merged.repositories, 1)
    )


def _script() -> tuple[str, str]:
    """The table sorter and its CSP hash."""
    text = importlib.resources.files(__package__).joinpath(
        "templates", "sortable.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"sha256-{digest}"


def render_html(merged: Merged, *, today: date, tool_version: str,
                sources: Mapping[tuple[str, str], str]) -> str:
    """The dashboard page. `sources` maps (provider, registry entry) to its source URL."""
    import jinja2
    from markupsafe import Markup

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("modelguard.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    rows = timeline_rows(merged.moves)
    script, script_hash = _script()
    return environment.get_template("dashboard.html.j2").render(
        merged=merged,
        today=today.isoformat(),
        tool_version=tool_version,
        # matplotlib's SVG writer escapes every text it writes; the SVG is markup by design.
        chart=Markup(timeline_svg(rows, today)) if rows else None,
        timeline=rows,
        undated=undated_models(merged.moves),
        repositories=repository_views(merged, sources),
        statuses=STATUS_COLOURS,
        script=Markup(script),  # our own file, shipped in the package
        script_hash=script_hash,
    )
