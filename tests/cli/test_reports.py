"""CI-facing command line: several outputs per run, baselines, rule docs, hook and workflow files."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import Result

from modelguard.ruledocs import DOCS, render_rules_page
from tests.conftest import FIXTURES, REPO, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")
SECTIONS = ["What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "References"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "projects" / "mixed", root)
    (root / "pkg" / "broken.py").unlink()
    monkeypatch.chdir(tmp_path)
    return root


def run(*args: str) -> Result:
    return run_cli(*args)


def check(*args: str) -> Result:
    return run("check", "--registry", TEST_REGISTRY, "mixed", "--as-of", "2025-08-01", *args)


# --- several outputs ------------------------------------------------------------------------


def test_one_run_writes_several_formats(project: Path) -> None:
    result = check(
        "--output-format", "sarif=out.sarif",
        "--output-format", "markdown=summary.md",
        "--output-format", "JUNIT=junit.xml",
    )
    assert result.exit_code == 1
    assert result.stdout.count("MG001") == 2  # stdout keeps the --format report
    sarif = json.loads((project.parent / "out.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 2
    assert (project.parent / "summary.md").read_text().startswith("## modelguard failed: 2 finding(s)")
    root = ET.fromstring((project.parent / "junit.xml").read_text())
    assert len(root.findall("testsuite/testcase/failure")) == 2


def test_output_and_output_format_together(project: Path) -> None:
    result = check("--format", "json", "--output", "r.json", "--output-format", "concise=r.txt")
    assert result.stdout == ""
    assert len(json.loads((project.parent / "r.json").read_text())["findings"]) == 2
    assert len((project.parent / "r.txt").read_text().splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--output-format", "xml=a.xml"], "unknown format 'xml'", id="unknown-format"),
        pytest.param(["--output-format", "sarif"], "'sarif' is not FORMAT=FILE", id="no-file"),
        pytest.param(["--output-format", "sarif="], "'sarif=' is not FORMAT=FILE", id="empty-file"),
        pytest.param(["--output-format", "sarif=a", "--output-format", "json=a"], "a is named by more than one output", id="same-file-twice"),
        pytest.param(["--output", "a", "--output-format", "json=a"], "a is named by more than one output", id="same-as-output"),
        pytest.param(["--output-format", "json=no/such/dir/a.json"], "cannot write no/such/dir/a.json", id="unwritable"),
    ],
)
def test_output_format_errors(project: Path, args: list[str], message: str) -> None:
    result = check(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (project.parent / "a").exists()


def test_outputs_are_not_written_when_the_run_fails(project: Path) -> None:
    result = run("check", "--registry", TEST_REGISTRY, "missing", "--output-format", "sarif=x.sarif")
    assert result.exit_code == 2
    assert not (project.parent / "x.sarif").exists()


# --- baseline -------------------------------------------------------------------------------


def test_baseline_hides_recorded_findings_and_survives_inserted_lines(project: Path) -> None:
    recorded = check("--write-baseline", "baseline.json")
    assert recorded.exit_code == 0
    assert "Recorded 2 finding(s) in baseline.json" in recorded.stderr
    assert check("--baseline", "baseline.json").exit_code == 0

    app = project / "pkg" / "app.py"
    app.write_text("# a header\n\n\n" + app.read_text())
    quiet = check("--baseline", "baseline.json", "--format", "json")
    assert (quiet.exit_code, json.loads(quiet.stdout)["findings"]) == (0, [])
    assert "2 finding(s) matched the baseline" in quiet.stderr

    app.write_text(app.read_text() + 'again = create(model="gpt-4.5-preview")\n')
    new = check("--baseline", "baseline.json", "--format", "json")
    findings = json.loads(new.stdout)["findings"]
    assert [(f["line"], f["model"]) for f in findings] == [(9, "gpt-4.5-preview")]
    assert new.exit_code == 1


def test_baseline_finding_returns_when_it_gets_more_serious(project: Path) -> None:
    """Accepted while deprecated, reported again once the model is retired."""
    run_args = ["check", "--registry", TEST_REGISTRY, "mixed", "--format", "json"]
    recorded = run(*run_args, "--as-of", "2025-05-01", "--warn-within", "0",
                   "--write-baseline", "baseline.json")
    assert recorded.exit_code == 0
    same_day = run(*run_args, "--as-of", "2025-05-01", "--warn-within", "0",
                   "--baseline", "baseline.json")
    assert json.loads(same_day.stdout)["findings"] == []
    later = run(*run_args, "--as-of", "2025-08-01", "--baseline", "baseline.json")
    assert [(f["rule"], f["model"]) for f in json.loads(later.stdout)["findings"]] == [
        ("MG001", "gpt-4.5-preview")
    ]


def test_baseline_does_not_carry_over_to_another_file(project: Path) -> None:
    check("--write-baseline", "baseline.json")
    shutil.copy(project / "pkg" / "app.py", project / "pkg" / "copy.py")
    result = check("--baseline", "baseline.json", "--format", "json")
    assert {f["path"] for f in json.loads(result.stdout)["findings"]} == {"mixed/pkg/copy.py"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "not valid JSON", id="not-json"),
        pytest.param("[]", "not a modelguard baseline", id="not-an-object"),
        pytest.param('{"format": "modelguard-baseline", "version": 9, "findings": []}', "unsupported baseline version 9", id="future-version"),
        pytest.param('{"format": "modelguard-baseline", "version": 1, "findings": {}}', '"findings" must be a list', id="findings-not-list"),
        pytest.param('{"format": "modelguard-baseline", "version": 1, "findings": [{"path": "a"}]}', "findings[0]: needs string path, model and fingerprint", id="entry-missing-fields"),
        pytest.param(None, "cannot read baseline baseline.json", id="missing-file"),
    ],
)
def test_corrupt_baseline_is_a_usage_error(project: Path, content: str | None, message: str) -> None:
    if content is not None:
        (project.parent / "baseline.json").write_text(content)
    result = check("--baseline", "baseline.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert message in result.stderr
    assert "Traceback" not in result.output


# --- rule docs ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(DOCS))
def test_rule_command_prints_every_section(code: str) -> None:
    result = run("rule", code.lower())
    assert result.exit_code == 0
    assert result.stdout.startswith(f"# {code} {DOCS[code].rule.name}\n")
    headings = [line[3:] for line in result.stdout.splitlines() if line.startswith("## ")]
    assert headings == SECTIONS


def test_unknown_rule_is_a_usage_error() -> None:
    result = run("rule", "MG999")
    assert result.exit_code == 2
    assert "Invalid value" in result.stderr


def test_docs_page_is_generated_from_the_rule_docs() -> None:
    page = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == render_rules_page(), "regenerate: python -m modelguard.ruledocs docs/rules.md"
    for code in DOCS:
        printed = run("rule", code).stdout.splitlines(keepends=True)
        demoted = "".join("#" + line if line.startswith("#") else line for line in printed)
        assert demoted in page, code


# --- pre-commit hooks and the workflow example ----------------------------------------------


def test_pre_commit_hook_files_agree_and_declare_both_hooks() -> None:
    yaml = pytest.importorskip("yaml")  # PyYAML comes with libcst
    dotted = (REPO / ".pre-commit-hooks.yaml").read_bytes()
    assert (REPO / "pre-commit-hooks.yaml").read_bytes() == dotted
    hooks = {hook["id"]: hook for hook in yaml.safe_load(dotted)}
    assert set(hooks) == {"modelguard", "modelguard-fix"}
    assert hooks["modelguard"]["entry"] == "modelguard check"
    assert hooks["modelguard-fix"]["entry"] == "modelguard fix"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is False
        assert "python" in hook["types_or"]


def test_github_workflow_example_uploads_sarif_and_writes_the_summary() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((REPO / "docs" / "github-workflow.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert "--output-format sarif=" in scripts
    assert "markdown=$GITHUB_STEP_SUMMARY" in scripts


def test_github_actions_page_shows_the_workflow_file_verbatim() -> None:
    page = (REPO / "docs" / "github-actions.md").read_text(encoding="utf-8")
    workflow = (REPO / "docs" / "github-workflow.yml").read_text(encoding="utf-8")
    assert f"```yaml\n{workflow}```\n" in page


@pytest.mark.parametrize("target", ["docs/github-workflow.yml", "docs/github-actions.md"])
def test_readme_workflow_section_links_resolve(target: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it in your workflow\n", 1)[1].split("\n## ", 1)[0]
    assert f"]({target})" in section
    assert (REPO / target).is_file()
