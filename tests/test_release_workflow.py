"""The release workflow (.github/workflows/release.yml) does what a release needs, in order:
build from the tag, test the built wheel from a fresh virtualenv, publish to PyPI with trusted
publishing. Read as data, so a step dropped or reordered fails here, not on release day."""

from __future__ import annotations

from typing import Any

import pytest

from modelguard.defaults import SYNC_URL
from modelguard.tomlcompat import tomllib
from tests.conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def distribution() -> str:
    name: str = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["name"]
    return name


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def _uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in job["steps"] if "uses" in step]


def test_runs_on_version_tags_only(workflow: dict[str, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}  # jobs widen it one by one


def test_build_sees_the_tags_and_builds_both_artifacts(workflow: dict[str, Any],
                                                       distribution: str) -> None:
    build = workflow["jobs"]["build"]
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # hatch-vcs needs the tag
    assert "python -m build" in _runs(build)
    wheel_name = distribution.replace("-", "_")
    assert f"dist/{wheel_name}-${{version}}-py3-none-any.whl" in _runs(build)
    assert f"dist/{wheel_name}-${{version}}.tar.gz" in _runs(build)
    assert any(u.startswith("actions/upload-artifact") for u in _uses(build))


def test_the_wheel_is_tested_from_a_fresh_virtualenv(workflow: dict[str, Any]) -> None:
    test = workflow["jobs"]["test-wheel"]
    assert test["needs"] == "build"
    runs = _runs(test)
    assert "python -m venv /tmp/wheel-venv" in runs
    assert 'pip install "${wheel}[test]"' in runs
    assert "/tmp/wheel-venv/bin/pytest" in runs and "--import-mode=append" in runs
    assert "/tmp/wheel-venv/bin/modelguard check examples/legacy-app" in runs
    assert 'test "$code" -eq 1' in runs  # the example uses retired models


def test_publishing_uses_trusted_publishing_after_the_tests(workflow: dict[str, Any],
                                                            distribution: str) -> None:
    publish = workflow["jobs"]["publish-pypi"]
    assert set(publish["needs"]) == {"build", "test-wheel"}
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["environment"]["url"] == f"https://pypi.org/project/{distribution}/"
    (step,) = [s for s in publish["steps"] if s.get("uses", "").startswith(
        "pypa/gh-action-pypi-publish")]
    assert "password" not in step.get("with", {})  # no stored token: PyPI trusts the workflow
    # Only the publishing job may ask for an OIDC token.
    others = [name for name, job in workflow["jobs"].items()
              if name != "publish-pypi" and "id-token" in job.get("permissions", {})]
    assert others == []


def test_the_release_carries_the_bundle_registry_sync_fetches(workflow: dict[str, Any]) -> None:
    release = workflow["jobs"]["github-release"]
    assert "publish-pypi" in release["needs"]
    assert release["permissions"] == {"contents": "write"}
    bundle = SYNC_URL.rsplit("/", 1)[1]
    assert f"registry export --offline --output dist/{bundle}" in _runs(release)
    assert 'gh release create "$GITHUB_REF_NAME" dist/*' in _runs(release)


def test_docs_install_the_distribution_not_the_other_project(distribution: str) -> None:
    """`modelguard` on the package index is an unrelated project: every install command in the
    docs and workflows names the distribution."""
    import re

    files = [REPO / "README.md", *sorted((REPO / "docs").glob("*")),
             *sorted((REPO / ".github" / "workflows").glob("*.yml"))]
    installs = [(path.name, match.group(1)) for path in files
                for match in re.finditer(r"(?:pip|pipx|uv tool) install\s+([\w.\-\[\]=<>~]+)",
                                         path.read_text(encoding="utf-8"))]
    named = [(name, what) for name, what in installs
             if re.match(r"modelguard\b", what) and not what.startswith(distribution)]
    assert named == []
    assert ("README.md", distribution) in installs
    assert {name for name, what in installs if what.startswith(distribution)} >= {
        "README.md", "github-workflow.yml", "org-workflow.yml", "github-actions.md"}
