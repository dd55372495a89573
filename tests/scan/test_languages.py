"""Source languages (shell, Dockerfile, HCL, Go, Rust, Java, Kotlin, C#, Ruby, PHP, Swift,
SQL), specified as (file name, source, expected findings) tables.

Findings are (rule, line, column, end column, fix); columns are 1-based, the end exclusive, and
a literal's span holds its prefix and quotes. Lifecycles are judged after gpt-4.5-preview's
shutdown (gpt-4-32k is retired too; `command` is a plain-word id).
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.load import bundled_registry_dir, load_registry
from modelguard.scan import ScanSettings, can_scan, scan_source
from modelguard.scan.formats import LANGUAGE_FORMATS, TextFormat, text_format
from modelguard.scan.languages import LANGUAGE_CONTEXTS, LANGUAGES
from modelguard.scan.prefilter import build_prefilter
from tests.conftest import AFTER, FindingRow, finding_rows

Row = FindingRow
_scan = finding_rows


def test_the_language_table_covers_the_language_formats() -> None:
    assert set(LANGUAGES) == LANGUAGE_FORMATS


def test_every_language_has_examples() -> None:
    named = {text_format(name) for context in LANGUAGE_CONTEXTS for name, _ in context.examples}
    assert set(LANGUAGES) <= named


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        # Go: raw strings, runes, comments.
        pytest.param("a.go", 'x := Req{Model: "gpt-4-32k"} // gpt-4-32k\n', [("MG001", 1, 17, 28, "safe"), ("MG004", 1, 33, 42, "none")], id="go-struct-field-and-comment"),
        pytest.param("a.go", "m := `gpt-4-32k`\n", [("MG001", 1, 6, 17, "unsafe")], id="go-raw-string"),
        pytest.param("a.go", "s := `model:\ngpt-4-32k`\n", [("MG004", 2, 1, 10, "none")], id="go-raw-string-spans-lines"),
        pytest.param("a.go", "q := '\"'; m := \"gpt-4-32k\"\n", [("MG001", 1, 16, 27, "unsafe")], id="go-rune-holding-a-quote"),
        pytest.param("a.go", '/*\nModel: "gpt-4-32k"\n*/\n', [("MG004", 2, 9, 18, "none")], id="go-block-comment"),
        pytest.param("a.go", 'm := "gpt-4-32k\\n"\n', [("MG004", 1, 7, 16, "none")], id="go-escape-makes-longer-text"),
        # Rust: raw strings with hashes, lifetimes, nested comments, conversions.
        pytest.param("a.rs", 'let m = r#"gpt-4-32k"#;\n', [("MG001", 1, 9, 23, "unsafe")], id="rust-raw-hashes"),
        pytest.param("a.rs", "fn f<'a>(m: &'a str) { g(\"gpt-4-32k\") }\n", [("MG001", 1, 26, 37, "unsafe")], id="rust-lifetime-is-no-quote"),
        pytest.param("a.rs", '/* a /* b */ "gpt-4-32k" */ x\n', [("MG004", 1, 15, 24, "none")], id="rust-nested-comment"),
        pytest.param("a.rs", 'Req { model: "gpt-4-32k".into() }\n', [("MG001", 1, 14, 25, "safe")], id="rust-into"),
        pytest.param("a.rs", 'b.model("gpt-4-32k")?\n', [("MG001", 1, 9, 20, "safe")], id="rust-builder"),
        # Java and Kotlin: text blocks, builders, named arguments, templates.
        pytest.param("A.java", 'String p = """\n  "gpt-4-32k"\n  """;\n', [("MG004", 2, 4, 13, "none")], id="java-text-block"),
        pytest.param("A.java", 'b.modelName("gpt-4-32k").build();\n', [("MG001", 1, 13, 24, "safe")], id="java-builder"),
        pytest.param("A.java", 'b.supportsModel("gpt-4-32k");\n', [("MG001", 1, 17, 28, "unsafe")], id="java-predicate-is-no-setter"),
        pytest.param("A.java", 'enumValue("gpt-4-32k", 8192),\n', [("MG001", 1, 11, 22, "unsafe")], id="java-enum-constant"),
        pytest.param("A.kt", 'val s = "${m}gpt-4-32k"\n', [("MG004", 1, 14, 23, "none")], id="kotlin-template"),
        pytest.param("A.kt", 'val m = """gpt-4-32k"""\n', [("MG001", 1, 9, 24, "unsafe")], id="kotlin-raw-one-line"),
        pytest.param("A.kt", 'Req(model = "gpt-4-32k")\n', [("MG001", 1, 13, 24, "safe")], id="kotlin-named-argument"),
        # C#: verbatim, interpolated and raw strings.
        pytest.param("A.cs", 'var m = @"gpt-4-32k";\n', [("MG001", 1, 9, 21, "unsafe")], id="csharp-verbatim"),
        pytest.param("A.cs", 'var p = @"say ""hi"" to\ngpt-4-32k";\n', [("MG004", 2, 1, 10, "none")], id="csharp-verbatim-doubled-quotes"),
        pytest.param("A.cs", 'var s = $"{x}gpt-4-32k";\n', [("MG004", 1, 14, 23, "none")], id="csharp-interpolated"),
        pytest.param("A.cs", 'new Opts { DeploymentName = "gpt-4-32k" };\n', [("MG001", 1, 29, 40, "safe")], id="csharp-initializer"),
        # Ruby and PHP: both quotes, heredocs, code islands.
        pytest.param("a.rb", "chat(model: 'gpt-4-32k') # gpt-4-32k\n", [("MG001", 1, 13, 24, "safe"), ("MG004", 1, 28, 37, "none")], id="ruby-keyword-and-comment"),
        pytest.param("a.rb", 'x = "#{m}"; y = "gpt-4-32k"\n', [("MG001", 1, 17, 28, "unsafe")], id="ruby-interpolation-holds-no-quote"),
        pytest.param("a.rb", "t = <<~EOS\n  model: 'gpt-4-32k'\nEOS\nm = 'gpt-4-32k'\n", [("MG004", 2, 11, 20, "none"), ("MG001", 4, 5, 16, "unsafe")], id="ruby-heredoc"),
        pytest.param("a.php", "<?php\n$p = ['model' => \"gpt-4-32k\"]; // gpt-4-32k\n", [("MG001", 2, 18, 29, "safe"), ("MG004", 2, 35, 44, "none")], id="php-array"),
        pytest.param("a.php", "<b>it's gpt-4-32k</b>\n<?php $m = 'gpt-4-32k'; ?>\n", [("MG004", 1, 9, 18, "none"), ("MG001", 2, 12, 23, "unsafe")], id="php-html-is-prose"),
        # Swift: raw and multi-line strings.
        pytest.param("a.swift", 'let m = #"gpt-4-32k"#\n', [("MG001", 1, 9, 22, "unsafe")], id="swift-raw"),
        pytest.param("a.swift", 'let s = "\\(x)gpt-4-32k"\n', [("MG004", 1, 14, 23, "none")], id="swift-interpolation"),
        # SQL: doubled quotes, comments, never safe.
        pytest.param("a.sql", "INSERT INTO t VALUES ('it''s', 'gpt-4-32k');\n", [("MG001", 1, 32, 43, "unsafe")], id="sql-doubled-quote"),
        pytest.param("a.sql", "SELECT 1; -- 'gpt-4-32k'\n", [("MG004", 1, 15, 24, "none")], id="sql-comment"),
        pytest.param("a.sql", "WHERE model = 'command'\n", [("MG001", 1, 15, 24, "unsafe")], id="sql-plain-word-in-model-column"),
        pytest.param("a.sql", "WHERE kind = 'command'\n", [], id="sql-plain-word-elsewhere"),
        # Shell and Dockerfile: bare words, comments only at a word's start, heredocs.
        pytest.param("a.sh", "export OPENAI_MODEL=gpt-4-32k # gpt-4-32k\n", [("MG001", 1, 21, 30, "safe"), ("MG004", 1, 33, 42, "none")], id="shell-export-and-comment"),
        pytest.param("a.sh", "url=http://x/#gpt-4-32k\n", [("MG004", 1, 15, 24, "none")], id="shell-hash-inside-word"),
        pytest.param("a.sh", "MODEL=gpt-4-32k$SUFFIX\n", [("MG004", 1, 7, 16, "none")], id="shell-word-goes-on"),
        pytest.param("a.sh", "run --model=gpt-4-32k --engine 'gpt-4-32k'\n", [("MG001", 1, 13, 22, "safe"), ("MG001", 1, 32, 43, "safe")], id="shell-flags"),
        pytest.param("a.sh", 'echo "${LLM_MODEL:-gpt-4-32k} gpt-4-32k"\n', [("MG001", 1, 20, 29, "safe"), ("MG004", 1, 31, 40, "none")], id="shell-default-in-string"),
        pytest.param("a.sh", "cat <<EOF > out # x\nMODEL=gpt-4-32k\nEOF\nMODEL=gpt-4-32k\n", [("MG004", 2, 7, 16, "none"), ("MG001", 4, 7, 16, "safe")], id="shell-heredoc"),
        pytest.param("a.sh", "x=$((1 << 2)); MODEL=command\n", [("MG001", 1, 22, 29, "safe")], id="shell-shift-is-no-heredoc"),
        pytest.param("a.sh", "echo command\n", [], id="shell-plain-word-in-prose"),
        pytest.param("Dockerfile", "ENV A=1 \\\n    MODEL=gpt-4-32k\n", [("MG001", 2, 11, 20, "safe")], id="docker-env-continued"),
        pytest.param("Dockerfile", "ENV OPENAI_MODEL gpt-4-32k\n", [("MG001", 1, 18, 27, "safe")], id="docker-env-legacy-form"),
        pytest.param("Dockerfile", "RUN echo 'a#b' && echo gpt-4-32k\n", [("MG004", 1, 24, 33, "none")], id="docker-hash-mid-line-is-no-comment"),
        # Terraform: blocks that make `name` and `default` model slots.
        pytest.param("main.tf", 'model {\n  name = "gpt-4-32k"\n}\n', [("MG001", 2, 10, 21, "safe")], id="hcl-model-block"),
        pytest.param("main.tf", 'variable "llm" {\n  default = "gpt-4-32k"\n}\n', [("MG001", 2, 13, 24, "safe")], id="hcl-variable"),
        pytest.param("main.tf", 'locals {\n  name = "gpt-4-32k" # x\n}\n', [("MG001", 2, 10, 21, "unsafe")], id="hcl-other-block"),
        pytest.param("main.tf", 'x = "${var.a}-gpt-4-32k"\n', [("MG004", 1, 15, 24, "none")], id="hcl-interpolation"),
        pytest.param("main.tf", "d = <<-EOT\n  gpt-4-32k\n  EOT\n", [("MG004", 2, 3, 12, "none")], id="hcl-heredoc"),
    ],
)
def test_findings(index: ModelIndex, name: str, source: str, expected: list[Row]) -> None:
    assert _scan(index, name, source) == expected


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        pytest.param("a.go", 'm := "gpt-4-32k" // modelguard: ignore\n', [], id="go-line-comment"),
        pytest.param("a.go", 'm := "gpt-4-32k" /* modelguard: ignore[MG001] */\n', [], id="go-block-comment-rule"),
        pytest.param("a.go", 'm := "gpt-4-32k" // modelguard: ignore[MG004]\n', [("MG001", 1, 6, 17, "unsafe")], id="go-other-rule"),
        pytest.param("a.go", 'm := "gpt-4-32k # modelguard: ignore"\n', [("MG004", 1, 7, 16, "none")], id="go-directive-in-a-string-is-text"),
        pytest.param("a.rs", "// modelguard: ignore\nlet m = \"gpt-4-32k\";\n", [("MG001", 2, 9, 20, "unsafe")], id="rust-previous-line-does-not-count"),
        pytest.param("A.java", 'm("gpt-4-32k"); /** modelguard: ignore */\n', [], id="java-doc-comment"),
        pytest.param("a.rb", "m = 'gpt-4-32k' # modelguard: ignore\n", [], id="ruby-hash"),
        pytest.param("a.php", "<?php $m = 'gpt-4-32k'; # modelguard: ignore\n", [], id="php-hash"),
        pytest.param("a.sql", "SELECT 'gpt-4-32k'; -- modelguard: ignore\n", [], id="sql-dashes"),
        pytest.param("a.sh", "MODEL=gpt-4-32k  # modelguard: ignore\n", [], id="shell-hash"),
        pytest.param("Dockerfile", "# modelguard: ignore\nENV MODEL=gpt-4-32k\n", [("MG001", 2, 11, 20, "safe")], id="docker-own-line-only"),
        pytest.param("main.tf", 'model = "gpt-4-32k" // modelguard: ignore\n', [], id="hcl-slashes"),
    ],
)
def test_suppressions(index: ModelIndex, name: str, source: str, expected: list[Row]) -> None:
    assert _scan(index, name, source) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("Dockerfile", TextFormat.DOCKERFILE, id="dockerfile"),
        pytest.param("deploy/Dockerfile.prod", TextFormat.DOCKERFILE, id="dockerfile-variant"),
        pytest.param("app.dockerfile", TextFormat.DOCKERFILE, id="dockerfile-suffix"),
        pytest.param("Containerfile", TextFormat.DOCKERFILE, id="containerfile"),
        pytest.param("run.sh", TextFormat.SHELL, id="sh"),
        pytest.param("ci.bash", TextFormat.SHELL, id="bash"),
        pytest.param("home/.zshrc", TextFormat.SHELL, id="zshrc"),
        pytest.param(".envrc", TextFormat.SHELL, id="envrc"),
        pytest.param("main.tf", TextFormat.HCL, id="terraform"),
        pytest.param("prod.tfvars", TextFormat.HCL, id="tfvars"),
        pytest.param("main.go", TextFormat.GO, id="go"),
        pytest.param("lib.rs", TextFormat.RUST, id="rust"),
        pytest.param("App.java", TextFormat.JAVA, id="java"),
        pytest.param("build.gradle.kts", TextFormat.KOTLIN, id="kotlin-script"),
        pytest.param("Program.cs", TextFormat.CSHARP, id="csharp"),
        pytest.param("Gemfile", TextFormat.RUBY, id="gemfile"),
        pytest.param("tasks.rake", TextFormat.RUBY, id="rake"),
        pytest.param("index.php", TextFormat.PHP, id="php"),
        pytest.param("App.swift", TextFormat.SWIFT, id="swift"),
        pytest.param("schema.sql", TextFormat.SQL, id="sql"),
        pytest.param("main.tf.json", TextFormat.JSON, id="terraform-json-is-json"),
        pytest.param("dockerfile.md", TextFormat.DOCKERFILE, id="name-family-wins"),
        pytest.param("Makefile", None, id="makefile"),
        pytest.param("run", None, id="extensionless-script"),
    ],
)
def test_text_format(path: str, expected: TextFormat | None) -> None:
    assert text_format(path) is expected
    assert can_scan(path) is (expected is not None)


# The prefilter may let a file through in vain, never hold back one with a finding: the same
# findings with it as with a prefilter that lets everything through.
_NAMES = ["o1", "o3-mini", "tts-1", "ada", "command", "whisper-1", "claude-2.1", "gpt-4",
          "dall-e-3", "anthropic.claude-v2:1", "gpt-4-32k", "gpt-4.5-preview"]
_FILLER = ["x", "model", " ", "-", ".", "/", ":", "_", "ß", "\\n", "\\x2d", "$", "{", "}", "#",
           "'", '"', "`", "//", "--", "/*", "*/", "\n", "<<EOF\n", "EOF\n", "=", "(", ")"]
_SHAPES = {
    "a.go": ['Model: "{}",', "x := `{}`", "// {}", 'if m == "{}" {{', "/* {} */"],
    "a.rs": ['.model("{}")', 'let m = r#"{}"#;', "/* {} /* {} */ */", 'm: "{}".into(),'],
    "A.java": ['b.modelName("{}");', 'String p = """\n{}\n""";', "// {}"],
    "A.kt": ['val model = "{}"', 'val s = "${{x}}{}"', 'val r = """{}"""'],
    "A.cs": ['var m = @"{}";', 'var s = $"{{x}}{}";', "Model = \"{}\","],
    "a.rb": ["model: '{}',", 'x = "#{{y}}{}"', "t = <<~EOS\n{}\nEOS", "# {}"],
    "a.php": ["<?php $a = ['model' => '{}'];", "<p>{}</p>", "# {}"],
    "a.swift": ['ChatQuery(model: "{}")', 'let r = #"{}"#', 'let s = "\\(x){}"'],
    "a.sql": ["SET model = '{}';", "-- {}", "SELECT $${}$$;"],
    "a.sh": ["export OPENAI_MODEL={}", 'M="${{X_MODEL:-{}}}"', "run --model {} # {}",
             "cat <<EOF\n{}\nEOF"],
    "Dockerfile": ["ENV OPENAI_MODEL {}", "ARG MODEL={}", '"--model", "{}"]', "# {}"],
    "main.tf": ['model {{\n name = "{}"\n}}', 'default = "{}"', "d = <<EOT\n{}\nEOT"],
}


@st.composite
def _word(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(["", "", "openai/", "azure/"])) + draw(st.sampled_from(_NAMES))
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.replace("s", "\u017f")
    return text


@st.composite
def _language_file(draw: st.DrawFn) -> tuple[str, str]:
    path = draw(st.sampled_from(sorted(_SHAPES)))
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        parts = draw(st.lists(st.one_of(_word(), st.sampled_from(_FILLER)), min_size=1,
                              max_size=4))
        shape = draw(st.sampled_from(_SHAPES[path]))
        lines.append(shape.replace("{}", "".join(parts)).replace("{{", "{").replace("}}", "}"))
    return path, "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


@pytest.fixture(scope="module")
def bundled_index() -> ModelIndex:
    return build_index(load_registry(bundled_registry_dir()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=_language_file())
def test_prefilter_keeps_every_finding(bundled_index: ModelIndex, file: tuple[str, str]) -> None:
    path, source = file
    everything = dataclasses.replace(bundled_index, _prefilter=build_prefilter(["--"]))
    expected = scan_source(path, source, everything, ScanSettings(AFTER))
    assert scan_source(path, source, bundled_index, ScanSettings(AFTER)) == expected


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        pytest.param("a.go", '/* never closed\nm := "gpt-4-32k"\n', [("MG004", 2, 7, 16, "none")], id="unclosed-block-comment-is-comment"),
        pytest.param("a.rb", "x = 'never closed\nm = \"gpt-4-32k\"\n", [("MG001", 2, 5, 16, "unsafe")], id="unclosed-multiline-quote-is-code"),
        pytest.param("a.sh", "cat <<EOF\nMODEL=gpt-4-32k\n", [("MG004", 2, 7, 16, "none")], id="unclosed-heredoc-runs-to-the-end"),
        pytest.param("a.sh", "cat <<EOF", [], id="heredoc-opener-at-the-end"),
        pytest.param("a.php", "no code at all: 'gpt-4-32k'\n", [("MG004", 1, 18, 27, "none")], id="php-without-code"),
        pytest.param("a.rs", 'let s = r##"a "# gpt-4-32k"##;\n', [("MG004", 1, 18, 27, "none")], id="rust-raw-needs-its-hashes"),
        pytest.param("a.swift", '"\\(f("a\\"b"))gpt-4-32k"\n', [("MG004", 1, 14, 23, "none")], id="swift-quotes-inside-interpolation"),
        pytest.param("a.kt", '"${m["k"]}"; x = "gpt-4-32k"\n', [("MG001", 1, 18, 29, "unsafe")], id="kotlin-quotes-inside-template"),
        pytest.param("a.sql", "SELECT $fn$ 'gpt-4-32k' $fn$, 'gpt-4-32k';\n", [("MG004", 1, 14, 23, "none"), ("MG001", 1, 31, 42, "unsafe")], id="sql-dollar-quote-is-prose"),
        pytest.param("main.tf", "}\n}\nmodel = \"gpt-4-32k\"\n", [("MG001", 3, 9, 20, "safe")], id="hcl-stray-braces"),
        pytest.param("a.go", "", [], id="empty"),
    ],
)
def test_broken_and_odd_sources(index: ModelIndex, name: str, source: str,
                                expected: list[Row]) -> None:
    assert _scan(index, name, source) == expected
