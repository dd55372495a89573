"""Source languages through the token scanner: shell, Dockerfile, Terraform/HCL, Go, Rust, Java,
Kotlin, C#, Ruby, PHP, Swift and SQL.

Each language is a row of `LANGUAGES`: its comments, its string literals and its model slots.
The lexer cuts a file into comments, strings and the code between them (strings and block
comments may span lines; heredocs and text outside `<?php … ?>` are prose). A string whose
whole content is a known id is a finding; its place on the line decides the context, with the
same rules as every other format (`contexts.names_a_model`, `contexts.settle`): the whole value
under a model-named key (`Model: "…"`, `model = "…"`, `'model' => '…'`, `let model: &str =
"…"`, `.model("…")`, `put("model", "…")`, `ENV OPENAI_MODEL …`, `--model "…"`) is a safe
rewrite, any other whole-id literal an unsafe one. In shell scripts and Dockerfiles a plain
unquoted word is a value too (`export OPENAI_MODEL=gpt-4`, `--model gpt-4`,
`${MODEL:-gpt-4}`). SQL literals are never safe: `model = '…'` is as often a filter as an
assignment. Ids in comments, prose and longer strings are mentions, and `modelguard: ignore`
works in any comment of the language.

A literal found this way has no escape and no interpolation (an id holds neither), so a fix
that rewrites its content keeps every other byte; `fix.text` verifies it by scanning again.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from modelguard.findings import FixSafety
from modelguard.registry.index import ModelIndex
from modelguard.scan import contexts as ctx
from modelguard.scan.formats import TextFormat
from modelguard.scan.hits import Hit, Span, Suppressions, mention_hits
from modelguard.scan.suppressions import IN_COMMENT, ignored_codes
from modelguard.scan.text import BARE_VALUE, MODEL_VALUE, QUOTED, TextContext


@dataclass(frozen=True, slots=True)
class Quote:
    """One string literal form. `opener` is a regex; its group `x`, when it has one, is
    spliced into `close` at `{x}` (Rust's `r#"…"#` hashes, a heredoc's word)."""

    opener: str
    close: str
    escapes: bool = True  # a backslash escapes the next character
    doubled: bool = False  # the closing quote written twice stands for itself (SQL `''`)
    multiline: bool = False
    interpolation: str = ""  # opens embedded code: "${", "#{", "\\(", "{", "$("
    heredoc: bool = False  # the body starts on the next line; `close` is a whole line
    prose: bool = False  # heredocs, text blocks outside code: text, never a value


@dataclass(frozen=True, slots=True)
class Slot:
    """A place that makes a literal a value: code before it (ending where the literal begins,
    its `key` group naming the slot) and code after it (up to a comment or the line's end)."""

    before: re.Pattern[str]
    after: re.Pattern[str]
    model: bool = False  # the place takes a model whatever its key (`GetChatClient("…")`)


@dataclass(frozen=True, slots=True)
class Language:
    """One row of the table: how a language writes comments and strings, and where a literal
    is a model slot."""

    fmt: TextFormat
    line_comments: tuple[str, ...]  # regexes
    block_comments: tuple[tuple[str, str], ...]  # (opener regex, closing text)
    quotes: tuple[Quote, ...]
    slots: tuple[Slot, ...]
    nested_comments: bool = False
    # Around a literal and dropped before the slots are read: `String::from("…")`, `.into()`.
    wrapper: re.Pattern[str] | None = None
    conversion: re.Pattern[str] | None = None
    bare_words: bool = False  # shell: unquoted values (`MODEL=gpt-4`, `--model gpt-4`)
    unsafe_slots: bool = False  # SQL: a model slot is a comparison as often as an assignment
    hcl_blocks: bool = False  # `model { name = "…" }`, `variable "x_model" { default = "…" }`
    starts_in_text: str = ""  # PHP: text up to the first `<?php` is not code


_KEY = r"""(?P<key>[A-Za-z_$@][\w$@]*)["'`]?\]?"""
_VALUE_END = re.compile(r"\s*(?:[,;)}\]]|$)")
_WORD_END = re.compile(r"(?:[\s;&|)]|$)")
_ANY = re.compile(r"")
_CLOSE_CALL = re.compile(r"\s*\)")

ASSIGN = Slot(re.compile(_KEY + r"\s*(?:=|:=|:|=>|\?\?=|\|\|=)\s*$"), _VALUE_END)
TYPED = Slot(re.compile(_KEY + r"\s*:\s*[\w.<>\[\]?&'\s:,()]+?\s*=\s*$"), _VALUE_END)
GO_VAR = Slot(re.compile(r"\b(?:var|const)\s+" + _KEY + r"\s+[\w.\[\]*]+\s*=\s*$"), _VALUE_END)
CALL = Slot(re.compile(_KEY + r"\s*\(\s*$"), _CLOSE_CALL)
PAIR = Slot(re.compile(r"""["'](?P<key>[\w.\-]+)["']\s*,\s*$"""), _CLOSE_CALL)
FLAG_ITEM = Slot(re.compile(r"""["']--?(?P<key>[\w-]+)["']\s*,\s*$"""), _VALUE_END)
SHELL_ASSIGN = Slot(re.compile(r"(?<![^\s;&|(])(?P<key>[A-Za-z_]\w*)=$"), _WORD_END)
SHELL_FLAG = Slot(re.compile(r"(?<![^\s;&|(])--(?P<key>[\w-]+)(?:=|[ \t]+)$"), _WORD_END)
DOCKER_ENV = Slot(re.compile(r"(?im)^\s*ENV\s+(?P<key>\w+)\s+$"), re.compile(r"\s*$"))
SQL_SLOT = Slot(re.compile(_KEY + r"\s*(?:=|<>|!=|\bLIKE|\bDEFAULT)\s*$", re.IGNORECASE), _ANY)
# A column definition: `model VARCHAR(64) NOT NULL DEFAULT '…'`.
SQL_DEFAULT = Slot(re.compile(r"(?i)(?:^|[(,])\s*(?P<key>\w+)\s+[^,(]*(?:\([\d\s,]*\))?[^,(]*"
                              r"\bDEFAULT\s+$"), _ANY)

# Go's `Name Type = "…"` (a line of a `const ( … )` block).
GO_TYPED = Slot(re.compile(r"^\s*(?P<key>\w+)\s+[\w.]+\s*=\s*$"), _VALUE_END)
# The official .NET SDK takes the model (or Azure deployment) as the first argument of its
# clients: `GetChatClient("…")`, `new ChatClient("…", key)`, `ChatClient c = new("…", key)`.
_CSHARP_CLIENT = r"(?:Chat|Audio|Image|Embedding|Moderation|Realtime|Response|OpenAIResponse)Client"
CSHARP_GET_CLIENT = Slot(re.compile(rf"\bGet{_CSHARP_CLIENT}\(\s*$"), _CLOSE_CALL, model=True)
CSHARP_NEW_CLIENT = Slot(
    re.compile(rf"(?:\bnew\s+{_CSHARP_CLIENT}|\b{_CSHARP_CLIENT}\s+\w+\s*=\s*new)\(\s*$"),
    re.compile(r"\s*[,)]"), model=True,
)
RSPEC_LET = Slot(re.compile(r"\blet!?\(:(?P<key>\w+)\)\s*\{\s*$"), re.compile(r"\s*\}"))

_C_SLOTS = (ASSIGN, TYPED, CALL, PAIR, FLAG_ITEM)
_NAMED = (ASSIGN, TYPED, GO_VAR, GO_TYPED)  # slots whose key is the name of a variable

# A model slot in a method name: `.model(…)`, `setModel(…)`, `withModelName(…)`; a predicate
# (`supportsModel("gpt-4")`) asks about the id rather than choosing it.
_PREDICATES = frozenset({"is", "has", "supports", "can", "contains", "check", "validate",
                         "remove", "delete", "equals", "matches"})

# Unquoted shell values: `KEY=word`, `--flag word`, `--flag=word`, `ENV KEY word`,
# `${KEY:-word}`; a word followed by a quote or `$` is part of a longer word.
_BARE = re.compile(
    r"(?:(?<![^\s;&|(])(?P<key>[A-Za-z_]\w*)=|(?<![^\s;&|(\[])--(?P<flag>[\w-]+)(?:=|[ \t]+)"
    r"|(?i:^[ \t]*ENV[ \t]+(?P<env>\w+)[ \t]+)|\$\{(?P<default>\w+):?[-=])"
    r"(?P<value>[A-Za-z0-9][\w.:/@+-]*)(?=[\s;&|)}]|$)",
    re.MULTILINE,
)

_C_COMMENTS: tuple[tuple[str, str], ...] = ((r"/\*", "*/"),)
_CHAR = Quote(r"'(?=[^'\\\n]'|\\)", "'")  # 'x', '\n': a char literal, never a lifetime
_DOUBLE = Quote('"', '"')
_HEREDOC_WORD = r"""(?P<x>[A-Za-z_]\w*)"""


def _heredoc(opener: str) -> Quote:
    return Quote(opener, "{x}", escapes=False, multiline=True, heredoc=True, prose=True)


LANGUAGES: dict[TextFormat, Language] = {
    language.fmt: language
    for language in (
        Language(
            TextFormat.SHELL,
            (r"(?<![^\s;&|(])#",),
            (),
            (
                _heredoc(r"(?<!<)<<-?[ \t]*['\"]?" + _HEREDOC_WORD + r"['\"]?"),
                Quote("'", "'", escapes=False, multiline=True),
                Quote(r"\$'", "'", multiline=True),
                Quote('"', '"', multiline=True, interpolation="$("),
            ),
            (SHELL_ASSIGN, SHELL_FLAG, FLAG_ITEM),
            bare_words=True,
        ),
        Language(
            TextFormat.DOCKERFILE,
            (r"(?m:^)[ \t]*#",),
            (),
            (
                _heredoc(r"(?<!<)<<-?[ \t]*['\"]?" + _HEREDOC_WORD + r"['\"]?"),
                Quote("'", "'", escapes=False),
                Quote('"', '"', interpolation="$("),
            ),
            (SHELL_ASSIGN, SHELL_FLAG, DOCKER_ENV, FLAG_ITEM),
            bare_words=True,
        ),
        Language(
            TextFormat.HCL,
            ("#", "//"),
            _C_COMMENTS,
            (_heredoc(r"<<-?" + _HEREDOC_WORD), Quote('"', '"', interpolation="${")),
            (ASSIGN,),
            hcl_blocks=True,
        ),
        Language(
            TextFormat.GO,
            ("//",),
            _C_COMMENTS,
            (Quote("`", "`", escapes=False, multiline=True), _DOUBLE, _CHAR),
            (*_C_SLOTS, GO_VAR, GO_TYPED),
        ),
        Language(
            TextFormat.RUST,
            ("//",),
            _C_COMMENTS,
            (
                Quote(r"(?<![\w])(?:b|c)?r(?P<x>#*)\"", '"{x}', escapes=False, multiline=True),
                Quote(r"(?<![\w])[bc]?\"", '"', multiline=True),
                Quote(r"(?<![\w])b?'(?=[^'\\\n]'|\\)", "'"),
            ),
            _C_SLOTS,
            nested_comments=True,
            wrapper=re.compile(r"\b(?:String::from|Some|Cow::from|Cow::Borrowed)\(\s*$"),
            conversion=re.compile(r"\.(?:to_string|to_owned|into)\(\)"),
        ),
        Language(
            TextFormat.JAVA,
            ("//",),
            _C_COMMENTS,
            (Quote('"""', '"""', multiline=True), _DOUBLE, _CHAR),
            _C_SLOTS,
        ),
        Language(
            TextFormat.KOTLIN,
            ("//",),
            _C_COMMENTS,
            (
                Quote('"""', '"""', escapes=False, multiline=True, interpolation="${"),
                Quote('"', '"', interpolation="${"),
                _CHAR,
            ),
            _C_SLOTS,
            nested_comments=True,
        ),
        Language(
            TextFormat.CSHARP,
            ("//",),
            _C_COMMENTS,
            (
                Quote(r'\$*"""', '"""', escapes=False, multiline=True, interpolation="{"),
                Quote(r'(?:\$@|@\$)"', '"', escapes=False, doubled=True, multiline=True,
                      interpolation="{"),
                Quote(r'@"', '"', escapes=False, doubled=True, multiline=True),
                Quote(r'\$"', '"', interpolation="{"),
                _DOUBLE,
                _CHAR,
            ),
            (*_C_SLOTS, CSHARP_GET_CLIENT, CSHARP_NEW_CLIENT),
        ),
        Language(
            TextFormat.RUBY,
            ("#",),
            ((r"(?m:^)=begin\b", "\n=end"),),
            (
                _heredoc(r"<<[~-]?['\"]?(?P<x>[A-Z_][A-Z0-9_]*)['\"]?"),
                Quote(r"%[qQwWiI]\(", ")", multiline=True),
                Quote(r"%[qQwWiI]\[", "]", multiline=True),
                Quote(r"%[qQwWiI]\{", "}", multiline=True),
                Quote("'", "'", multiline=True),
                Quote('"', '"', multiline=True, interpolation="#{"),
            ),
            (*_C_SLOTS, RSPEC_LET),
            conversion=re.compile(r"\.freeze\b"),
        ),
        Language(
            TextFormat.PHP,
            ("//", "#(?!\\[)"),
            (*_C_COMMENTS, (r"\?>", "<?")),
            (
                _heredoc(r"<<<[ \t]*['\"]?" + _HEREDOC_WORD + r"['\"]?"),
                Quote("'", "'", multiline=True),
                Quote('"', '"', multiline=True, interpolation="{$"),
            ),
            _C_SLOTS,
            starts_in_text="<?",
        ),
        Language(
            TextFormat.SWIFT,
            ("//",),
            _C_COMMENTS,
            (
                Quote(r'(?P<x>#*)"""', '"""{x}', escapes=False, multiline=True),
                Quote(r'(?P<x>#+)"', '"{x}', escapes=False),
                Quote('"', '"', interpolation="\\("),
            ),
            _C_SLOTS,
            nested_comments=True,
        ),
        Language(
            TextFormat.SQL,
            ("--",),
            _C_COMMENTS,
            (
                Quote(r"\$(?P<x>[A-Za-z_]*)\$", "${x}$", escapes=False, multiline=True,
                      prose=True),
                Quote("'", "'", escapes=False, doubled=True, multiline=True),
                Quote('"', '"', escapes=False, doubled=True),
                Quote("`", "`", escapes=False),
            ),
            (SQL_SLOT, SQL_DEFAULT),
            unsafe_slots=True,
        ),
    )
}

# Contexts with their specification: in each example `gpt-4.5-preview` is the id classified.
LANGUAGE_MODEL_VALUE = TextContext(
    MODEL_VALUE.name,
    FixSafety.SAFE,
    (
        ("main.go", 'req := openai.ChatCompletionRequest{\n\tModel: "gpt-4.5-preview",\n}\n'),
        ("main.go", 'const defaultModel = "gpt-4.5-preview"\n'),
        ("main.go", 'var model string = `gpt-4.5-preview`\n'),
        ("lib.rs", 'let model: &str = "gpt-4.5-preview";\n'),
        ("lib.rs", 'Request { model: "gpt-4.5-preview".to_string(), n: 1 }\n'),
        ("lib.rs", 'builder.model(r#"gpt-4.5-preview"#)\n'),
        ("lib.rs", 'let req = Req { model: String::from("gpt-4.5-preview") };\n'),
        ("App.java", 'private static final String MODEL = "gpt-4.5-preview";\n'),
        ("App.java", 'OpenAiChatModel.builder().modelName("gpt-4.5-preview").build();\n'),
        ("App.java", 'body.put("model", "gpt-4.5-preview");\n'),
        ("App.kt", 'val model: String = "gpt-4.5-preview"\n'),
        ("App.kt", 'ChatRequest(model = "gpt-4.5-preview", n = 1)\n'),
        ("Program.cs", 'var client = new ChatClient(model: "gpt-4.5-preview", key);\n'),
        ("Program.cs", 'new Options { DeploymentName = @"gpt-4.5-preview" };\n'),
        ("Program.cs", 'ChatClient chat = client.GetChatClient("gpt-4.5-preview");\n'),
        ("Program.cs", 'var chat = new ChatClient("gpt-4.5-preview", key);\n'),
        ("Program.cs", 'AudioClient tts = new("gpt-4.5-preview", key);\n'),
        ("app.rb", 'client.chat(parameters: { model: "gpt-4.5-preview" })\n'),
        ("app.rb", "MODEL = ENV.fetch('OPENAI_MODEL', 'gpt-4.5-preview')\n"),
        ("chat_spec.rb", 'let(:model) { "gpt-4.5-preview" }\n'),
        ("index.php", "<?php\n$payload = ['model' => 'gpt-4.5-preview'];\n"),
        ("index.php", "<?php\n$this->model = \"gpt-4.5-preview\";\n"),
        ("App.swift", 'let query = ChatQuery(messages: [], model: "gpt-4.5-preview")\n'),
        ("main.tf", 'variable "x" {\n  openai_model = "gpt-4.5-preview"\n}\n'),
        ("main.tf", 'model {\n  format = "OpenAI"\n  name   = "gpt-4.5-preview"\n}\n'),
        ("main.tf", 'variable "chat_model" {\n  default = "gpt-4.5-preview"\n}\n'),
        ("run.sh", "export OPENAI_MODEL=gpt-4.5-preview\n"),
        ("run.sh", 'MODEL="gpt-4.5-preview"\n'),
        ("run.sh", "python ask.py --model gpt-4.5-preview --n 1\n"),
        ("run.sh", 'MODEL="${OPENAI_MODEL:-gpt-4.5-preview}"\n'),
        ("Dockerfile", "FROM python:3.12\nENV OPENAI_MODEL=gpt-4.5-preview\n"),
        ("Dockerfile", "ENV LLM_MODEL gpt-4.5-preview\n"),
        ("Dockerfile", 'CMD ["python", "app.py", "--model", "gpt-4.5-preview"]\n'),
    ),
)
LANGUAGE_QUOTED = TextContext(
    QUOTED.name,
    FixSafety.UNSAFE,
    (
        ("main.go", 'if req.Model == "gpt-4.5-preview" {\n}\n'),
        ("main.go", 'GPT45 = "gpt-4.5-preview"\n'),
        ("lib.rs", 'match m { "gpt-4.5-preview" => 1, _ => 0 }\n'),
        ("App.java", 'List.of("gpt-4o", "gpt-4.5-preview");\n'),
        ("App.kt", 'if (name.startsWith("gpt-4.5-preview")) {}\n'),
        ("Program.cs", 'new Uri("gpt-4.5-preview", kind);\n'),
        ("app.rb", "SIZES = { 'gpt-4.5-preview' => 128_000 }\n"),
        ("index.php", "<?php\nif ($m === 'gpt-4.5-preview') {}\n"),
        ("App.swift", 'case gpt45 = "gpt-4.5-preview"\n'),
        ("main.go", 'GPT45Preview ChatModel = "gpt-4.5-preview"\n'),
        ("App.java", 'static final String GPT_4_5_MODEL = "gpt-4.5-preview";\n'),
        ("main.tf", 'resource "x" "y" {\n  name = "gpt-4.5-preview"\n}\n'),
        ("run.sh", 'echo "gpt-4.5-preview"\n'),
        ("schema.sql", "SELECT * FROM runs WHERE name = 'gpt-4.5-preview';\n"),
    ),
)
# SQL: a model-named column is a model slot, but `model = '…'` filters as often as it assigns.
SQL_MODEL_COLUMN = TextContext(
    "value of a model column",
    FixSafety.UNSAFE,
    (
        ("schema.sql", "UPDATE runs SET model = 'gpt-4.5-preview' WHERE id = 1;\n"),
        ("schema.sql", "model TEXT NOT NULL DEFAULT 'gpt-4.5-preview',\n"),
        ("schema.sql", "CREATE TABLE t (id INT, model VARCHAR(64) DEFAULT 'gpt-4.5-preview');\n"),
    ),
)
LANGUAGE_BARE_VALUE = TextContext(
    BARE_VALUE.name,
    FixSafety.UNSAFE,
    (
        ("run.sh", "FALLBACK=gpt-4.5-preview\n"),
        ("Dockerfile", "ARG DEFAULT=gpt-4.5-preview\n"),
    ),
)
LANGUAGE_MENTION = TextContext(
    "text",
    FixSafety.NONE,
    (
        ("main.go", "// Model: gpt-4.5-preview is gone\n"),
        ("main.go", 'msg := "switch from gpt-4.5-preview"\n'),
        ("lib.rs", "/* outer /* inner */ gpt-4.5-preview */\n"),
        ("App.java", 'String p = """\n    model: gpt-4.5-preview\n    """;\n'),
        ("Program.cs", 'var s = $"{name}gpt-4.5-preview";\n'),
        ("app.rb", "=begin\nmodel: 'gpt-4.5-preview'\n=end\n"),
        ("app.rb", "text = <<~EOS\n  model: 'gpt-4.5-preview'\nEOS\n"),
        ("index.php", "<p>Don't use gpt-4.5-preview</p>\n<?php echo 1;\n"),
        ("run.sh", "cat <<'EOF'\nMODEL=gpt-4.5-preview\nEOF\n"),
        ("run.sh", "ollama run gpt-4.5-preview\n"),
        ("Dockerfile", "# ENV MODEL=gpt-4.5-preview\n"),
        ("schema.sql", "-- model = 'gpt-4.5-preview'\n"),
        ("main.tf", 'description = "replaces gpt-4.5-preview"\n'),
    ),
)
LANGUAGE_CONTEXTS: tuple[TextContext, ...] = (
    LANGUAGE_MODEL_VALUE, LANGUAGE_QUOTED, SQL_MODEL_COLUMN, LANGUAGE_BARE_VALUE, LANGUAGE_MENTION,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "string", "comment" or "prose"
    start: int  # offsets in the text; a string's span includes its prefix and quotes
    end: int
    body: int  # its content
    body_end: int


@dataclass(frozen=True, slots=True)
class _Lexer:
    language: Language
    master: re.Pattern[str]  # every opener, longest forms first (as the table lists them)
    closers: dict[str, tuple[str, Quote | None]]  # group name -> (closing text, quote)
    rest_of_line: _Lexer | None  # after a heredoc's opener: the same language, no heredocs


def _build(language: Language) -> _Lexer:
    parts: list[str] = []
    closers: dict[str, tuple[str, Quote | None]] = {}
    for number, pattern in enumerate(language.line_comments):
        parts.append(f"(?P<l{number}>{pattern})")
        closers[f"l{number}"] = ("\n", None)
    for number, (pattern, close) in enumerate(language.block_comments):
        parts.append(f"(?P<b{number}>{pattern})")
        closers[f"b{number}"] = (close, None)
    for number, quote in enumerate(language.quotes):
        parts.append(f"(?P<q{number}>{quote.opener.replace('(?P<x>', f'(?P<x{number}>')})")
        closers[f"q{number}"] = (quote.close, quote)
    plain = [q for q in language.quotes if not q.heredoc]
    rest = None
    if len(plain) < len(language.quotes):
        rest = _build(replace(language, quotes=tuple(plain), starts_in_text=""))
    return _Lexer(language, re.compile("|".join(parts)), closers, rest)


_LEXERS: dict[TextFormat, _Lexer] = {fmt: _build(language) for fmt, language in LANGUAGES.items()}


def _tokens(text: str, lexer: _Lexer, pos: int = 0) -> Iterator[_Token]:
    language = lexer.language
    if language.starts_in_text:
        opens = text.find(language.starts_in_text)
        pos = len(text) if opens == -1 else opens
        if pos:
            yield _Token("prose", 0, pos, 0, pos)
    while True:
        found = lexer.master.search(text, pos)
        if found is None:
            return
        name = found.lastgroup
        assert name is not None
        close, quote = lexer.closers[name]
        start, body = found.start(), found.end()
        if quote is None:
            if name.startswith("l"):
                end = text.find("\n", body)
                end = len(text) if end == -1 else end
                yield _Token("comment", start, end, body, end)
                pos = end
                continue
            body_end = _block_end(text, body, found.group(name), close,
                                  language.nested_comments)
            end = min(len(text), body_end + len(close))
            kind = "prose" if close == "<?" else "comment"
            yield _Token(kind, start, end, body, body_end)
            pos = end
            continue
        if "{x}" in quote.close:
            close = close.replace("{x}", found.group("x" + name[1:]) or "")
        if quote.heredoc and lexer.rest_of_line is not None:
            line_end = text.find("\n", body)
            if line_end == -1:
                pos = body
                continue
            closing = re.compile(rf"^[ \t]*{re.escape(close)}(?!\w)", re.MULTILINE)
            last = closing.search(text, line_end + 1)
            body_end = len(text) if last is None else last.start()
            end = len(text) if last is None else last.end()
            # The rest of the opening line is code (`cat <<EOF > out`): lexed on its own.
            line_start = text.rfind("\n", 0, body) + 1
            for token in _tokens(text[line_start:line_end], lexer.rest_of_line,
                                 body - line_start):
                yield _Token(token.kind, token.start + line_start, token.end + line_start,
                             token.body + line_start, token.body_end + line_start)
            yield _Token("prose", line_end + 1, end, line_end + 1, body_end)
            pos = end
            continue
        body_end = _string_end(text, body, close, quote)
        if body_end == -1:
            pos = start + 1  # unterminated: not a string (an apostrophe in code)
            continue
        end = body_end + len(close)
        yield _Token("prose" if quote.prose else "string", start, end, body, body_end)
        pos = end


def _block_end(text: str, at: int, opener: str, close: str, nested: bool) -> int:
    """Where a block comment's closing text begins (the text's end when it never closes)."""
    depth = 1
    while True:
        end = text.find(close, at)
        if end == -1:
            return len(text)
        if nested:
            inner = text.find(opener, at, end)
            if inner != -1:
                depth += 1
                at = inner + len(opener)
                continue
        depth -= 1
        if depth == 0:
            return end
        at = end + len(close)


_BRACKETS = {"{": "}", "(": ")"}


def _string_end(text: str, at: int, close: str, quote: Quote) -> int:
    """Where the closing quote begins, or -1 when the literal does not close (on its line,
    for a single-line form)."""
    n = len(text)
    i = at
    while i < n:
        char = text[i]
        if char == "\\" and quote.escapes:
            i += 2
            continue
        if char == "\n" and not quote.multiline:
            return -1
        if text.startswith(close, i):
            if quote.doubled and text.startswith(close, i + len(close)):
                i += 2 * len(close)
                continue
            return i
        if quote.interpolation and text.startswith(quote.interpolation, i):
            if quote.interpolation == "{" and text.startswith("{{", i):
                i += 2
                continue
            i = _embedded_end(text, i + len(quote.interpolation) - 1)
            continue
        i += 1
    return -1


def _embedded_end(text: str, at: int) -> int:
    """Past the bracket closing the one at `at`, skipping simple strings inside."""
    opener = text[at]
    closer = _BRACKETS.get(opener, ")")
    depth = 0
    i = at
    n = len(text)
    while i < n:
        char = text[i]
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        elif char in "\"'":
            end = text.find(char, i + 1)
            if end == -1 or "\n" in text[i:end]:
                return i + 1
            i = end
        elif char == "\n":
            return i
        i += 1
    return n


def scan_language(
    text: str, fmt: TextFormat, index: ModelIndex
) -> tuple[list[Hit], Suppressions]:
    """All model ids in a source file of one of `LANGUAGES`."""
    language = LANGUAGES[fmt]
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    scanner = _Scanner(text, language, index, starts)
    tokens = list(_tokens(text, _LEXERS[fmt]))
    pos = 0
    for number, token in enumerate(tokens):
        if token.start > pos:
            scanner.code(pos, token.start)
        following = tokens[number + 1] if number + 1 < len(tokens) else None
        scanner.token(token, following)
        pos = max(pos, token.end)
    if pos < len(text):
        scanner.code(pos, len(text))
    return scanner.hits, scanner.suppressions


_BRACES = re.compile(r"[{}]")


class _Scanner:
    """The hits of one file, gathered token by token (in order, so HCL blocks can be
    followed)."""

    def __init__(self, text: str, language: Language, index: ModelIndex,
                 starts: list[int]) -> None:
        self.text = text
        self.language = language
        self.index = index
        self.starts = starts
        self.hits: list[Hit] = []
        self.suppressions: Suppressions = {}
        self.blocks: list[str] = []  # HCL: the header of each open block

    def span(self, start: int, end: int) -> Span:
        line = bisect.bisect_right(self.starts, start)
        end_line = bisect.bisect_right(self.starts, end)
        return Span(line, start - self.starts[line - 1] + 1,
                    end_line, end - self.starts[end_line - 1] + 1)

    def mentions(self, start: int, end: int) -> None:
        piece = self.text[start:end]
        if piece and self.index.may_contain(piece):
            self.hits.extend(mention_hits(piece, self.span(start, end), self.index))

    def code(self, start: int, end: int) -> None:
        if self.language.hcl_blocks:
            self.follow_blocks(start, end)
        if not self.language.bare_words:
            self.mentions(start, end)
            return
        at = start
        for found in _BARE.finditer(self.text, start, end):
            if self.bare(found):
                self.mentions(at, found.start("value"))
                at = found.end("value")
        self.mentions(at, end)

    def bare(self, found: re.Match[str]) -> bool:
        """A hit for an unquoted shell value; False when it is no known id."""
        value = found.group("value")
        match = self.index.lookup(value)
        if match is None:
            return False
        key = found.group("key") or found.group("env") or found.group("default")
        slot = found.group("flag") or key
        model = slot is not None and ctx.names_a_model(slot)
        context = MODEL_VALUE if model else BARE_VALUE
        fix = ctx.settle(value, match, context.fix, model)
        if fix is None:
            return False
        self.hits.append(Hit(self.span(found.start("value"), found.end("value")), value, match,
                             fix, context.name))
        return True

    def token(self, token: _Token, following: _Token | None) -> None:
        if token.kind == "comment":
            self.suppress(token)
            self.mentions(token.start, token.end)
            return
        if token.kind == "prose":
            self.mentions(token.body, token.body_end)
            return
        content = self.text[token.body:token.body_end]
        match = self.index.lookup(content) if "\n" not in content else None
        if match is not None:
            context, model_slot = self.context(token, following)
            fix = ctx.settle(content, match, context.fix, model_slot)
            if fix is not None:  # else a plain word in no model slot (`"command"`)
                self.hits.append(Hit(self.span(token.start, token.end), content, match, fix,
                                     context.name))
            return
        if self.language.bare_words and self.text[token.start] == '"':
            self.defaults(token.body, token.body_end)
            return
        self.mentions(token.body, token.body_end)

    def defaults(self, start: int, end: int) -> None:
        """Mentions in a double-quoted shell string, but for `"${MODEL:-gpt-4}"` values."""
        at = start
        for found in _BARE.finditer(self.text, start, end):
            if found.group("default") is not None and self.bare(found):
                self.mentions(at, found.start("value"))
                at = found.end("value")
        self.mentions(at, end)

    def suppress(self, token: _Token) -> None:
        first = bisect.bisect_right(self.starts, token.start)
        for offset, line in enumerate(self.text[token.start:token.end].split("\n")):
            directive = IN_COMMENT.search(line)
            if directive is not None:
                self.suppressions[first + offset] = ignored_codes(directive)

    def context(self, token: _Token, following: _Token | None) -> tuple[TextContext, bool]:
        """The literal's context, and whether its place names a model."""
        language = self.language
        line_start = self.text.rfind("\n", 0, token.start) + 1
        line_end = self.text.find("\n", token.end)
        line_end = len(self.text) if line_end == -1 else line_end
        if following is not None and following.kind == "comment":
            line_end = min(line_end, max(token.end, following.start))
        before = self.text[line_start:token.start]
        after = self.text[token.end:line_end]
        if language.conversion is not None:
            converted = language.conversion.match(after)
            if converted is not None:
                after = after[converted.end():]
        if language.wrapper is not None:
            wrapped = language.wrapper.search(before)
            closed = _CLOSE_CALL.match(after)
            if wrapped is not None and closed is not None:
                before, after = before[:wrapped.start()], after[closed.end():]
        model = enumerated = False
        for slot in language.slots:
            found = slot.before.search(before)
            if found is None or slot.after.match(after) is None:
                continue
            key = found.groupdict().get("key") or ""
            # A constant with a digit in its name stands for one id (`GPT4Turbo = "…"`,
            # `CreateImageModelDallE2 = "dall-e-2"`): rewriting its value makes the name lie.
            enumerated = enumerated or (slot in _NAMED and any(c.isdigit() for c in key))
            if slot is CALL:
                words = {word.lower() for word in ctx.words(key)}
                if not ctx.names_a_model(key) or words & _PREDICATES:
                    continue
            model = (model or slot.model or ctx.names_a_model(key)
                     or (slot is ASSIGN and self.hcl_slot(key)))
        if not model:
            return QUOTED, False
        if language.unsafe_slots:
            return SQL_MODEL_COLUMN, True
        return (QUOTED if enumerated else MODEL_VALUE), True

    def follow_blocks(self, start: int, end: int) -> None:
        """Keep the header of every open `{ … }` block (HCL)."""
        for brace in _BRACES.finditer(self.text, start, end):
            at = brace.start()
            if brace.group() == "{":
                self.blocks.append(self.text[self.text.rfind("\n", 0, at) + 1:at])
            elif self.blocks:
                self.blocks.pop()

    def hcl_slot(self, key: str) -> bool:
        """`name` in a `model { … }` block, `default` in a `variable "…_model" { … }` block."""
        if not self.language.hcl_blocks or not self.blocks:
            return False
        header = self.blocks[-1].split()
        if not header:
            return False
        kind = header[0].strip('"')
        if key in ("name", "id"):
            return ctx.names_a_model(kind)
        if key == "default" and kind == "variable" and len(header) > 1:
            return ctx.names_a_model(header[1].strip('"'))
        return False
