"""Config files, JavaScript/TypeScript and Markdown: a line tokenizer, not a parser.

Each line is cut into quoted strings, comments and the code between them. A string whose whole
content is a known id is a finding: safe when it is the whole value under a key that names a
model (`model: "…"`, `"model": "…"`, `MODEL="…"`, `const defaultModel = "…"`), unsafe otherwise.
In YAML, `.env` and INI files an unquoted value (`model: gpt-4`, `MODEL=gpt-4`, `- gpt-4`) counts
as a whole string too. Ids anywhere else (comments, prose, longer strings, Markdown) are
mentions. Spans cover the quoted literal (quotes included) or the bare value, so a later fix is
a span edit that keeps every other byte of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelguard.findings import FixSafety
from modelguard.registry.index import ModelIndex
from modelguard.scan import contexts as ctx
from modelguard.scan.formats import TextFormat
from modelguard.scan.hits import Hit, Span, Suppressions, mention_hits
from modelguard.scan.suppressions import TEXT_COMMENT, ignored_codes


@dataclass(frozen=True, slots=True)
class TextContext:
    name: str
    fix: FixSafety
    examples: tuple[tuple[str, str], ...]  # (file name, source) with gpt-4.5-preview classified


MODEL_VALUE = TextContext(
    ctx.MODEL_VALUE.name,
    FixSafety.SAFE,
    (
        ("app.yaml", "llm:\n  model: gpt-4.5-preview  # old\n"),
        ("app.yaml", "- model: 'gpt-4.5-preview'\n"),
        ("package.json", '{"model": "gpt-4.5-preview", "n": 1}\n'),
        ("pyproject.toml", '[tool.app]\ndefault_model = "gpt-4.5-preview"\n'),
        (".env", "export OPENAI_MODEL=gpt-4.5-preview\n"),
        (".env.local", 'AZURE_DEPLOYMENT="gpt-4.5-preview"\n'),
        ("setup.cfg", "[llm]\nmodel = gpt-4.5-preview\n"),
        ("client.ts", 'const model: string = "gpt-4.5-preview";\n'),
        ("client.js", "create({ model: 'gpt-4.5-preview', messages })\n"),
        ("client.mjs", "this.modelName = `gpt-4.5-preview`;\n"),
        ("client.jsx", 'function ask(model = "gpt-4.5-preview") {}\n'),
    ),
)
QUOTED = TextContext(
    "quoted string",
    FixSafety.UNSAFE,
    (
        ("prices.json", '{"gpt-4.5-preview": 75.0}\n'),
        ("app.yaml", 'fallbacks: ["gpt-4o", "gpt-4.5-preview"]\n'),
        ("client.ts", 'if (model === "gpt-4.5-preview") {}\n'),
        ("client.js", 'const m = "gpt-4.5-preview" + suffix;\n'),
        ("models.toml", 'models = ["gpt-4.5-preview"]\n'),
    ),
)
BARE_VALUE = TextContext(
    "value",
    FixSafety.UNSAFE,
    (
        ("app.yaml", "fallback: gpt-4.5-preview\n"),
        ("app.yml", "models:\n  - gpt-4.5-preview\n"),
        (".env", "NAME=gpt-4.5-preview\n"),
    ),
)
MENTION = TextContext(
    "text",
    FixSafety.NONE,
    (
        ("README.md", "We moved off gpt-4.5-preview in July.\n"),
        ("app.yaml", "# gpt-4.5-preview is gone\nmodel: gpt-4.1\n"),
        ("app.yaml", "description: replaces gpt-4.5-preview\n"),
        ("client.ts", "/* was\n   gpt-4.5-preview */\n"),
        ("client.js", "// gpt-4.5-preview\n"),
        ("prompt.json", '{"prompt": "act like gpt-4.5-preview"}\n'),
        ("app.yaml", "note: |\n  model: gpt-4.5-preview\n"),
        ("app.yaml", "- >-\n    gpt-4.5-preview\n"),
        ("app.toml", 'text = """\nmodel = "gpt-4.5-preview"\n"""\n'),
    ),
)
TEXT_CONTEXTS: tuple[TextContext, ...] = (MODEL_VALUE, QUOTED, BARE_VALUE, MENTION)

# `key: ` / `key = ` / `"key": ` / `export KEY=` / `this.model = ` right before a value.
_KEY = r"""(?P<key>[A-Za-z_$][\w$.\-]*)["']?"""
_KEY_BEFORE = re.compile(_KEY + r"\s*(?::|=|:=)\s*$")
# TypeScript: `const model: string = ` (the annotation sits between key and value).
_TYPED_KEY_BEFORE = re.compile(_KEY + r"\s*:\s*[\w$.<>\[\]|\s]+?=\s*$")
_LIST_ITEM = re.compile(r"^\s*-\s+$")
_VALUE_END = re.compile(r"\s*(?:[,;)}\]]|$)")  # what may follow a whole value
_BARE = re.compile(r"(?P<before>^\s*(?:-\s+)?(?:(?:export\s+)?" + _KEY + r"\s*[:=]\s*)?)"
                   r"(?P<value>[^\s\"'#;,\[\]{}][^\s#;,\[\]{}]*)\s*$")
# `key: |`, `- >-`, `key: |2  # comment`: a YAML block scalar starts on the next line.
_YAML_BLOCK = re.compile(r"^\s*(?:-\s+)?(?:[^#:]+:\s+)?[|>][+-]?[0-9]?[+-]?\s*(?:#.*)?$")
# `key = """` or `key = '''` opens a TOML multi-line string.
_TOML_MULTILINE = re.compile(r"""=\s*("{3}|'{3})""")
_COMMENT_HASH = frozenset({TextFormat.YAML, TextFormat.TOML, TextFormat.ENV, TextFormat.INI})
_COMMENT_SLASH = frozenset({TextFormat.JS, TextFormat.JSON})
_BARE_VALUES = frozenset({TextFormat.YAML, TextFormat.ENV, TextFormat.INI})


@dataclass(frozen=True, slots=True)
class _Segment:
    kind: str  # "code", "string" or "comment"
    start: int  # character offsets in the line; a string includes its quotes
    end: int


def scan_text(text: str, fmt: TextFormat, index: ModelIndex) -> tuple[list[Hit], Suppressions]:
    """All model ids in a text file: whole values with their context, and mentions."""
    hits: list[Hit] = []
    suppressions: Suppressions = {}
    in_block = False
    # Multi-line string content (YAML block scalars, TOML triple-quoted strings) is prose, even
    # where a line inside it looks like `model: gpt-4`.
    block_indent: int | None = None
    toml_close: str | None = None
    # One native search of the whole text says which lines may name a model (the same answer
    # as `may_contain` on each line); the directive is looked for only where it is written.
    may_name = index.prefilter().lines_to_scan(text)
    directives = "modelguard" in text
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        ignore = TEXT_COMMENT.search(line) if directives else None
        if ignore is not None:
            suppressions[number] = ignored_codes(ignore)
        prose = False
        if fmt is TextFormat.YAML:
            indent = len(line) - len(line.lstrip())
            if block_indent is not None and (not line.strip() or indent > block_indent):
                prose = True
            else:
                block_indent = indent if ("|" in line or ">" in line) and _YAML_BLOCK.match(
                    line) else None
        elif fmt is TextFormat.TOML:
            if toml_close is not None:
                prose = True
                if line.count(toml_close) % 2 == 1:
                    toml_close = None
            else:
                opened = _TOML_MULTILINE.search(line)
                if opened is not None and line.count(opened.group(1)) % 2 == 1:
                    toml_close = opened.group(1)
        if prose:
            if may_name(number - 1, line):
                hits.extend(mention_hits(line, Span(number, 1, number, len(line) + 1), index))
            continue
        if not may_name(number - 1, line):
            if fmt in _COMMENT_SLASH:
                in_block = _block_after(line, fmt, in_block)
            continue
        if fmt is TextFormat.MARKDOWN:
            hits.extend(mention_hits(line, Span(number, 1, number, len(line) + 1), index))
            continue
        segments, in_block = _segments(line, fmt, in_block)
        hits.extend(_line_hits(line, number, segments, fmt, index))
    return hits, suppressions


def _block_after(line: str, fmt: TextFormat, in_block: bool) -> bool:
    """Is a `/* … */` comment open at the end of the line? Without a `/*` (or, inside one, a
    `*/`) the line cannot change that: no need to cut it into segments."""
    if ("*/" if in_block else "/*") not in line:
        return in_block
    return _segments(line, fmt, in_block)[1]


def _segments(line: str, fmt: TextFormat, in_block: bool) -> tuple[list[_Segment], bool]:
    """Cut one line into code, strings and comments; `in_block` carries `/* … */` across lines."""
    segments: list[_Segment] = []
    code_start = 0
    i = 0
    n = len(line)

    def flush(end: int) -> None:
        if end > code_start:
            segments.append(_Segment("code", code_start, end))

    if in_block:
        close = line.find("*/")
        if close == -1:
            return [_Segment("comment", 0, n)], True
        segments.append(_Segment("comment", 0, close + 2))
        code_start = i = close + 2
    while i < n:
        # Only quotes and comment characters start a segment: jump to the next one.
        found = _SEGMENT_START.search(line, i)
        if found is None:
            break
        i = found.start()
        char = line[i]
        if fmt in _COMMENT_SLASH and line.startswith("//", i):
            flush(i)
            segments.append(_Segment("comment", i, n))
            return segments, False
        if fmt in _COMMENT_SLASH and line.startswith("/*", i):
            flush(i)
            close = line.find("*/", i + 2)
            if close == -1:
                segments.append(_Segment("comment", i, n))
                return segments, True
            segments.append(_Segment("comment", i, close + 2))
            code_start = i = close + 2
            continue
        comment_char = char == "#" and fmt in _COMMENT_HASH
        comment_char = comment_char or (char == ";" and fmt is TextFormat.INI)
        if comment_char and (i == 0 or line[i - 1].isspace()):
            flush(i)
            segments.append(_Segment("comment", i, n))
            return segments, False
        if char in "\"'" or (char == "`" and fmt is TextFormat.JS):
            close = _closing_quote(line, i, fmt)
            if close != -1:
                flush(i)
                segments.append(_Segment("string", i, close + 1))
                code_start = i = close + 1
                continue
        i += 1
    flush(n)
    return segments, False


def _closing_quote(line: str, start: int, fmt: TextFormat) -> int:
    quote = line[start]
    if quote == '"' or fmt in (TextFormat.JS, TextFormat.JSON):  # a backslash escapes
        closed = _ESCAPED_STRING[quote].match(line, start)
        return -1 if closed is None else closed.end() - 1
    return line.find(quote, start + 1)


# What can start a segment (`_segments`): a quote or a comment character.
_SEGMENT_START = re.compile(r"[\"'`#;/]")
# A string whose backslashes escape the next character, by its quote (a run of plain
# characters at a time: `re` is slow when it alternates at every character).
_ESCAPED_STRING = {
    quote: re.compile(f"{quote}[^{quote}\\\\]*(?:\\\\.[^{quote}\\\\]*)*{quote}", re.DOTALL)
    for quote in "\"'`"
}


def _line_hits(
    line: str, number: int, segments: list[_Segment], fmt: TextFormat, index: ModelIndex
) -> list[Hit]:
    hits: list[Hit] = []
    code_end = next((s.start for s in segments if s.kind == "comment"), len(line))
    bare = _bare_value(line[:code_end], segments, fmt, index)
    if bare is not None:
        found = _hit(number, bare[0], bare[1], line, index, bare[2])
        if found is not None:
            hits.append(found)
    for at, segment in enumerate(segments):
        text = line[segment.start:segment.end]
        if segment.kind == "string":
            content = text[1:-1]
            match = index.lookup(content)
            if match is not None and "${" not in content:
                # A key before the value lies in the two segments before it (`"model"` and
                # `: `, or `model: `): searching from there keeps a long line linear.
                key_from = segments[max(0, at - 2)].start
                context = _string_context(line, segment, code_end, fmt, key_from)
                span = Span(number, segment.start + 1, number, segment.end + 1)
                fix = ctx.settle(content, match, context.fix, context is MODEL_VALUE)
                if fix is not None:  # else not a model here (`"type": "command"`): no finding
                    hits.append(Hit(span, content, match, fix, context.name))
                continue
            where = Span(number, segment.start + 2, number, segment.end)
            hits.extend(mention_hits(content, where, index))
        elif bare is None or not (segment.start <= bare[0] < segment.end):
            where = Span(number, segment.start + 1, number, segment.end + 1)
            hits.extend(mention_hits(text, where, index))
        else:
            # The code segment holding the bare value: mentions around it, not the value again.
            for start, end in ((segment.start, bare[0]), (bare[1], segment.end)):
                where = Span(number, start + 1, number, end + 1)
                hits.extend(mention_hits(line[start:end], where, index))
    return hits


def _hit(number: int, start: int, end: int, line: str, index: ModelIndex, context: TextContext
         ) -> Hit | None:
    written = line[start:end]
    match = index.lookup(written)
    assert match is not None
    fix = ctx.settle(written, match, context.fix, context is MODEL_VALUE)
    if fix is None:
        return None
    return Hit(Span(number, start + 1, number, end + 1), written, match, fix, context.name)


def _string_context(line: str, segment: _Segment, code_end: int, fmt: TextFormat,
                    key_from: int) -> TextContext:
    before = line[:segment.start]
    after = line[segment.end:code_end]
    if _VALUE_END.match(after) is None:
        return QUOTED
    key = _KEY_BEFORE.search(before, key_from)
    if fmt is TextFormat.JS:
        key = _TYPED_KEY_BEFORE.search(before, key_from) or key
    if key is None:
        return QUOTED
    name = key.group("key").rsplit(".", 1)[-1]
    return MODEL_VALUE if ctx.names_a_model(name) else QUOTED


def _bare_value(
    code: str, segments: list[_Segment], fmt: TextFormat, index: ModelIndex
) -> tuple[int, int, TextContext] | None:
    """An unquoted whole value (`model: gpt-4`, `MODEL=gpt-4`, `- gpt-4`) that is a known id."""
    if fmt not in _BARE_VALUES or any(s.kind == "string" and s.end <= len(code) for s in segments):
        return None
    found = _BARE.match(code)
    if found is None or index.lookup(found.group("value")) is None:
        return None
    key = found.group("key")
    if key is None and _LIST_ITEM.match(found.group("before")) is None:
        return None  # a line holding a single word is prose, not a value
    context = MODEL_VALUE if key is not None and ctx.names_a_model(key) else BARE_VALUE
    return found.start("value"), found.end("value"), context
