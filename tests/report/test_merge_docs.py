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
    assert "report merge reports/*/report.json --format html --output dashboard.html" in merge_run
    assert "pip install 'modelguard-cli[html]'" in merge_run
    uploads = {step["with"]["name"]: step["with"]["path"] for step in merge_job["steps"]
               if step.get("uses", "").startswith("actions/upload-artifact@")}
    assert uploads["modelguard-dashboard"] == "dashboard.html"


def test_org_workflow_sends_each_sarif_to_its_repository_code_scanning() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((TESTS.parent / "docs" / "org-workflow.yml").read_text())
    steps = workflow["jobs"]["scan"]["steps"]
    scan = next(step for step in steps if "modelguard check" in step.get("run", ""))
    assert "--output-format sarif=../report.sarif" in scan["run"]
    assert scan["working-directory"] == "src"  # paths relative to the repository's root
    upload = next(step for step in steps if "code-scanning/sarifs" in step.get("run", ""))
    # A large SARIF must go in the request body, never as one command-line argument.
    assert 'gh api --method POST "repos/${{ matrix.repository }}/code-scanning/sarifs"' \
        in upload["run"]
    assert "--input sarif-upload.json" in upload["run"]
    assert "env.SECURITY_TOKEN != ''" in upload["if"]


def test_readme_documents_report_merge_and_links_the_org_workflow() -> None:
    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Organisation view: `modelguard report merge`\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert "](docs/org-workflow.yml)" in section
    assert "modelguard report merge" in section
