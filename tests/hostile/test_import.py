"""`registry import` with hostile upstream text: nothing upstream writes may become live TOML.

Every probe's output is re-read as TOML: the only entries are the ones meant, and an item
carrying a control character is listed as rejected on stderr, never written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelguard.tomlcompat import tomllib
from tests.conftest import FIXTURES, run_cli

INJECTED = '\n[[models]]\nid = "gpt-4o"\nshutdown = 2020-01-01\n'
REGISTRY = FIXTURES / "registry"


def litellm(key: str, **fields: str) -> bytes:
    record = {"litellm_provider": "openai", "deprecation_date": "2030-01-01", **fields}
    return json.dumps({key: record}).encode()


def models_dev(provider: str, model_id: str) -> bytes:
    return json.dumps({provider: {"models": {"m": {"id": model_id, "status": "deprecated"}}}}
                      ).encode()


PROBES = [
    pytest.param("litellm", litellm("old-model", deprecation_source="https://x.test/" + INJECTED),
                 id="litellm-https-source-newline"),
    pytest.param("litellm", litellm("old-model", deprecation_source="see" + INJECTED),
                 id="litellm-unsourced-comment-newline"),
    pytest.param("litellm", litellm("old-model" + INJECTED,
                                    deprecation_source="https://x.test/"), id="litellm-key-newline"),
    pytest.param("litellm", litellm("old-model", deprecation_source="https://x.test/",
                                    successor_model="new" + INJECTED), id="litellm-successor"),
    pytest.param("litellm", litellm("old-model", deprecation_source="https://x.test/\u2028x"),
                 id="litellm-line-separator"),
    pytest.param("models-dev", models_dev("openai", "old" + INJECTED), id="models-dev-id-newline"),
    pytest.param("models-dev", models_dev("openai" + INJECTED, "old"),
                 id="models-dev-provider-newline"),
]


@pytest.mark.parametrize(("kind", "data"), PROBES)
def test_upstream_text_never_becomes_live_toml(kind: str, data: bytes, tmp_path: Path) -> None:
    source = tmp_path / "upstream.json"
    source.write_bytes(data)
    out = tmp_path / "out"
    result = run_cli("registry", "import", "--from", kind, str(source), "--registry",
                     str(REGISTRY), "--output-dir", str(out))
    assert result.exit_code == 0, result.output
    for fragment in out.glob("*.toml"):
        parsed = tomllib.loads(fragment.read_text(encoding="utf-8"))
        assert [m["id"] for m in parsed.get("models", [])] in ([], ["old-model"])
        assert "gpt-4o" not in json.dumps(parsed)
    assert "\n[[models]]" not in result.stderr


@pytest.mark.parametrize(("kind", "data"), [p for p in PROBES if "provider" not in str(p.id)])
def test_items_with_control_characters_are_listed_as_rejected(
        kind: str, data: bytes, tmp_path: Path) -> None:
    source = tmp_path / "upstream.json"
    source.write_bytes(data)
    result = run_cli("registry", "import", "--from", kind, str(source), "--registry",
                     str(REGISTRY))
    assert result.exit_code == 0, result.output
    assert "rejected " in result.stderr and "control character U+" in result.stderr
    assert "[[models]]" not in result.stdout
