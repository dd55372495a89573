"""Python sources: libcst finds every string literal and comment, and the context table decides
how each whole-id literal may be fixed."""

from __future__ import annotations

import re
from collections.abc import Iterable

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from modelguard.findings import FixSafety
from modelguard.index import ModelIndex
from modelguard.scan import contexts as ctx
from modelguard.scan.hits import Hit, Span, Suppressions, mention_hits

_IGNORE = re.compile(r"#\s*modelguard:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")
_Literal = cst.SimpleString | cst.FormattedString


class ParseFailure(Exception):
    """The source is not Python this scanner can read; the message is one line for users."""


def parse(source: str | bytes) -> cst.Module:
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise ParseFailure(
            f"syntax error at line {error.raw_line}, column {error.raw_column + 1}: "
            f"{error.message.splitlines()[0] if error.message else 'invalid syntax'}"
        ) from None
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        raise ParseFailure(f"cannot decode: {error}") from None


def scan_python(source: str | bytes, index: ModelIndex) -> tuple[list[Hit], Suppressions]:
    """All model ids in a module: whole literals with their context, and mentions in text."""
    wrapper = MetadataWrapper(parse(source), unsafe_skip_copy=True)
    visitor = _ModelLiteralVisitor(index, wrapper.module)
    wrapper.visit(visitor)
    return visitor.hits, visitor.suppressions


def literal_text(node: _Literal) -> str | None:
    """The runtime value of a literal with no placeholders, or None."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:
            return None
        if isinstance(value, bytes):
            return value.decode("ascii", "replace")
        return value
    parts: list[str] = []
    for part in node.parts:
        if not isinstance(part, cst.FormattedStringText):
            return None
        parts.append(part.value.replace("{{", "{").replace("}}", "}"))
    return "".join(parts)


class _ModelLiteralVisitor(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, index: ModelIndex, module: cst.Module) -> None:
        super().__init__()
        self.index = index
        self.module = module
        self.hits: list[Hit] = []
        self.suppressions: Suppressions = {}
        # Parents are visited before their children, so a parent labels its literal children.
        self._context: dict[int, ctx.Context] = {}

    def _label(self, node: cst.CSTNode | None, context: ctx.Context) -> None:
        if isinstance(node, (cst.SimpleString, cst.FormattedString)):
            self._context[id(node)] = context

    def _span(self, node: cst.CSTNode) -> Span:
        where: CodeRange = self.get_metadata(PositionProvider, node)
        return Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    # Contexts -------------------------------------------------------------------------------

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is None:
            return
        named = ctx.names_a_model(node.keyword.value)
        self._label(node.value, ctx.MODEL_KEYWORD if named else ctx.KEYWORD_ARGUMENT)

    def visit_Call(self, node: cst.Call) -> None:
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        for arg in positional:
            self._label(arg.value, ctx.CALL_ARGUMENT)
        # getenv("OPENAI_MODEL", "gpt-4") / settings.get("model", "gpt-4"): a model default.
        if len(positional) == 2 and _callee_name(node.func) in ("get", "getenv", "setdefault"):
            key = positional[0].value
            if isinstance(key, cst.SimpleString):
                text = literal_text(key)
                if text is not None and ctx.names_a_model(text):
                    self._label(positional[1].value, ctx.MODEL_DEFAULT)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._label(node.value, self._assignment_context(t.target for t in node.targets))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._label(node.value, self._assignment_context([node.target]))

    def _assignment_context(self, targets: Iterable[cst.BaseExpression]) -> ctx.Context:
        for target in targets:
            if isinstance(target, cst.Subscript):
                key = _subscript_key(target)
                if key is None or not ctx.names_a_model(key):
                    return ctx.DICT_VALUE
            elif not isinstance(target, (cst.Name, cst.Attribute)):
                return ctx.CONTAINER
        return ctx.ASSIGNMENT

    def visit_Param(self, node: cst.Param) -> None:
        self._label(node.default, ctx.DEFAULT_PARAMETER)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._label(node.key, ctx.DICT_KEY)
        key = literal_text(node.key) if isinstance(node.key, _Literal) else None
        named = key is not None and ctx.names_a_model(key)
        self._label(node.value, ctx.MODEL_VALUE if named else ctx.DICT_VALUE)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._label(node.left, ctx.COMPARISON)
        for target in node.comparisons:
            self._label(target.comparator, ctx.COMPARISON)

    def visit_Element(self, node: cst.Element) -> None:
        self._label(node.value, ctx.CONTAINER)

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        if isinstance(node.slice, cst.Index):
            self._label(node.slice.value, ctx.SUBSCRIPT)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._label(node.left, ctx.CONCATENATION)
        self._label(node.right, ctx.CONCATENATION)

    # Literals and comments ------------------------------------------------------------------

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._literal(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._literal(node)

    def _literal(self, node: _Literal) -> None:
        span = self._span(node)
        value = literal_text(node)
        if value is not None:
            match = self.index.lookup(value)
            if match is not None:
                context = self._context.get(id(node), ctx.EXPRESSION)
                self.hits.append(Hit(span, value, match, context.fix, context.name))
                return
        if isinstance(node, cst.FormattedString):
            # Placeholders are expressions, visited on their own; only the text parts are prose.
            for part in node.parts:
                if isinstance(part, cst.FormattedStringText):
                    self.hits.extend(mention_hits(part.value, self._span(part), self.index))
        else:
            self.hits.extend(mention_hits(self.module.code_for_node(node), span, self.index))

    def visit_Comment(self, node: cst.Comment) -> None:
        span = self._span(node)
        ignore = _IGNORE.search(node.value)
        if ignore is not None:
            codes = ignore.group(1)
            self.suppressions[span.line] = (
                None if codes is None else frozenset(c.strip().upper() for c in codes.split(","))
            )
        self.hits.extend(mention_hits(node.value, span, self.index))


def _callee_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _subscript_key(target: cst.Subscript) -> str | None:
    if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
        return None
    key = target.slice[0].slice.value
    return literal_text(key) if isinstance(key, _Literal) else None


__all__ = ["FixSafety", "ParseFailure", "literal_text", "parse", "scan_python"]
