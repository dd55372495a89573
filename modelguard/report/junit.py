"""JUnit XML for CI test dashboards: one testcase per file, one failure per failing finding.

Findings that do not fail the run go to the testcase's system-out; files that could not be
scanned are testcases with an error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from modelguard.findings import FixSafety
from modelguard.report.interface import Reporter
from modelguard.report.model import Report

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


class JunitReporter(Reporter):
    def render(self, report: Report) -> str:
        by_path: dict[str, list[str]] = {}
        paths = sorted({*report.scanned_paths, *(f.path for f in report.findings),
                        *(e.path for e in report.errors)})
        errors = {e.path: e.message for e in report.errors}
        suite = ET.Element("testsuite", {
            "name": "modelguard",
            "tests": str(len(paths)),
            "failures": "0",
            "errors": str(len(report.errors)),
            "skipped": "0",
        })
        properties = ET.SubElement(suite, "properties")
        for name, value in (("registry_version", report.registry_version),
                            ("registry_source", report.registry_where),
                            ("as_of", report.as_of.isoformat()),
                            ("fail_on", report.fail_on.value)):
            ET.SubElement(properties, "property", {"name": name, "value": value})
        cases: dict[str, ET.Element] = {}
        for path in paths:
            cases[path] = ET.SubElement(suite, "testcase", {
                "classname": "modelguard", "name": xml_text(path), "file": xml_text(path),
            })
            by_path[path] = []
        failing_cases = set()
        for finding in report.findings:
            where = (f"{finding.path}:{finding.line}:{finding.column}" if finding.in_file
                     else f"{finding.path}:{finding.line_in_file} ({finding.cell_location})")
            line = f"{where} {finding.rule.code} {finding.message}"
            if finding.replacement is not None and finding.fix is not FixSafety.NONE:
                line += (f" (replacement: {finding.replacement})" if finding.replacement
                         else f" ({finding.fix_title})")
                if finding.manual_migration is not None:
                    line += f" (manual migration: {finding.manual_migration})"
            if report.fails(finding):
                failure = ET.SubElement(cases[finding.path], "failure", {
                    "type": finding.rule.code, "message": xml_text(finding.message),
                })
                failure.text = xml_text(line)
                failing_cases.add(finding.path)
            else:
                by_path[finding.path].append(line)
        for path, message in errors.items():
            error = ET.SubElement(cases[path], "error", {
                "type": "ScanError", "message": xml_text(message),
            })
            error.text = xml_text(message)
        for path, lines in by_path.items():
            if lines:
                ET.SubElement(cases[path], "system-out").text = xml_text("\n".join(lines))
        suite.set("failures", str(len(failing_cases)))
        root = ET.Element("testsuites", {
            "name": "modelguard",
            "tests": suite.get("tests", "0"),
            "failures": suite.get("failures", "0"),
            "errors": suite.get("errors", "0"),
        })
        root.append(suite)
        ET.indent(root)
        # ElementTree escapes CR in attributes but not in text, where a parser would turn it
        # into LF; as a character reference it survives (any raw CR left is in text).
        body = ET.tostring(root, encoding="unicode").replace("\r", "&#13;")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
