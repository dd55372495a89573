"""`fix` through libcst: modules the lexer and `ast` do not vouch for (a byte order mark, a
coding cookie, escapes Python rejects) and the removal of keyword arguments (MG005 with
`--unsafe-fixes`). Each edit is verified twice: the result must re-parse, and a CST-level
rewrite of the original must produce exactly the same bytes.

Kept apart from `modelguard.fix.python` so that a fix of plain UTF-8 never imports libcst.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from modelguard.fix.plan import (
    Edit,
    EditMismatch,
    EditSpan,
    Facts,
    FixedSource,
    FixError,
    FixPlan,
    SkippedFix,
    apply_fixes,
    duplicate_keys,
    repeats_a_keyword,
)
from modelguard.scan.python import ParseFailure, parse, string_value

_Literal = cst.SimpleString | cst.FormattedString
_Fix = Callable[[bytes, FixPlan], FixedSource | FixError]


def literal_text(node: _Literal) -> str | None:
    """The runtime value of a literal with no placeholders, or None."""
    if isinstance(node, cst.SimpleString):
        return string_value(node.value)  # what libcst's `evaluated_value` reads
    parts: list[str] = []
    for part in node.parts:
        if not isinstance(part, cst.FormattedStringText):
            return None
        parts.append(part.value.replace("{{", "{").replace("}}", "}"))
    return "".join(parts)



def fix_module(source: bytes, module: cst.Module, plan: FixPlan) -> FixedSource | FixError:
    """`fix_python_source` for a module only libcst reads as the codemod needs (`module` is
    `source` parsed)."""
    text = module.code
    if text.encode(module.encoding) != source:
        return FixError(f"cannot round-trip the file's {module.encoding} encoding")
    collector = _LiteralCollector()
    MetadataWrapper(module, unsafe_skip_copy=True).visit(collector)
    facts = _cst_facts(collector, plan)
    if isinstance(facts, FixError):
        return facts
    plan = plan.without(facts[1])
    if not plan.edits:
        return FixedSource(source, plan)
    try:
        fixed = apply_fixes(text, plan).encode(module.encoding)
    except EditMismatch as error:
        return FixError(str(error))
    except UnicodeEncodeError as error:
        return FixError(f"a replacement cannot be written in {module.encoding}: {error.reason}")
    problem = _verify(module, collector, plan, fixed)
    if problem is not None:
        return FixError(f"verification failed, file left unchanged: {problem}")
    return FixedSource(fixed, plan)


def _cst_facts(collector: _LiteralCollector, plan: FixPlan) -> Facts | FixError:
    """The spans of the keyword arguments' names, and the edits that would duplicate a dict
    key, from the CST; or why an edit has no literal or keyword at its span."""
    for edit in plan.edits:
        span = (edit.line, edit.column, edit.end_line, edit.end_column)
        if span in collector.keywords:
            if collector.keywords[span].value != edit.old:
                return FixError(f"{edit.line}:{edit.column}: no keyword `{edit.old}` at the "
                                "planned span")
        elif span not in collector.literals:
            return FixError(f"{edit.line}:{edit.column}: no string literal at the planned span")
    return set(collector.keywords), _duplicate_keys(plan, collector)


class _LiteralCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.literals: dict[EditSpan, _Literal] = {}
        self.dicts: list[cst.Dict] = []
        # The names of keyword arguments (`max_tokens` in `f(max_tokens=5)`), in source order:
        # MG005 renames them, or removes their arguments.
        self.keywords: dict[EditSpan, cst.Name] = {}
        self.arguments: list[cst.Arg] = []
        self.calls: dict[int, cst.Call] = {}  # id of a keyword argument -> its call

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

    def visit_Call(self, node: cst.Call) -> None:
        for arg in node.args:
            self.calls[id(arg)] = node

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.arguments.append(node)
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
        dropped += duplicate_keys(keys)
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
    renamed = any((edit.line, edit.column, edit.end_line, edit.end_column) in collector.keywords
                  for edit in plan.edits)
    problem = repeats_a_keyword(module.bytes, fixed) if renamed else None
    return None if problem is None else f"the result does not compile ({problem})"


# Removing arguments (MG005 with --unsafe-fixes) --------------------------------------------------


def fix_with_removals(source: bytes, plan: FixPlan, fix_rest: _Fix) -> FixedSource | FixError:
    """The other edits first (by `fix_rest`, verified as always), then each removed keyword
    argument is taken out through the CST; the result must parse to the same `ast` as the
    first step's with exactly those keywords gone."""
    removals = [edit for edit in plan.edits if edit.removes]
    rest = FixPlan(tuple(e for e in plan.edits if not e.removes), plan.skipped)
    try:
        module = parse(source)
    except ParseFailure as error:
        return FixError(str(error))
    collector = _LiteralCollector()
    MetadataWrapper(module, unsafe_skip_copy=True).visit(collector)
    spans = list(collector.keywords)
    ordinals = []
    skipped: list[SkippedFix] = []
    for edit in list(removals):
        span = (edit.line, edit.column, edit.end_line, edit.end_column)
        if span not in collector.keywords or collector.keywords[span].value != edit.old:
            return FixError(f"{edit.line}:{edit.column}: no keyword `{edit.old}` at the planned "
                            "span")
        ordinal = spans.index(span)
        if _comment_goes(module, collector, collector.arguments[ordinal]):
            skipped.append(SkippedFix(edit.finding, f"a comment sits by `{edit.old}`; remove "
                                                    "the argument by hand"))
            removals.remove(edit)
        else:
            ordinals.append(ordinal)
    rest = replace(rest, skipped=rest.skipped + tuple(skipped))
    if not removals:
        return fix_rest(source, rest)
    first = fix_rest(source, rest) if rest.edits else FixedSource(source, rest)
    if isinstance(first, FixError):
        return first
    # Literal edits change no structure: the n-th keyword argument is the same one after them.
    edited = parse(first.source)
    after = _LiteralCollector()
    wrapper = MetadataWrapper(edited, unsafe_skip_copy=True)
    wrapper.visit(after)
    targets = {id(after.arguments[n]): edit for n, edit in zip(ordinals, removals, strict=True)}
    fixed = edited.visit(_RemoveArguments(targets)).bytes
    positions = wrapper.resolve(PositionProvider)
    gone = {(positions[name].start.line, positions[name].start.column)
            for name, arg in zip(after.keywords.values(), after.arguments, strict=True)
            if id(arg) in targets}
    problem = _same_tree_without(first.source, fixed, edited.encoding, gone)
    if problem is not None:
        return FixError(f"verification failed, file left unchanged: {problem}")
    return FixedSource(fixed, FixPlan((*first.plan.edits, *removals), first.plan.skipped))


class _RemoveArguments(cst.CSTTransformer):
    """Drop the targeted keyword arguments of each call. A removed last argument hands its
    comma (none, or a trailing one) and what follows it to the argument before, so no comma is
    left dangling (`_comment_goes` has ruled out comments in what goes or moves)."""

    def __init__(self, targets: dict[int, Edit]) -> None:
        super().__init__()
        self.targets = targets

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not any(id(arg) in self.targets for arg in original_node.args):
            return updated_node
        kept: list[cst.Arg] = []
        for original, arg in zip(original_node.args, updated_node.args, strict=True):
            if id(original) not in self.targets:
                kept.append(arg)
                continue
            if original is original_node.args[-1] and kept:
                kept[-1] = kept[-1].with_changes(
                    comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg)
        return updated_node.with_changes(args=tuple(kept))


def _comment_goes(module: cst.Module, collector: _LiteralCollector, arg: cst.Arg) -> bool:
    """Would removing `arg` drop a comment: one in its own code, or (for a last argument,
    which hands its comma to the one before) one after the previous argument's comma?"""
    if "#" in module.code_for_node(arg):
        return True
    args = collector.calls[id(arg)].args
    if arg is args[-1] and len(args) > 1 and not isinstance(args[-2].comma, cst.MaybeSentinel):
        return "#" in module.code_for_node(args[-2].comma)
    return False


def _same_tree_without(before: bytes, after: bytes, encoding: str,
                       gone: set[tuple[int, int]]) -> str | None:
    """Does `after` parse to `before`'s tree with exactly the keywords at `gone` (line, 0-based
    character column of the name) taken out of their calls?"""
    try:
        old_text, new_text = before.decode(encoding), after.decode(encoding)
        old_tree, new_tree = ast.parse(old_text), ast.parse(new_text)
    except (SyntaxError, ValueError, UnicodeDecodeError) as error:
        return f"the result does not parse ({error})"
    lines = old_text.splitlines()
    removed = 0
    for node in ast.walk(old_tree):
        if isinstance(node, ast.Call):
            keep = []
            for keyword in node.keywords:
                line = lines[keyword.lineno - 1] if keyword.lineno <= len(lines) else ""
                column = len(line.encode("utf-8")[:keyword.col_offset].decode("utf-8",
                                                                              "replace"))
                if (keyword.lineno, column) in gone:
                    removed += 1
                else:
                    keep.append(keyword)
            node.keywords = keep
    if removed != len(gone):
        return "a removed argument was not found in the tree"
    if ast.dump(old_tree) != ast.dump(new_tree):
        return "the result parses to a different tree"
    return None
