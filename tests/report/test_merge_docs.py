"""The organisation workflow and the README section that explains `report merge`."""

from __future__ import annotations

import pytest

from tests.conftest import TESTS


def test_org_workflow_scans_a_matrix_and_merges_the_artifacts() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((TESTS.parent / "docs" / "org-workflow.yml").read_text())
    scan, merge_job = workflow["jobs"]["scan"], workflow["jobs"]["merge"]
    assert scan["strategy"]["matrix"]["repository"]
    scan_run = "\n".join(step.get("run", "") for step in scan["steps"])
    assert "--format json" in scan_run and "--repo-name ${{ matrix.repository }}" in scan_run
    assert merge_job["needs"] == "scan"
    uses = [step.get("uses", "") for step in merge_job["steps"]]
    assert any(u.startswith("actions/download-artifact@") for u in uses)
    merge_run = "\n".join(step.get("run", "") for step in merge_job["steps"])
    assert 'report merge reports/*/report.json --format markdown >> "$GITHUB_STEP_SUMMARY"' \
        in merge_run


def test_readme_documents_report_merge_and_links_the_org_workflow() -> None:
    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Organisation view: `modelguard report merge`\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert "](docs/org-workflow.yml)" in section
    assert "modelguard report merge" in section
