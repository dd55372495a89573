"""`fix` for Python: bytes in, bytes out, keeping the file's encoding (BOM, PEP 263 cookie).

Plain UTF-8 that the lexer (scan.pylex) and `ast` read to its end is edited at the planned spans
and verified without libcst: the code outside the spans must be the same characters, the
strings and comments the same tokens (each edited literal still one token of its kind, reading
its replacement; a renamed keyword still a name), and the result must parse. Any other module
is parsed by libcst and verified twice (`modelguard.fix.codemod`, imported only then): it must
re-parse, and a CST-level rewrite of the original must produce exactly the same bytes. Any
doubt leaves the source untouched.

A module that does not parse has no tree to verify against. Its whole-id literals (context
`unparsed`, an unsafe fix) are rewritten only when the lexer confirms the edit: each planned
span is exactly one string token, and lexing the result gives the same tokens, the same code
between them and the same point where the lexer stops, the edited literals now reading their
replacement.
"""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
import warnings
from collections import deque
from collections.abc import Iterator
from dataclasses import replace

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
    line_starts,
    repeats_a_keyword,
)
from modelguard.scan.contexts import UNPARSED
from modelguard.scan.pylex import Kind, Token, lex_prefix
from modelguard.scan.python import (
    ParseFailure,
    decoded,
    fstring_text,
    parse,
    plain_text,
    spans_a_line,
    string_value,
)


def fix_python_source(source: bytes, plan: FixPlan) -> FixedSource | FixError:
    """Apply `plan` to a Python module given as bytes, or explain why not.

    Edits that would create a duplicate dict key are dropped with a note. The result must
    parse and differ from the source only in the planned literals and keywords (see the
    module's docstring); otherwise nothing is changed.
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
    if any(edit.removes for edit in plan.edits):
        from modelguard.fix.codemod import fix_with_removals

        return fix_with_removals(source, plan, fix_python_source)
    # Plain UTF-8 is edited as the scanner read it (the edits' positions count its characters)
    # and verified by the lexer and `ast`, with no CST: see `_verify_by_tokens`.
    plain = plain_text(source)
    if plain is not None and not any(e.finding.context == UNPARSED.name for e in plan.edits):
        lexed = _fix_lexed(source, plain, plan)
        if lexed is not None:
            return lexed
    try:
        module = parse(source)  # libcst: a third of a second to import, only paid here
    except ParseFailure as error:
        if plan.edits and all(e.finding.context == UNPARSED.name for e in plan.edits):
            return fix_unparsed(source, plan)
        return FixError(str(error))
    from modelguard.fix.codemod import fix_module

    return fix_module(source, module, plan)


def _fix_lexed(source: bytes, text: str, plan: FixPlan) -> FixedSource | FixError | None:
    """`_fix_python_source` for plain UTF-8 `text` the lexer and `ast` vouch for to its end;
    None for any other (the CST decides then)."""
    tokens, stop = lex_prefix(text)
    facts = _lexed_facts(text, tokens, plan) if stop == len(text) else None
    if facts is None or isinstance(facts, FixError):
        return facts
    keywords, duplicates = facts
    plan = plan.without(duplicates)
    if not plan.edits:
        return FixedSource(source, plan)
    try:
        fixed = apply_fixes(text, plan)
        data = fixed.encode("utf-8")
    except EditMismatch as error:
        return FixError(str(error))
    except UnicodeEncodeError as error:
        return FixError(f"a replacement cannot be written in utf-8: {error.reason}")
    problem = _verify_by_tokens(text, tokens, fixed, keywords, plan)
    if problem is not None:
        return FixError(f"verification failed, file left unchanged: {problem}")
    return FixedSource(data, plan)




def _lexed_facts(text: str, tokens: tuple[Token, ...], plan: FixPlan) -> Facts | FixError | None:
    """`_cst_facts` from the lexer's tokens and the `ast` (both C speed; the CST's positions
    cost a codegen of the whole module). None when `ast` does not parse what libcst did."""
    try:
        with warnings.catch_warnings():  # the user's own warnings (escapes), not ours
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    starts = line_starts(text)

    def offset(line: int, byte_column: int) -> int:
        """`ast` counts columns in UTF-8 bytes; the edits in characters."""
        end = starts[line] if line < len(starts) else len(text)
        head = text[starts[line - 1] : end].encode("utf-8")[:byte_column]
        return starts[line - 1] + len(head.decode("utf-8", "replace"))

    strings = {t.start: t for t in tokens if t.kind is not Kind.COMMENT}
    keywords: dict[int, str] = {}
    dicts: list[ast.Dict] = []
    for node in _holding(tree, sorted({edit.line for edit in plan.edits})):
        if isinstance(node, ast.keyword) and node.arg is not None:
            keywords[offset(node.lineno, node.col_offset)] = node.arg
        elif isinstance(node, ast.Dict):
            dicts.append(node)
    spans: set[EditSpan] = set()
    edit_at: dict[int, Edit] = {}
    for edit in plan.edits:
        if edit.line > len(starts) or edit.end_line > len(starts):
            return FixError(f"{edit.line}:{edit.column}: no string literal at the planned span")
        start = starts[edit.line - 1] + edit.column - 1
        end = starts[edit.end_line - 1] + edit.end_column - 1
        name = keywords.get(start)
        if name is not None and start + len(name) == end and edit.line == edit.end_line:
            if name != edit.old:
                return FixError(f"{edit.line}:{edit.column}: no keyword `{edit.old}` at the "
                                "planned span")
            spans.add((edit.line, edit.column, edit.end_line, edit.end_column))
        elif (token := strings.get(start)) is None or token.end != end:
            return FixError(f"{edit.line}:{edit.column}: no string literal at the planned span")
        else:
            edit_at[start] = edit
    dropped: list[SkippedFix] = []
    for node in dicts:
        keys: list[tuple[str | None, Edit | None]] = []
        for key in node.keys:
            if key is None:  # `**other`
                continue
            start = offset(key.lineno, key.col_offset)
            token = strings.get(start)
            value = None
            if token is not None and token.end == offset(key.end_lineno or key.lineno,
                                                         key.end_col_offset or 0):
                value = _reads(text[token.start : token.end], token.kind)
            keyed = edit_at.get(start) if value is not None else None
            keys.append((keyed.new if keyed is not None else value, keyed))
        dropped += duplicate_keys(keys)
    return spans, dropped


def fix_unparsed(source: bytes, plan: FixPlan) -> FixedSource | FixError:
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


def _holding(tree: ast.AST, lines: list[int]) -> Iterator[ast.AST]:
    """`ast.walk` (same order) over the nodes that hold one of `lines` (sorted), or have no
    lines of their own: the keywords and dicts an edit can be in, without walking the rest of
    a large module."""
    todo = deque([tree])
    while todo:
        node = todo.popleft()
        if spans_a_line(node, lines):
            todo.extend(ast.iter_child_nodes(node))
            yield node


def _verify_by_tokens(
    text: str, old_tokens: tuple[Token, ...], fixed: str, keywords: set[EditSpan], plan: FixPlan
) -> str | None:
    """Is `fixed` `text` with only the planned literals and keywords changed? The code outside
    the planned spans must be the same characters; the strings and comments the same tokens,
    each planned literal still one token of its kind now reading its replacement, a renamed
    keyword still a name; and, when a keyword is renamed, the result must compile. One lexer
    pass per side (and the compiler, at C speed, for a rename) instead of a CST rewrite, its
    codegen and a second CST parse: tokens of
    the same kinds in the same order, the code between them unchanged, parse to the same tree
    but for the literals' values and the keywords' names. Only for a `text` the lexer vouches
    for to its end (otherwise the CST check `_verify` decides)."""
    new_tokens, new_stop = lex_prefix(fixed)
    if len(new_tokens) != len(old_tokens) or new_stop != len(fixed):
        return "the file's tokens changed"
    by_start = {token.start: n for n, token in enumerate(old_tokens)}
    starts = line_starts(text)
    shift = 0
    done = 0
    # Where each token moved: the shift in force at each edited position, in order.
    shifts: list[tuple[int, int]] = [(0, 0)]
    for edit in plan.edits:
        start = starts[edit.line - 1] + edit.column - 1
        end = starts[edit.end_line - 1] + edit.end_column - 1
        if text[done:start] != fixed[done + shift : start + shift]:
            return "the code between the literals changed"
        span = (edit.line, edit.column, edit.end_line, edit.end_column)
        if span in keywords:
            after = fixed[start + shift : start + shift + len(edit.new)]
            if text[start:end] != edit.old or after != edit.new or not edit.new.isidentifier() \
                    or keyword.iskeyword(edit.new):
                return f"{edit.line}:{edit.column}: the keyword is not renamed to `{edit.new}`"
            new_end = start + shift + len(edit.new)
        else:
            n = by_start.get(start)
            if n is None or old_tokens[n].end != end:
                return f"{edit.line}:{edit.column}: no literal token at the planned span"
            old, new = old_tokens[n], new_tokens[n]
            if new.kind is not old.kind or new.start != start + shift:
                return "the file's tokens changed"
            if _reads(fixed[new.start : new.end], old.kind) != edit.new:
                return f"{edit.line}:{edit.column}: the new literal does not read `{edit.new}`"
            new_end = new.end
        shift = new_end - end
        shifts.append((end, shift))
        done = end
    if text[done:] != fixed[done + shift :]:
        return "the code after the last literal changed"
    edited = {by_start.get(starts[e.line - 1] + e.column - 1) for e in plan.edits}
    at = 0
    for n, (old, new) in enumerate(zip(old_tokens, new_tokens, strict=True)):
        while at + 1 < len(shifts) and shifts[at + 1][0] <= old.start:
            at += 1
        moved = shifts[at][1]
        if new.kind is not old.kind or new.start != old.start + moved:
            return "the file's tokens changed"
        if n not in edited and new.end != old.end + moved:
            return "a literal that was not planned changed"
    if not keywords:
        # Only literals changed, each still one token of its kind reading an id, in a module
        # that parsed: no such change can stop it parsing.
        return None
    problem = repeats_a_keyword(text, fixed)
    if problem is not None:
        return f"the result does not compile ({problem})"
    try:  # compiling or not (the source may not compile either), the result must parse
        with warnings.catch_warnings():  # the user's own warnings (escapes), not ours
            warnings.simplefilter("ignore")
            ast.parse(fixed)
    except (SyntaxError, ValueError) as error:
        return f"the result does not parse ({error})"
    return None


def _reads(literal: str, kind: Kind) -> str | None:
    """The value of one string token (an f-string only when it has no placeholder)."""
    return string_value(literal) if kind is Kind.STRING else fstring_text(literal)
