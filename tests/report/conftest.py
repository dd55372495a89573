"""One shared report for every reporter test: real findings from scanning small sources."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from modelguard.api import Selection, collect
from modelguard.findings import Failed, Finding, Scanned
from modelguard.registry.index import ModelIndex
from modelguard.report.model import FailOn, Report
from modelguard.scan import ScanSettings, scan_source
from tests.conftest import DURING

APP = textwrap.dedent('''\
    """Talks to text-davinci-003 for legacy prompts."""
    MODEL = "gpt-4-32k"
    reply = client.chat.completions.create(model="gpt-4.5-preview", messages=[])
    if name == "text-davinci-003":
        pass
''')
DURING_SETTINGS = ScanSettings(DURING)
CONFIG = 'DEFAULT = "gpt-4-32k"\nFALLBACK = r"gpt-4-32k"\n'


def build_report(
    index: ModelIndex,
    files: dict[str, str],
    *,
    errors: tuple[Failed, ...] = (),
    fail_on: FailOn = FailOn.RETIRED,
    settings: ScanSettings = DURING_SETTINGS,
) -> Report:
    results: list[Scanned | Failed] = [
        Scanned(path, scan_source(path, source, index, settings)) for path, source in files.items()
    ]
    return collect([*results, *errors], index, settings, fail_on, Selection())


@pytest.fixture
def report(index: ModelIndex) -> Report:
    """At DURING: gpt-4.5-preview is MG003, gpt-4-32k MG002, text-davinci-003 retired (MG001 and
    an MG004 mention); one clean file and one file that failed to parse."""
    return build_report(
        index,
        {"src/app.py": APP, "src/config.py": CONFIG, "src/clean.py": "x = 1\n"},
        errors=(Failed("src/broken.py", "syntax error at line 2, column 1"),),
    )


def hostile(finding: Finding) -> Finding:
    """The same finding with a path and message that break naive escaping."""
    return dataclasses.replace(
        finding,
        path='we,ird:dir/a "b" <c> & d%25\u00e9.py',
        message='line one\r\nline two: 100% <b>&amp;</b> "quoted", \u2603 | pipe \x1b[31m',
    )
