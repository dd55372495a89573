"""Markdown for a job summary ($GITHUB_STEP_SUMMARY) or a PR comment.

Counts by status, one table row per model (bounded by the registry, not by the findings), then a
collapsed <details> block per file. The per-file listing stops after MAX_DETAIL_ROWS findings so a
report with thousands of findings stays well under GitHub's 65,536-character comment limit.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass

from modelguard.findings import Finding
from modelguard.report.interface import Reporter
from modelguard.report.model import Report

MAX_DETAIL_ROWS = 250


def cell(text: str) -> str:
    """Text that stays inside one table cell: no pipes, no line breaks, no HTML."""
    flat = " ".join(text.split())
    return html.escape(flat, quote=False).replace("|", "\\|")


def code(text: str) -> str:
    """Inline code inside a table cell; HTML-escaped since <code> is used, not backticks."""
    return f"<code>{cell(text)}</code>"


@dataclass(frozen=True, slots=True)
class _ModelRow:
    provider: str
    entry: str
    status: str
    replacement: str | None
    manual_migration: str | None
    shutdown: str
    days_left: int | None
    findings: int
    failing: int
    files: int


def _model_rows(report: Report) -> list[_ModelRow]:
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in report.findings:
        if finding.parameter is None:  # MG005 is about a request parameter, not a model to move
            groups[(finding.provider, finding.entry)].append(finding)
    rows = []
    for (provider, entry), found in groups.items():
        first = found[0]
        rows.append(_ModelRow(
            provider=provider,
            entry=entry,
            status=first.status.value,
            replacement=first.replacement,
            manual_migration=first.manual_migration,
            shutdown=first.shutdown.isoformat() if first.shutdown else "not announced",
            days_left=first.days_left,
            findings=len(found),
            failing=sum(report.fails(f) for f in found),
            files=len({f.path for f in found}),
        ))
    # Soonest (or longest-past) shutdown first: that is what needs doing first.
    return sorted(rows, key=lambda r: (r.days_left is None, r.days_left or 0, r.provider, r.entry))


def _days(days_left: int | None) -> str:
    if days_left is None:
        return "-"
    return f"{days_left}" if days_left >= 0 else f"{-days_left} ago"


class MarkdownReporter(Reporter):
    def render(self, report: Report) -> str:
        failing = len(report.failing)
        verdict = "failed" if report.exit_code else "passed"
        out = [
            f"## modelguard {verdict}: {len(report.findings)} finding(s), "
            f"{failing} at or above `--fail-on`",
            "",
            f"Registry `{report.registry_version}` ({cell(report.registry_where)}) "
            f"as of {report.as_of.isoformat()}, "
            f"`--fail-on {report.fail_on.value}`, {report.files_scanned} file(s) scanned.",
            "",
        ]
        by_status = Counter(f.status.value for f in report.findings)
        if by_status:
            out += ["| status | findings |", "| --- | ---: |"]
            out += [f"| {status} | {by_status[status]} |" for status in ("retired", "deprecated")
                    if by_status[status]]
            out.append("")
        if report.errors:
            out += [f"**{len(report.errors)} file(s) could not be scanned:**", ""]
            out += [f"- {code(e.path)}: {cell(e.message)}" for e in report.errors[:50]]
            if len(report.errors) > 50:
                out.append(f"- … and {len(report.errors) - 50} more")
            out.append("")
        if not report.findings:
            out.append("No deprecated or retired model ids found.")
            return "\n".join(out) + "\n"
        out += [
            "### By model",
            "",
            "| model | provider | status | replacement | shutdown | days left | findings "
            "| failing | files |",
            "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for row in _model_rows(report):
            replacement = code(row.replacement) if row.replacement else "-"
            if row.manual_migration is not None:
                replacement += f" (manual migration: {cell(row.manual_migration)})"
            out.append(
                f"| {code(row.entry)} | {cell(row.provider)} | {row.status} | {replacement} "
                f"| {row.shutdown} | {_days(row.days_left)} | {row.findings} | {row.failing} "
                f"| {row.files} |"
            )
        out += ["", "### By file", ""]
        by_file: dict[str, list[Finding]] = defaultdict(list)
        for finding in report.findings:
            by_file[finding.path].append(finding)
        shown = 0
        for path in sorted(by_file):
            found = by_file[path]
            if shown + len(found) > MAX_DETAIL_ROWS and shown > 0:
                break
            out += [
                f"<details><summary>{code(path)}: {len(found)} finding(s)</summary>",
                "",
                "| line | rule | model | message |",
                "| ---: | --- | --- | --- |",
            ]
            for finding in found[:MAX_DETAIL_ROWS]:
                mark = " ❌" if report.fails(finding) else ""
                line = (str(finding.line) if finding.in_file
                        else f"{finding.line_in_file} (cell {finding.cell}:{finding.line})")
                out.append(f"| {line} | {finding.rule.code}{mark} | {code(finding.model)} "
                           f"| {cell(finding.message)} |")
            out += ["", "</details>", ""]
            shown += min(len(found), MAX_DETAIL_ROWS)
        hidden = len(report.findings) - shown
        if hidden:
            out.append(f"… and {hidden} more finding(s) not listed here; "
                       "see the SARIF or JSON report for all of them.")
        return "\n".join(out).rstrip("\n") + "\n"
