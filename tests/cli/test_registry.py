"""`registry list | show | diff | export | sync`, and which registry `check` uses after a sync."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from modelguard.files import display_path
from modelguard.registry.bundle import bundle_bytes, checksum_line, registry_from_bundle
from modelguard.registry.load import (
    RegistryError,
    bundled_registry_dir,
    load_registry,
    parse_provider_file,
)
from modelguard.registry.sync import SyncError, active_registry, sync, synced_path
from modelguard.registry.views import diff
from tests.conftest import FIXTURES, QuietHTTPServer, run_cli

TEST_REGISTRY = str(FIXTURES / "registry")


def run(*args: str) -> Result:
    return run_cli(*args)


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--as-of", "2025-08-01", "--provider", "openai", "--status", "retired"],
                     {("openai", "gpt-4.5-preview"), ("openai", "gpt-4-32k"), ("openai", "text-davinci-003"),
                      ("openai", "command")},
                     id="retired-after-shutdown"),
        pytest.param(["--as-of", "2025-05-01", "--status", "deprecated"],
                     {("openai", "gpt-4.5-preview"), ("openai", "gpt-4-32k"), ("azure-openai", "gpt-4-32k")},
                     id="deprecated-between-announce-and-shutdown"),
        pytest.param(["--as-of", "2025-01-01", "--provider", "azure-openai", "--status", "active"],
                     {("azure-openai", "gpt-4o")}, id="provider-and-status"),
    ],
)
def test_list_filters(args: list[str], expected: set[tuple[str, str]]) -> None:
    result = run("registry", "list", "--registry", TEST_REGISTRY, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    assert {(r["provider"], r["id"]) for r in json.loads(result.stdout)} == expected


def test_list_json_fields_and_days_left() -> None:
    result = run("registry", "list", "--registry", TEST_REGISTRY, "--format", "json",
                 "--as-of", "2025-05-01", "--provider", "openai")
    row = next(r for r in json.loads(result.stdout) if r["id"] == "gpt-4.5-preview")
    assert row == {
        "provider": "openai", "id": "gpt-4.5-preview", "aliases": ["gpt-4.5-preview-2025-02-27"],
        "announced": "2025-04-14", "shutdown": "2025-07-14", "shutdown_qualifier": "exact",
        "dates_from": "provider",
        "replacement": "gpt-4.1", "endpoints": [],
        "source": "https://platform.openai.com/docs/deprecations",
        "status": "deprecated", "days_left": 74,
    }


def test_list_text_shows_qualifiers() -> None:
    """The bundled data has not_before and estimated days; the table must not print them as
    plain days."""
    result = run("registry", "list", "--offline", "--provider", "google", "--as-of", "2026-01-01")
    assert result.exit_code == 0
    assert "not before 20" in result.stdout
    assert "(estimated)" in result.stdout


def test_list_text_is_the_json_rows_as_columns() -> None:
    args = ("registry", "list", "--registry", TEST_REGISTRY, "--as-of", "2025-05-01")
    text, data = run(*args), run(*args, "--format", "json")
    header, *lines = text.stdout.splitlines()
    assert header.split() == ["provider", "id", "status", "shutdown", "days", "left", "replacement"]
    rows = json.loads(data.stdout)
    assert [line.split()[:3] for line in lines] == [[r["provider"], r["id"], r["status"]] for r in rows]
    assert text.stderr == f"{len(rows)} entries in registry 2000.01.01-test ({display_path(Path(TEST_REGISTRY))}) as of 2025-05-01\n"


def test_list_unknown_provider_is_one_line_exit_2() -> None:
    result = run("registry", "list", "--registry", TEST_REGISTRY, "--provider", "acme")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "modelguard: error: unknown provider 'acme' (known: openai, azure-openai)"
    ]


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected", "code"), [
    pytest.param(["gpt-4.5-preview"], [("openai", "gpt-4.5-preview", "gpt-4.5-preview", "exact")], 0, id="exact-id"),
    pytest.param(["GPT45"], [("openai", "gpt-4.5-preview", "gpt-4.5-preview", "prefix")], 0, id="case-and-punctuation-do-not-count"),
    pytest.param(["2025-02-27"], [("openai", "gpt-4.5-preview", "gpt-4.5-preview-2025-02-27", "substring")], 0, id="alias"),
    pytest.param(["4-32"], [("azure-openai", "gpt-4-32k", "gpt-4-32k", "substring"),
                            ("openai", "gpt-4-32k", "gpt-4-32k", "substring")], 0, id="substring-every-provider"),
    pytest.param(["4-32", "--provider", "openai"], [("openai", "gpt-4-32k", "gpt-4-32k", "substring")], 0, id="one-provider"),
    pytest.param(["Azure OpenAI"], [("azure-openai", "gpt-4-32k", "azure-openai", "provider"),
                                    ("azure-openai", "gpt-4o", "azure-openai", "provider")], 0, id="provider-name"),
    pytest.param(["gpt-4o"], [("azure-openai", "gpt-4o", "gpt-4o", "exact"), ("openai", "gpt-4o", "gpt-4o", "exact")], 0,
                 id="exact-before-longer"),
    pytest.param(["gpt-4.1-mni"], [("openai", "gpt-4.1", "gpt-4.1", "similar")], 0, id="typo-when-nothing-contains-it"),
    pytest.param(["text-davinci-004"], [("openai", "text-davinci-003", "text-davinci-003", "similar")], 0, id="near-miss"),
    pytest.param(["claude"], [], 1, id="nothing-exits-1"),
])
def test_search(args: list[str], expected: list[tuple[str, str, str, str]], code: int) -> None:
    result = run("registry", "search", "--registry", TEST_REGISTRY, "--as-of", "2025-05-01",
                 "--format", "json", *args)
    assert result.exit_code == code, result.output
    assert [(r["provider"], r["id"], r["matched"], r["match"]) for r in json.loads(result.stdout)] == expected
    assert result.stderr.startswith(f"{len(expected)} entries match {args[0]!r} in registry 2000.01.01-test (")


def test_search_text_table_and_limit() -> None:
    result = run("registry", "search", "gpt", "--registry", TEST_REGISTRY, "--as-of", "2025-05-01",
                 "--limit", "2")
    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["provider", "id", "matched", "status", "shutdown", "replacement"]
    assert [line.split()[:2] for line in lines] == [["azure-openai", "gpt-4o"], ["openai", "gpt-4o"]]
    assert result.stderr.endswith("(showing 2; --limit 0 shows all)\n")


@pytest.mark.parametrize("args", [
    pytest.param(["--", "-.-"], id="no-letters-or-digits"),
    pytest.param(["gpt", "--provider", "acme"], id="unknown-provider"),
])
def test_search_usage_errors(args: list[str]) -> None:
    result = run("registry", "search", "--registry", TEST_REGISTRY, *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1


# --- show -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected_lines"),
    [
        pytest.param("gpt-4.5-preview", ["provider:    openai (OpenAI)", "id:          gpt-4.5-preview",
                                         "chain:       gpt-4.5-preview -> gpt-4.1 (active)"], id="bare"),
        pytest.param("openai/gpt-4.5-preview", ["id:          gpt-4.5-preview"], id="routed"),
        pytest.param("gpt-4.5-preview-2025-02-27", ["id:          gpt-4.5-preview"], id="alias"),
        pytest.param("azure/gpt-4-32k", ["provider:    azure-openai (Azure OpenAI)",
                                         "shutdown:    2025-10-01"], id="provider-prefix-picks-provider"),
        pytest.param("text-davinci-003", ["chain:       text-davinci-003 -> gpt-3.5-turbo-instruct (deprecated) -> gpt-4.1 (active)"],
                     id="chain-of-two"),
    ],
)
def test_show(written: str, expected_lines: list[str]) -> None:
    result = run("registry", "show", written, "--registry", TEST_REGISTRY, "--as-of", "2030-02-01")
    assert result.exit_code == 0, result.output
    for line in expected_lines:
        assert line in result.stdout.splitlines()


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["gpt-4.5-preview"], {"provider": "openai", "id": "gpt-4.5-preview", "read_as": None,
                                       "status": "deprecated", "days_left": 74, "rewrite": "gpt-4.1",
                                       "chain": [{"id": "gpt-4.1", "status": "active"}]}, id="bare"),
    pytest.param(["openai/gpt-4.5-preview"], {"id": "gpt-4.5-preview", "rewrite": "openai/gpt-4.1",
                                              "read_as": "prefix 'openai/' (selects openai) + id 'gpt-4.5-preview'"},
                 id="routed-keeps-its-prefix"),
    pytest.param(["gpt-4-32k"], {"provider": "openai", "shutdown": "2025-06-06"}, id="first-provider-by-priority"),
    pytest.param(["gpt-4-32k", "--provider", "azure-openai"], {"provider": "azure-openai", "provider_name": "Azure OpenAI",
                                                               "shutdown": "2025-10-01"}, id="provider-chosen"),
])
def test_show_json(args: list[str], expected: dict[str, object]) -> None:
    result = run("registry", "show", *args, "--registry", TEST_REGISTRY, "--as-of", "2025-05-01",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert {key: shown[key] for key in expected} == expected
    assert shown["registry"]["version"] == "2000.01.01-test" and shown["registry"]["source"] == "file"


def test_show_provider_without_the_id_exits_1() -> None:
    result = run("registry", "show", "text-davinci-003", "--provider", "azure-openai", "--registry", TEST_REGISTRY)
    assert result.exit_code == 1
    assert result.stderr == "modelguard: 'text-davinci-003' is not in registry 2000.01.01-test (provider azure-openai)\n"


def test_show_unknown_id_exits_1() -> None:
    result = run("registry", "show", "gpt-9", "--registry", TEST_REGISTRY)
    assert result.exit_code == 1
    assert result.stderr == "modelguard: 'gpt-9' is not in registry 2000.01.01-test\n"


# --- diff -----------------------------------------------------------------------------------

HEAD = 'provider = "acme"\n'
SRC = 'source = "https://acme.example/d"\n'
M1 = '[[models]]\nid = "m1"\nannounced = 2025-01-01\nshutdown = 2025-06-01\n' + SRC
M2 = '[[models]]\nid = "m2"\n'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(M1, M1, [], id="same"),
        pytest.param(M2, M2 + M1, ["+ acme m1  shutdown 2025-06-01"], id="added"),
        pytest.param(M2 + M1, M2, ["- acme m1"], id="removed"),
        pytest.param(M1, M1.replace("2025-06-01", "2025-07-01"),
                     ["~ acme m1  shutdown: 2025-06-01 -> 2025-07-01"], id="shutdown-moved"),
        pytest.param(M1, M1.replace("announced = 2025-01-01\n", ""),
                     ["~ acme m1  announced: 2025-01-01 -> -"], id="announcement-dropped"),
        pytest.param(M1 + M2, M1.replace(SRC, SRC + 'replacement = "m2"\n') + M2,
                     ["~ acme m1  replacement: - -> m2"], id="replacement-set"),
        pytest.param(M1, M1 + 'shutdown_qualifier = "not_before"\n',
                     ["~ acme m1  shutdown_qualifier: exact -> not_before"], id="qualifier"),
        pytest.param(M1, M1 + 'notes = "reworded"\n', [], id="notes-ignored"),
        pytest.param(M1, M1 + 'endpoints = ["completions"]\n',
                     ["~ acme m1  endpoints: - -> completions"], id="endpoints-set"),
    ],
)
def test_diff(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    (tmp_path / "old.toml").write_text(HEAD + old)
    (tmp_path / "new.toml").write_text(HEAD + new)
    changes = diff([parse_provider_file(tmp_path / "old.toml")], [parse_provider_file(tmp_path / "new.toml")])
    assert [c.line() for c in changes] == expected


def test_diff_of_endpoints_moved_to_the_file_default_is_empty(tmp_path: Path) -> None:
    (tmp_path / "old.toml").write_text(HEAD + M1 + 'endpoints = ["chat"]\n')
    (tmp_path / "new.toml").write_text(HEAD + 'default_endpoints = ["chat"]\n' + M1)
    assert diff([parse_provider_file(tmp_path / "old.toml")],
                [parse_provider_file(tmp_path / "new.toml")]) == []


def test_diff_command_on_two_folders(tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(TEST_REGISTRY, new)
    path = new / "openai.toml"
    path.write_text(path.read_text().replace("shutdown = 2025-07-14", "shutdown = 2025-08-14"))
    result = run("registry", "diff", TEST_REGISTRY, str(new))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "registry diff 2000.01.01-test -> 2000.01.01-test",
        "~ openai gpt-4.5-preview  shutdown: 2025-07-14 -> 2025-08-14",
    ]


@pytest.mark.parametrize(("changed", "args", "code"), [
    pytest.param(False, (), 0, id="same"),
    pytest.param(True, (), 0, id="differences-without-exit-code"),
    pytest.param(False, ("--exit-code",), 0, id="same-with-exit-code"),
    pytest.param(True, ("--exit-code",), 1, id="differences-with-exit-code"),
])
def test_diff_exit_code(tmp_path: Path, changed: bool, args: tuple[str, ...], code: int) -> None:
    new = tmp_path / "new"
    shutil.copytree(TEST_REGISTRY, new)
    if changed:
        path = new / "openai.toml"
        path.write_text(path.read_text().replace("shutdown = 2025-07-14", "shutdown = 2025-08-14"))
    result = run("registry", "diff", *args, TEST_REGISTRY, str(new))
    assert result.exit_code == code
    assert result.stderr == f"0 added, 0 removed, {int(changed)} changed\n"


def test_diff_broken_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('provider = "acme"\n[[models]]\nid = "m"\nshutdown = 2025-01-01\n')
    result = run("registry", "diff", str(tmp_path / "bad.toml"), str(tmp_path / "bad.toml"))
    assert result.exit_code == 2
    assert "source: a deprecated entry needs an https:// source URL" in result.stderr


# --- export / bundle ------------------------------------------------------------------------


def test_export_round_trips_the_bundled_registry(tmp_path: Path) -> None:
    out = tmp_path / "registry.json"
    result = run("registry", "export", "--offline", "--output", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert (tmp_path / "registry.json.sha256").read_text() == checksum_line(data, "registry.json")
    bundled = load_registry(bundled_registry_dir())
    loaded = registry_from_bundle(data)
    assert loaded.version == bundled.version
    assert [p.models for p in loaded.providers] == [p.models for p in bundled.providers]
    assert [p.slug for p in loaded.providers] == [p.slug for p in bundled.providers]


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        pytest.param(b"{not json", "bundle: not a JSON registry bundle", id="not-json"),
        pytest.param(b'{"schema": 1}', "bundle: not a modelguard registry bundle", id="no-format"),
        pytest.param(json.dumps({"format": "modelguard-registry-bundle", "schema": 2, "version": "2030.01.01",
                                 "providers": []}).encode(), "bundle: schema: expected 1, got 2", id="schema"),
        pytest.param(json.dumps({"format": "modelguard-registry-bundle", "schema": 1, "version": "2030.01.01",
                                 "providers": [{"provider": "acme", "models": [{"id": "m", "shutdown": "2025-01-01"}]}]}).encode(),
                     "bundle: providers[0]: models[0] (m): source: a deprecated entry needs an https:// source URL",
                     id="content-rule"),
        pytest.param(json.dumps({"format": "modelguard-registry-bundle", "schema": 1, "version": "2030.01.01",
                                 "providers": [{"provider": "acme", "models": [{"id": "m", "shutdown": "soon"}]}]}).encode(),
                     "bundle: providers[0].models[0] (m): shutdown: 'soon' is not a date", id="bad-date"),
    ],
)
def test_bad_bundles_are_rejected(payload: bytes, problem: str) -> None:
    with pytest.raises(RegistryError) as caught:
        registry_from_bundle(payload)
    assert caught.value.problems[0].startswith(problem)


# --- sync against a real server on 127.0.0.1 ------------------------------------------------


class Server:
    """Serves `routes` (path → (status, body)); a body of None sleeps past any test timeout."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes | None]] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = routes.get(self.path, (404, b"not found"))
                if body is None:
                    time.sleep(1.5)
                    body = b""
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def publish(self, name: str, data: bytes, checksum: bytes | None = None) -> str:
        self.routes[f"/{name}"] = (200, data)
        self.routes[f"/{name}.sha256"] = (200, checksum if checksum is not None
                                          else checksum_line(data, name).encode())
        return f"{self.url}/{name}"


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def _bundle(version: str) -> bytes:
    registry = load_registry(FIXTURES / "registry")
    return bundle_bytes(registry).replace(
        f'"version": "{registry.version}"'.encode(), f'"version": "{version}"'.encode()
    )


BUNDLED_VERSION = load_registry(bundled_registry_dir()).version


@pytest.mark.parametrize(("config", "args", "expected"), [
    pytest.param(None, (), (BUNDLED_VERSION, "bundled", None), id="no-config-keeps-the-bundled-data"),
    pytest.param('registry = "bundled"\n', (), (BUNDLED_VERSION, "bundled", None), id="bundled-said-explicitly"),
    pytest.param('registry = "synced"\n', (), ("2999.01.01", "synced", None), id="project-opts-in"),
    pytest.param('registry = "synced"\n', ("--offline",), (BUNDLED_VERSION, "bundled", None), id="offline-overrides-opt-in"),
    pytest.param(None, ("--registry", "synced"), ("2999.01.01", "synced", None), id="command-line-opt-in"),
    pytest.param('registry = "synced"\n', ("--registry", "bundled"), (BUNDLED_VERSION, "bundled", None), id="command-line-wins"),
    pytest.param('registry = "vendor/registry.json"\n', (), ("2500.01.01", "file", "vendor/registry.json"), id="bundle-file-in-config"),
    pytest.param(None, ("--registry", "vendor/registry.json"), ("2500.01.01", "file", "vendor/registry.json"), id="bundle-file-on-command-line"),
    pytest.param(None, ("--registry", TEST_REGISTRY), ("2000.01.01-test", "file", None), id="registry-folder"),
])
def test_a_sync_changes_only_projects_that_opt_in(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str | None,
    args: tuple[str, ...], expected: tuple[str, str, str | None],
) -> None:
    result = run("registry", "sync", "--url", server.publish("registry.json", _bundle("2999.01.01")))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("installed registry 2999.01.01 (was ")
    assert 'registry = "synced"' in result.stdout  # says how to opt in
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "registry.json").write_bytes(_bundle("2500.01.01"))
    (tmp_path / "app.py").write_text('MODEL = "gpt-4.5-preview"\n')
    if config is not None:
        (tmp_path / "modelguard.toml").write_text(config)
    monkeypatch.chdir(tmp_path)
    report = json.loads(run("check", "app.py", "--format", "json", "--no-cache", *args).stdout)
    version, source, location = expected
    assert report["registry"]["version"] == version
    assert report["registry"]["source"] == source
    if location is not None or source != "file":
        assert report["registry"]["location"] == location
    where = location or report["registry"]["location"] if source == "file" else source
    assert f"with registry {version} ({where}) as of " in run("check", "app.py", "--no-cache", *args).stderr


def test_opting_in_with_nothing_synced_warns_and_uses_the_bundled_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.modelguard]\nregistry = "synced"\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    result = run("check", "app.py", "--no-cache")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "modelguard: warning: the configuration asks for the synced registry, but none is "
        "installed (run `modelguard registry sync`): using the bundled one")
    assert f"with registry {BUNDLED_VERSION} (bundled)" in result.stderr


@pytest.mark.parametrize(("value", "problem"), [
    pytest.param('"nowhere/registry.json"', "registry: no such folder or file: ", id="missing-path"),
    pytest.param("3", "registry: expected \"bundled\", \"synced\" or the path", id="not-a-string"),
    pytest.param('""', "registry: expected \"bundled\", \"synced\" or the path", id="empty"),
])
def test_bad_registry_setting_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, problem: str,
) -> None:
    (tmp_path / "modelguard.toml").write_text(f"registry = {value}\n")
    monkeypatch.chdir(tmp_path)
    for args in (("check", "."), ("registry", "list")):
        result = run(*args)
        assert result.exit_code == 2
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"modelguard: error: {tmp_path / 'modelguard.toml'}: {problem}")


def test_registry_option_rejects_a_missing_path() -> None:
    result = run("check", "--registry", "no/such/registry", ".")
    assert result.exit_code == 2
    assert "'no/such/registry': no such folder or file (or 'bundled', 'synced')" in result.stderr


# --- sync from a local file, and rollback ----------------------------------------------------


def _export(folder: Path, version: str) -> Path:
    """A bundle file and its .sha256 beside it, as `registry export` writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "registry.json"
    data = _bundle(version)
    path.write_bytes(data)
    (folder / "registry.json.sha256").write_text(checksum_line(data, "registry.json"))
    return path


def _synced_version() -> str | None:
    return registry_from_bundle(synced_path().read_bytes()).version if synced_path().exists() else None


def test_sync_from_a_local_bundle_file(tmp_path: Path) -> None:
    result = run("registry", "sync", str(_export(tmp_path / "a", "2999.01.01")))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"installed registry 2999.01.01 (was {BUNDLED_VERSION})")
    assert _synced_version() == "2999.01.01"


@pytest.mark.parametrize(("damage", "message"), [
    pytest.param(lambda p: p.with_name("registry.json.sha256").unlink(),
                 "registry.json.sha256: file not found (`registry export` writes it beside the bundle)", id="no-checksum-file"),
    pytest.param(lambda p: p.write_bytes(p.read_bytes() + b" "), "checksum mismatch", id="edited-after-export"),
    pytest.param(lambda p: p.unlink(), "registry.json: file not found", id="no-bundle"),
])
def test_a_local_bundle_gets_the_same_checks(
    tmp_path: Path, damage: Callable[[Path], None], message: str,
) -> None:
    path = _export(tmp_path, "2999.01.01")
    damage(path)
    result = run("registry", "sync", str(path))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("modelguard: error: ") and message in line
    assert not synced_path().exists()


def test_a_local_bundle_older_than_the_bundled_data_is_refused(tmp_path: Path) -> None:
    result = run("registry", "sync", str(_export(tmp_path, "2001.01.01")))
    assert result.exit_code == 2
    assert f"refusing registry 2001.01.01: older than {BUNDLED_VERSION}, the bundled one" in result.stderr


def test_rollback_steps_back_and_forth(tmp_path: Path) -> None:
    """Each row: a command, then what it prints and the synced version it leaves."""
    steps = [
        (("--rollback",), 2, "nothing to roll back: no registry was synced", None),
        ((str(_export(tmp_path / "a", "2999.01.01")),), 0, "installed registry 2999.01.01", "2999.01.01"),
        ((str(_export(tmp_path / "b", "3000.01.01")),), 0, "installed registry 3000.01.01 (was 2999.01.01)", "3000.01.01"),
        (("--rollback",), 0, "restored registry 2999.01.01 (was 3000.01.01)", "2999.01.01"),
        (("--rollback",), 0, "restored registry 3000.01.01 (was 2999.01.01)", "3000.01.01"),
    ]
    for args, code, output, version in steps:
        result = run("registry", "sync", *args)
        assert result.exit_code == code, (args, result.output)
        assert output in result.output
        assert _synced_version() == version


def test_rollback_after_the_first_sync_sets_it_aside(tmp_path: Path) -> None:
    assert run("registry", "sync", str(_export(tmp_path, "2999.01.01"))).exit_code == 0
    result = run("registry", "sync", "--rollback")
    assert result.stdout == ("set aside synced registry 2999.01.01: projects that opt in use the "
                             "bundled one until the next sync\n")
    assert not synced_path().exists()
    assert run("registry", "sync", "--rollback").stdout == "restored registry 2999.01.01 (was None)\n"
    assert _synced_version() == "2999.01.01"


@pytest.mark.parametrize("args", [
    pytest.param(("--rollback", "x.json"), id="rollback-with-a-bundle"),
    pytest.param(("a.json", "--url", "https://example.com/r.json"), id="argument-and-url"),
])
def test_sync_usage_errors(args: tuple[str, ...]) -> None:
    result = run("registry", "sync", *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1


def test_sync_same_version_is_a_no_op(server: Server) -> None:
    current = load_registry(bundled_registry_dir()).version
    result = run("registry", "sync", "--url", server.publish("r.json", _bundle(current)))
    assert result.exit_code == 0
    assert result.stdout == f"registry {current} is already installed\n"
    assert not synced_path().exists()


def _installed(server: Server) -> bytes:
    """Install 2999.01.01 first, so each failure below can be seen to keep it."""
    data = _bundle("2999.01.01")
    assert run("registry", "sync", "--url", server.publish("good.json", data)).exit_code == 0
    return data


@pytest.mark.parametrize(
    ("publish", "message"),
    [
        pytest.param(lambda s: s.publish("r.json", _bundle("2998.01.01")),
                     "refusing registry 2998.01.01: older than 2999.01.01, the synced one", id="older"),
        pytest.param(lambda s: s.publish("r.json", b"{corrupt", checksum_line(b"{corrupt", "r.json").encode()),
                     "invalid registry bundle: ", id="corrupt"),
        pytest.param(lambda s: s.publish("r.json", _bundle("3000.01.01"), b"0" * 64 + b"  r.json\n"),
                     "checksum mismatch", id="checksum-mismatch"),
        pytest.param(lambda s: s.publish("r.json", _bundle("3000.01.01"), b"nonsense\n"),
                     "no sha256 digest", id="checksum-file-garbled"),
        pytest.param(lambda s: s.url + "/missing.json", "HTTP 404", id="not-found"),
        pytest.param(lambda s: "http://example.com/registry.json", "only fetched over https", id="plain-http-remote"),
    ],
)
def test_sync_failures_are_one_line_exit_2_and_keep_the_old_data(
    server: Server, publish: Callable[[Server], str], message: str
) -> None:
    before = _installed(server)
    result = run("registry", "sync", "--url", publish(server))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("modelguard: error: ") and message in lines[0]
    assert synced_path().read_bytes() == before


def test_sync_timeout(server: Server) -> None:
    server.routes["/slow.json"] = (200, None)
    with pytest.raises(SyncError, match="timed out"):
        sync(server.url + "/slow.json", timeout=0.3)
    assert not synced_path().exists()


def test_sync_connection_refused_is_one_line(server: Server) -> None:
    url = server.url + "/r.json"
    server.httpd.shutdown()
    server.httpd.server_close()
    result = run("registry", "sync", "--url", url)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "cannot fetch" in result.stderr


def test_damaged_cache_falls_back_to_bundled_with_a_warning() -> None:
    synced_path().parent.mkdir(parents=True, exist_ok=True)
    synced_path().write_text("{damaged")
    registry, warnings = active_registry()
    assert registry.version == load_registry(bundled_registry_dir()).version
    assert len(warnings) == 1 and warnings[0].startswith("ignoring the synced registry: ")


# --- where dates come from ------------------------------------------------------------------

_PROVENANCE = {
    "registry.toml": 'schema = 1\nversion = "2026.12.06"\n',
    "fresh.toml": 'provider = "fresh"\npage_version = 2026-12-01\n[[models]]\nid = "f-1"\n',
    "stale.toml": 'provider = "stale"\npage_version = 2026-06-01\n[[models]]\nid = "s-1"\n'
                  'shutdown = 2027-01-01\nshutdown_qualifier = "estimated"\n'
                  'dates_from = "aggregator"\nsource = "https://stale.example/deprecations"\n',
    "unknown.toml": 'provider = "unknown"\n[[models]]\nid = "u-1"\n',
}


@pytest.fixture
def provenance_registry(tmp_path: Path) -> str:
    for name, text in _PROVENANCE.items():
        (tmp_path / name).write_text(text)
    return str(tmp_path)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param("30", {"s-1", "u-1"}, id="older-than-30-days-and-undated"),
        pytest.param("200", {"u-1"}, id="only-the-file-naming-no-page"),
        pytest.param("0", {"f-1", "s-1", "u-1"}, id="zero-days"),
    ],
)
def test_list_page_older_than(provenance_registry: str, days: str, expected: set[str]) -> None:
    result = run("registry", "list", "--registry", provenance_registry, "--format", "json",
                 "--as-of", "2026-12-06", "--page-older-than", days)
    assert result.exit_code == 0, result.output
    assert {r["id"] for r in json.loads(result.stdout)} == expected


def test_list_page_older_than_rejects_negative_days(provenance_registry: str) -> None:
    result = run("registry", "list", "--registry", provenance_registry, "--page-older-than", "-1")
    assert result.exit_code == 2


def test_aggregator_dates_are_marked_in_list_and_show(provenance_registry: str) -> None:
    listed = run("registry", "list", "--registry", provenance_registry, "--as-of", "2026-12-06")
    shown = run("registry", "show", "--registry", provenance_registry, "s-1")
    as_json = run("registry", "list", "--registry", provenance_registry, "--format", "json")
    assert "2027-01-01 (estimated, aggregator)" in listed.stdout
    assert "shutdown:    2027-01-01 (estimated, aggregator)" in shown.stdout
    assert "dates from:  LiteLLM or another aggregator" in shown.stdout
    assert {r["id"]: r["dates_from"] for r in json.loads(as_json.stdout)} == {
        "f-1": "provider", "s-1": "aggregator", "u-1": "provider"}


# --- --version names the registry -----------------------------------------------------------


@pytest.mark.parametrize(("synced", "config", "expected"), [
    pytest.param(False, None, [f"registry {BUNDLED_VERSION} (bundled)"], id="fresh-install"),
    pytest.param(True, None, [f"registry {BUNDLED_VERSION} (bundled)",
                              'synced registry 2999.01.01 installed, not used here (opt in with '
                              '`registry = "synced"` in [tool.modelguard])'], id="synced-but-not-opted-in"),
    pytest.param(True, 'registry = "synced"\n', ["registry 2999.01.01 (synced)"], id="opted-in"),
    pytest.param(False, 'registry = "vendor/registry.json"\n',
                 ["registry 2500.01.01 (vendor/registry.json)"], id="bundle-file"),
])
def test_version_names_the_registry_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, synced: bool, config: str | None,
    expected: list[str],
) -> None:
    from modelguard import __version__

    if synced:
        assert run("registry", "sync", str(_export(tmp_path / "published", "2999.01.01"))).exit_code == 0
    project = tmp_path / "project"
    _export(project / "vendor", "2500.01.01")
    if config is not None:
        (project / "modelguard.toml").write_text(config)
    monkeypatch.chdir(project)
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"modelguard {__version__} (modelguard-cli)", *expected]
