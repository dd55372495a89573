"""`fix` on source languages, as pyupgrade-style tables: (file name, source) left alone, and
(file name, source, fixed) rewrites, byte for byte. Fixing a fixed output again changes nothing.

As of AFTER: gpt-4.5-preview → gpt-4.1, gpt-4-32k → gpt-4o.
"""

from __future__ import annotations

import pytest

from modelguard.fix.plan import FixedSource
from modelguard.fix.run import can_fix, fix_source
from modelguard.registry.index import ModelIndex
from modelguard.scan import ScanSettings
from tests.conftest import AFTER


def fix(index: ModelIndex, name: str, source: bytes, unsafe: bool = False) -> bytes:
    outcome = fix_source(source, index, ScanSettings(AFTER), allow_unsafe=unsafe, path=name)
    assert isinstance(outcome, FixedSource), outcome
    return outcome.source


NOOP = [
    # Mentions: comments, prose, longer strings.
    pytest.param("main.go", "// Model: gpt-4-32k\n", id="go-comment"),
    pytest.param("main.go", 's := "use gpt-4-32k"\n', id="go-longer-string"),
    pytest.param("lib.rs", "/// model(\"gpt-4-32k\")\n", id="rust-doc-comment"),
    pytest.param("App.java", 'String p = """\n  model: "gpt-4-32k"\n  """;\n', id="java-text-block"),
    pytest.param("app.rb", "t = <<~EOS\n  model: 'gpt-4-32k'\nEOS\n", id="ruby-heredoc"),
    pytest.param("run.sh", "cat <<EOF\nMODEL=gpt-4-32k\nEOF\n", id="shell-heredoc"),
    pytest.param("run.sh", "# export MODEL=gpt-4-32k\n", id="shell-comment"),
    pytest.param("Dockerfile", "# ENV MODEL=gpt-4-32k\n", id="docker-comment"),
    pytest.param("q.sql", "-- model = 'gpt-4-32k'\n", id="sql-comment"),
    pytest.param("main.tf", 'description = "was gpt-4-32k"\n', id="hcl-prose"),
    # Unsafe places, without --unsafe-fixes.
    pytest.param("main.go", 'if m == "gpt-4-32k" {\n}\n', id="go-comparison"),
    pytest.param("main.go", 'GPT4x32k ChatModel = "gpt-4-32k"\n', id="go-constant-named-for-its-id"),
    pytest.param("App.java", 'List.of("gpt-4o", "gpt-4-32k");\n', id="java-list"),
    pytest.param("q.sql", "UPDATE t SET model = 'gpt-4-32k';\n", id="sql-model-column"),
    pytest.param("run.sh", "FALLBACK=gpt-4-32k\n", id="shell-other-name"),
    # Suppressed, or a word that goes on.
    pytest.param("main.go", 'Model: "gpt-4-32k", // modelguard: ignore\n', id="go-suppressed"),
    pytest.param("q.sql", "SET model = 'gpt-4-32k'; -- modelguard: ignore\n", id="sql-suppressed"),
    pytest.param("run.sh", "MODEL=gpt-4-32k${X}\n", id="shell-word-goes-on"),
]


@pytest.mark.parametrize(("name", "source"), NOOP)
def test_leaves_alone(index: ModelIndex, name: str, source: str) -> None:
    assert fix(index, name, source.encode()) == source.encode()


FIXED = [
    pytest.param("main.go", 'req := Req{\n\tModel: "gpt-4-32k", // was "gpt-4-32k"\n}\n',
                 'req := Req{\n\tModel: "gpt-4o", // was "gpt-4-32k"\n}\n', id="go-field"),
    pytest.param("main.go", "const defaultModel = `gpt-4-32k`\n",
                 "const defaultModel = `gpt-4o`\n", id="go-raw-string"),
    pytest.param("lib.rs", 'let model: &str = r#"gpt-4-32k"#;\n',
                 'let model: &str = r#"gpt-4o"#;\n', id="rust-raw-string"),
    pytest.param("lib.rs", 'R { model: "gpt-4-32k".to_string() }\n',
                 'R { model: "gpt-4o".to_string() }\n', id="rust-conversion"),
    pytest.param("App.java", 'b.modelName("gpt-4-32k").temperature(0.0);\n',
                 'b.modelName("gpt-4o").temperature(0.0);\n', id="java-builder"),
    pytest.param("App.kt", 'val model: String = "gpt-4-32k"\n', 'val model: String = "gpt-4o"\n',
                 id="kotlin-typed"),
    pytest.param("Program.cs", 'new ChatClient(model: @"gpt-4-32k", key);\n',
                 'new ChatClient(model: @"gpt-4o", key);\n', id="csharp-verbatim"),
    pytest.param("Program.cs", 'ChatClient c = openAi.GetChatClient("gpt-4-32k");\n',
                 'ChatClient c = openAi.GetChatClient("gpt-4o");\n', id="csharp-get-client"),
    pytest.param("app.rb", "client.chat(parameters: { model: 'gpt-4-32k' })\n",
                 "client.chat(parameters: { model: 'gpt-4o' })\n", id="ruby-single-quotes"),
    pytest.param("index.php", "<?php\n$p = ['model' => \"gpt-4-32k\", 'n' => 1];\n",
                 "<?php\n$p = ['model' => \"gpt-4o\", 'n' => 1];\n", id="php-array"),
    pytest.param("App.swift", 'ChatQuery(model: "gpt-4.5-preview")\n',
                 'ChatQuery(model: "gpt-4.1")\n', id="swift-label"),
    pytest.param("main.tf", 'model {\n  name    = "gpt-4-32k"\n  version = "0613"\n}\n',
                 'model {\n  name    = "gpt-4o"\n  version = "0613"\n}\n', id="hcl-model-block"),
    pytest.param("run.sh", "export OPENAI_MODEL=gpt-4-32k\npython a.py --model gpt-4-32k\n",
                 "export OPENAI_MODEL=gpt-4o\npython a.py --model gpt-4o\n", id="shell-bare-words"),
    pytest.param("run.sh", 'M="${OPENAI_MODEL:-gpt-4-32k}"\n', 'M="${OPENAI_MODEL:-gpt-4o}"\n',
                 id="shell-default"),
    pytest.param("Dockerfile", "FROM python:3.12\nENV OPENAI_MODEL=gpt-4-32k \\\n    N=1\n",
                 "FROM python:3.12\nENV OPENAI_MODEL=gpt-4o \\\n    N=1\n", id="docker-env"),
    pytest.param("Dockerfile", 'CMD ["app", "--model", "gpt-4-32k"]\n',
                 'CMD ["app", "--model", "gpt-4o"]\n', id="docker-exec-form"),
]


@pytest.mark.parametrize(("name", "source", "expected"), FIXED)
def test_rewrites(index: ModelIndex, name: str, source: str, expected: str) -> None:
    fixed = fix(index, name, source.encode())
    assert fixed == expected.encode()
    assert fix(index, name, fixed) == fixed


UNSAFE = [
    pytest.param("main.go", 'if m == "gpt-4-32k" {\n}\n', 'if m == "gpt-4o" {\n}\n',
                 id="go-comparison"),
    pytest.param("q.sql", "UPDATE t SET model = 'gpt-4-32k';\n", "UPDATE t SET model = 'gpt-4o';\n",
                 id="sql-model-column"),
    pytest.param("run.sh", "FALLBACK=gpt-4-32k\n", "FALLBACK=gpt-4o\n", id="shell-other-name"),
]


@pytest.mark.parametrize(("name", "source", "expected"), UNSAFE)
def test_unsafe_fixes_on_request(index: ModelIndex, name: str, source: str, expected: str) -> None:
    assert fix(index, name, source.encode()) == source.encode()
    assert fix(index, name, source.encode(), unsafe=True) == expected.encode()


BYTES = [
    pytest.param("main.go", b'a := 1\r\nm := Req{Model: "gpt-4-32k"}\r\n',
                 b'a := 1\r\nm := Req{Model: "gpt-4o"}\r\n', id="crlf"),
    pytest.param("App.java", b'\xef\xbb\xbfString model = "gpt-4-32k";',
                 b'\xef\xbb\xbfString model = "gpt-4o";', id="bom-no-final-newline"),
    pytest.param("app.rb", "# é\nmodel = 'gpt-4-32k' # ☃\n".encode(),
                 "# é\nmodel = 'gpt-4o' # ☃\n".encode(), id="non-ascii"),
]


@pytest.mark.parametrize(("name", "source", "expected"), BYTES)
def test_preserves_every_other_byte(index: ModelIndex, name: str, source: bytes,
                                    expected: bytes) -> None:
    assert fix(index, name, source) == expected


@pytest.mark.parametrize("name", ["main.go", "Dockerfile", "run.sh", "schema.sql", "main.tf"])
def test_fix_reads_the_languages(name: str) -> None:
    assert can_fix(name)
