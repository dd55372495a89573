"""`fix` for Python: bytes in, bytes out, keeping the file's encoding (BOM, PEP 263 cookie).

The result is verified twice: it must re-parse, and a CST-level rewrite of the original must
produce exactly the same bytes. Any doubt leaves the source untouched.

A module that does not parse has no tree to verify against. Its whole-id literals (context
`unparsed`, an unsafe fix) are rewritten only when the lexer confirms the edit: each planned
span is exactly one string token, and lexing the result gives the same tokens, the same code
between them and the same point where the lexer stops, the edited literals now reading their
replacement.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import replace

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from modelguard.fix.plan import (
    Edit,
    EditMismatch,
    FixedSource,
    FixError,
    FixPlan,
    SkippedFix,
    apply_fixes,
    line_starts,
)
from modelguard.scan.contexts import UNPARSED
from modelguard.scan.pylex import Kind, Token, lex_prefix
from modelguard.scan.python import ParseFailure, decoded, literal_text, parse, string_value

_Literal = cst.SimpleString | cst.FormattedString


_Span = tuple[int, int, int, int]


def fix_python_source(source: bytes, plan: FixPlan) -> FixedSource | FixError:
    """Apply `plan` to a Python module given as bytes, or explain why not.

    Edits that would create a duplicate dict key are dropped with a note. The result must
    re-parse, and must equal, byte for byte, what a CST-level rewrite of only the planned
    literals produces; otherwise nothing is changed.
    """
    # libcst drops a lone CR that ends the file (b"x = 1\r" round-trips to b"x = 1"); a CRLF
    # there survives and ends the line just the same, so work on that and take the LF off again.
    if source.endswith(b"\r"):
        outcome = _fix_python_source(source + b"\n", plan)
        if isinstance(outcome, FixedSource):
            return replace(outcome, source=outcome.source[:-1])
        return outcome
    return _fix_python_source(source, plan)


def _fix_python_source(source: bytes, plan: FixPlan) -> FixedSource | FixError:
    try:
        module = parse(source)
    except ParseFailure as error:
        if plan.edits and all(e.finding.context == UNPARSED.name for e in plan.edits):
            return _fix_unparsed(source, plan)
        return FixError(str(error))
    if module.bytes != source:
        return FixError(f"cannot round-trip the file's {module.encoding} encoding")
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    collector = _LiteralCollector()
    wrapper.visit(collector)
    for edit in plan.edits:
        span = (edit.line, edit.column, edit.end_line, edit.end_column)
        if span in collector.keywords:
            if collector.keywords[span].value != edit.old:
                return FixError(f"{edit.line}:{edit.column}: no keyword `{edit.old}` at the "
                                "planned span")
        elif span not in collector.literals:
            return FixError(f"{edit.line}:{edit.column}: no string literal at the planned span")
    plan = plan.without(_duplicate_keys(plan, collector))
    if not plan.edits:
        return FixedSource(source, plan)
    try:
        text = apply_fixes(module.code, plan)
        fixed = text.encode(module.encoding)
    except EditMismatch as error:
        return FixError(str(error))
    except UnicodeEncodeError as error:
        return FixError(f"a replacement cannot be written in {module.encoding}: {error.reason}")
    problem = _verify(module, collector, plan, fixed)
    if problem is not None:
        return FixError(f"verification failed, file left unchanged: {problem}")
    return FixedSource(fixed, plan)


def _fix_unparsed(source: bytes, plan: FixPlan) -> FixedSource | FixError:
    """Span edits on a module that does not parse, verified by its lexer alone (see above)."""
    text = decoded(source)
    encoding = "utf-8"
    if text is not None:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    if text is None or text.encode(encoding) != source:
        return FixError("cannot round-trip the file's encoding without parsing it")
    tokens, stop = lex_prefix(text)
    starts = line_starts(text)
    by_start = {token.start: token for token in tokens if token.kind is Kind.STRING}
    edited: list[Token] = []
    for edit in plan.edits:
        start = starts[edit.line - 1] + edit.column - 1 if edit.line <= len(starts) else -1
        token = by_start.get(start)
        end = starts[edit.end_line - 1] + edit.end_column - 1 if token is not None else -1
        if token is None or token.end != end or string_value(text[start:end]) != edit.old:
            return FixError(f"{edit.line}:{edit.column}: no string literal at the planned span")
        edited.append(token)
    try:
        fixed = apply_fixes(text, plan, starts)
        data = fixed.encode(encoding)
    except EditMismatch as error:
        return FixError(str(error))
    except UnicodeEncodeError as error:
        return FixError(f"a replacement cannot be written in {encoding}: {error.reason}")
    problem = _same_tokens(text, tokens, stop, fixed, edited, plan)
    if problem is not None:
        return FixError(f"verification failed, file left unchanged: {problem}")
    return FixedSource(data, plan)


def _same_tokens(
    text: str, tokens: tuple[Token, ...], stop: int, fixed: str, edited: list[Token],
    plan: FixPlan,
) -> str | None:
    """Does `fixed` lex as `text` does, but for the edited literals now reading their new id?"""
    new_tokens, new_stop = lex_prefix(fixed)
    if len(new_tokens) != len(tokens) or new_stop - stop != len(fixed) - len(text):
        return "the file's tokens changed"
    new_value = {token.start: edit.new for token, edit in zip(edited, plan.edits, strict=True)}
    shift = 0
    done = 0
    for old, new in zip(tokens, new_tokens, strict=True):
        before, after = text[old.start : old.end], fixed[new.start : new.end]
        if old.kind is not new.kind or text[done : old.start] != fixed[done + shift : new.start]:
            return "the code between the literals changed"
        wanted = new_value.get(old.start)
        if wanted is None and after != before:
            return f"a literal that was not planned changed: {before[:40]!r}"
        if wanted is not None and string_value(after) != wanted:
            return f"the new literal does not read `{wanted}`"
        shift += len(after) - len(before)
        done = old.end
    if text[done:] != fixed[done + shift :]:
        return "the code after the last literal changed"
    return None


class _LiteralCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.literals: dict[_Span, _Literal] = {}
        self.dicts: list[cst.Dict] = []
        # The names of keyword arguments (`max_tokens` in `f(max_tokens=5)`): MG005 renames.
        self.keywords: dict[_Span, cst.Name] = {}

    def _add(self, node: _Literal) -> None:
        where = self.get_metadata(PositionProvider, node)
        span = (where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)
        self.literals[span] = node

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._add(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._add(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        self.dicts.append(node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            where = self.get_metadata(PositionProvider, node.keyword)
            self.keywords[(where.start.line, where.start.column + 1, where.end.line,
                           where.end.column + 1)] = node.keyword


def _duplicate_keys(plan: FixPlan, collector: _LiteralCollector) -> list[SkippedFix]:
    """Edits of dict keys that would make two keys of one dict literal equal."""
    new_value = {
        id(collector.literals[span]): e for e in plan.edits
        if (span := (e.line, e.column, e.end_line, e.end_column)) in collector.literals
    }
    dropped: list[SkippedFix] = []
    for node in collector.dicts:
        keys: list[tuple[str | None, Edit | None]] = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = element.key
            edit = new_value.get(id(key))
            value = literal_text(key) if isinstance(key, _Literal) else None
            keys.append((edit.new if edit is not None else value, edit))
        for position, (value, edit) in enumerate(keys):
            if edit is None or value is None:
                continue
            if any(other == value for i, (other, _) in enumerate(keys) if i != position):
                dropped.append(SkippedFix(
                    edit.finding, f"would duplicate the dict key {value!r}; fix by hand"))
    return dropped


class _RewriteLiterals(cst.CSTTransformer):
    """The independent second opinion: rewrite the planned literals through the CST."""

    def __init__(self, targets: dict[int, Edit]) -> None:
        super().__init__()
        self.targets = targets
        self.problems: list[str] = []

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        edit = self.targets.get(id(original_node))
        if edit is None:
            return updated_node
        quote_len = len(original_node.prefix) + len(original_node.quote)
        body = original_node.value[quote_len:-len(original_node.quote)]
        new = updated_node.with_changes(
            value=original_node.value[:quote_len]
            + body.replace(edit.old, edit.new)
            + original_node.quote
        )
        if literal_text(new) != edit.new:
            self.problems.append(f"{edit.line}:{edit.column}: the new literal does not read "
                                 f"`{edit.new}`")
        return new

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        edit = self.targets.get(id(original_node))
        if edit is None:
            return updated_node
        if original_node.value != edit.old:
            self.problems.append(f"{edit.line}:{edit.column}: the keyword is not `{edit.old}`")
        return updated_node.with_changes(value=edit.new)

    def leave_FormattedStringText(
        self, original_node: cst.FormattedStringText, updated_node: cst.FormattedStringText
    ) -> cst.FormattedStringText:
        edit = self.targets.get(id(original_node))
        if edit is None:
            return updated_node
        new = updated_node.with_changes(value=original_node.value.replace(edit.old, edit.new))
        if new.value.replace("{{", "{").replace("}}", "}") != edit.new:
            self.problems.append(f"{edit.line}:{edit.column}: the new literal does not read "
                                 f"`{edit.new}`")
        return new


def _verify(
    module: cst.Module, collector: _LiteralCollector, plan: FixPlan, fixed: bytes
) -> str | None:
    targets: dict[int, Edit] = {}
    for edit in plan.edits:
        span = (edit.line, edit.column, edit.end_line, edit.end_column)
        if span in collector.keywords:
            targets[id(collector.keywords[span])] = edit
            continue
        node = collector.literals[span]
        if isinstance(node, cst.FormattedString):
            parts = [p for p in node.parts if isinstance(p, cst.FormattedStringText)]
            if len(parts) != 1:
                return f"{edit.line}:{edit.column}: f-string is not a single text part"
            targets[id(parts[0])] = edit
        else:
            targets[id(node)] = edit
    rewrite = _RewriteLiterals(targets)
    expected = module.visit(rewrite)
    if rewrite.problems:
        return rewrite.problems[0]
    if expected.bytes != fixed:
        return "the span rewrite and the syntax-tree rewrite disagree"
    try:
        reparsed = parse(fixed)
    except ParseFailure as error:
        return f"the result does not parse ({error})"
    if not reparsed.deep_equals(expected):
        return "the result parses to a different tree"
    return None
