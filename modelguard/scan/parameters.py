"""Rule MG005: request parameters written beside a model literal, in the same call or dict.

The scan records where each parameter some registry fact names (`ModelIndex.parameter_names`)
is written next to a literal model id: the keyword of a call (`client.chat.completions.create(
model="o3", max_tokens=5)`), or a key of a dict literal with a "model" key, in Python or in a
JSON or YAML payload file (`yaml_parameter_hits`; keys of payload files are reported only).
Whether the model (or the replacement `fix` writes) refuses it is decided with the findings, at
the as-of date (`scan.parameter_finding`), since the replacement depends on it.

In Python the model may also be held in a variable: a module constant, or a local of the
request's own function, bound once in its scope by `NAME = "literal"` (`_Scopes`); the finding
names the variable and the line of its assignment. A parameter of the request's own function
that nothing else binds is followed to its default (`def ask(model="o3")`): a caller may pass
another model, so that finding is a note with no fix. A dict's keys include those added by the
statements after `NAME = {...}` in the same block (`NAME["key"] = …`, `NAME.update(…)`), up to
the first that binds NAME again (`_added_keys`). A call that passes `**params` beside a literal
model is a site of its own: the parameters in it are not seen, so when the model refuses some
the finding is a note (`Finding.advisory`), never a failure.

A request names its model: the walk of a module enters only what spans a line the keyword
`model=` or a "model" key may be written on (`_MODEL_WRITTEN`, in any spelling Python reads
as one), and the dict of a `NAME = {...}` whose block names it later (`_visit`); the names a
scope binds are gathered only when a request reads its model from a variable (`_Scopes`).
Most modules are not parsed whole: the logical lines holding those lines are parsed apart
(`_line_requests`), and the module only when a request there reads a variable or a dict there
may gain keys from other statements.

A site travels as a `Hit` (so the result cache keeps it unchanged): the span of the parameter's
name, the model as written, the model's match, and a context string `parameter …` holding the
endpoints of the call, the parameter and its siblings (`ParameterSite.context`).

Left out, by design: positional arguments, a variable bound more than once or by anything but
one string literal (a parameter without a string default, a loop, an import, a `global`), a
closure's variable, and keys added in another block (under an `if`) or through another name.
"""

from __future__ import annotations

import ast
import json
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from modelguard.findings import FixSafety
from modelguard.registry.index import Match, ModelIndex
from modelguard.scan.contexts import names_a_model, settle
from modelguard.scan.hits import Hit, Span
from modelguard.scan.syntax import syntax_tree

if TYPE_CHECKING:
    from modelguard.scan.pylex import Lexed

CONTEXT = "parameter"

# The last names of a call → the endpoints it sends to, and whether the client library itself
# sends a renamed parameter under its new name (LangChain's ChatOpenAI and LiteLLM move
# `max_tokens` to `max_completion_tokens` for the models that need it, so only refused and
# exclusive parameters are reported for them).
_CALLS: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {
    ("chat", "completions", "create"): (("chat",), False),
    ("chat", "completions", "parse"): (("chat",), False),
    ("chat", "completions", "stream"): (("chat",), False),
    ("responses", "create"): (("responses",), False),
    ("responses", "parse"): (("responses",), False),
    ("responses", "stream"): (("responses",), False),
    ("messages", "create"): (("messages",), False),
    ("messages", "stream"): (("messages",), False),
    ("completion",): (("chat", "messages"), True),
    ("acompletion",): (("chat", "messages"), True),
    ("ChatOpenAI",): (("chat",), True),
    ("AzureChatOpenAI",): (("chat",), True),
    ("ChatAnthropic",): (("messages",), True),
}
_MODEL_KEYWORDS = ("model", "model_name")
# Lines as `ast` counts them (CRLF, LF or a lone CR; not the other breaks `splitlines` knows).
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


@dataclass(frozen=True, slots=True)
class ParameterSite:
    """A parameter written beside a model literal: what `parameter_finding` judges."""

    endpoints: tuple[str, ...]
    name: str  # the parameter; `**params` for a spread (`spread`)
    siblings: tuple[str, ...]  # every parameter name of the call or dict, sorted
    client_renames: bool  # the client library sends renamed parameters under their new name
    in_dict: bool = False  # a key of a payload dict, not a keyword argument
    # A key of a payload file (JSON): reported only, since what reads the file is not known.
    in_file: bool = False
    # The model is held in a variable: its name and the line of its one literal assignment.
    variable: str = ""
    assigned: int = 0
    # `fix` may rename the parameter: the model literal is in the request, or is the one
    # assignment of its variable and that literal's own fix is safe (so a replacement of the
    # model is written there by the same run).
    certain: bool = True
    # `**params` of a call: the parameters in it are not seen, only that the model refuses some.
    spread: bool = False
    # The variable is a parameter of the request's function and the model its default value:
    # a caller may pass another, so the finding is a note and `fix` leaves the keyword alone.
    default: bool = False

    @property
    def context(self) -> str:
        """The site as a `Hit` context (what the cache stores)."""
        where = ("spread" if self.spread else "file-key" if self.in_file
                 else "key" if self.in_dict else "keyword")
        how = "default" if self.default else "certain" if self.certain else "unsure"
        via = f"via:{self.variable}:{self.assigned}:{how}" if self.variable else "direct"
        return " ".join((CONTEXT, where, ",".join(self.endpoints),
                         self.name, ",".join(self.siblings),
                         "client-renames" if self.client_renames else "as-written", via))

    @property
    def shown(self) -> str:
        """The context reports show."""
        if self.spread:
            return "parameters passed through **kwargs"
        if self.in_file:
            return "parameter key in a payload file"
        return "parameter payload key" if self.in_dict else "parameter keyword argument"

    @property
    def note(self) -> str:
        """What the message adds about where the model comes from."""
        if self.default:
            return (f" (the model is `{self.variable}`, a parameter defaulting to it on line "
                    f"{self.assigned}; a caller may pass another)")
        return (f" (the model is `{self.variable}`, assigned on line {self.assigned})"
                if self.variable else "")

    @staticmethod
    def parse(context: str) -> ParameterSite | None:
        parts = context.split(" ")
        if len(parts) != 7 or parts[0] != CONTEXT:
            return None
        via = parts[6].split(":")
        variable, assigned, how = (via[1], int(via[2]), via[3]) if (
            len(via) == 4 and via[2].isdigit()) else ("", 0, "certain")
        return ParameterSite(tuple(parts[2].split(",")), parts[3], tuple(parts[4].split(",")),
                             parts[5] == "client-renames", parts[1] in ("key", "file-key"),
                             parts[1] == "file-key", variable, assigned, how == "certain",
                             parts[1] == "spread", how == "default")


def parameter_hits(text: str, index: ModelIndex, payload_file: bool = False,
                   lexed: Lexed | None = None) -> list[Hit]:
    """Every site of a parameter some fact names, beside a literal model id, in a module; with
    `payload_file`, in a JSON file (JSON objects parse as Python dict displays, with the
    positions of their keys; `true`, `false` and `null` as names never evaluated). A call
    with a literal model that passes `**params` is a site too (`ParameterSite.spread`).
    `lexed`: the lexer's reading of `text`, when the caller has it."""
    names = index.parameter_names
    if not names or not (any(name in text for name in names) or "**" in text):
        return []
    named = _model_offsets(text)
    if not named:
        return []  # a model is named nowhere, so no request can hold one
    lines = _LINES.findall(text)
    numbers = _line_numbers(named, lines)
    requests = None if payload_file else _line_requests(text, lines, numbers, lexed)
    if requests is None:
        tree = syntax_tree(text)
        if tree is None:
            return []
        requests = list(_requests(tree, numbers))
    hits: list[Hit] = []
    for request in requests:
        if request.endpoints is None:
            continue
        model = _model(request.model, index)
        if model is None:
            continue
        variable, assigned, certain, default = "", 0, True, False
        if request.variable is not None:
            if payload_file:
                continue  # JSON has no variables: a name there is `true`, `false` or `null`
            default = isinstance(request.variable, ast.arg)
            variable = request.variable.arg if isinstance(request.variable, ast.arg) \
                else request.variable.id
            assigned = request.model.lineno
            certain = not default and settle(model[0], model[1], FixSafety.SAFE,
                                             names_a_model(variable)) is FixSafety.SAFE
        siblings = tuple(sorted({param.name for param in request.params}))
        for param in request.params:
            span = _name_span(param, lines)
            if param.name in names and span is not None:
                site = ParameterSite(request.endpoints, param.name, siblings,
                                     request.client_renames, request.in_dict, payload_file,
                                     variable, assigned, certain, default=default)
                hits.append(Hit(span, model[0], model[1], FixSafety.SAFE, site.context))
        for spread in request.spreads:
            shown = _dotted(spread.value)
            site = ParameterSite(request.endpoints, f"**{shown}", siblings,
                                 request.client_renames, False, False, variable, assigned,
                                 certain, spread=True, default=default)
            start = _column(lines, spread.lineno, spread.col_offset)
            hits.append(Hit(Span(spread.lineno, start, spread.lineno, start + 2 + len(shown)),
                            model[0], model[1], FixSafety.NONE, site.context))
    return hits


def _name_span(param: _Param, lines: list[str]) -> Span | None:
    """The span of a parameter's name: a keyword argument's name, or a one-line string key."""
    node = param.node
    if isinstance(node, ast.keyword):
        start = _column(lines, node.lineno, node.col_offset)
        return Span(node.lineno, start, node.lineno, start + len(param.name))
    if node.end_lineno != node.lineno or node.end_col_offset is None:
        return None
    return Span(node.lineno, _column(lines, node.lineno, node.col_offset),
                node.lineno, _column(lines, node.lineno, node.end_col_offset))


def _dotted(value: ast.expr) -> str:
    """`params`, `self.options`: how a spread argument is named; `…` for any other expression
    (the span then covers `**` and one character)."""
    parts: list[str] = []
    while isinstance(value, ast.Attribute):
        parts.append(value.attr)
        value = value.value
    if not isinstance(value, ast.Name):
        return "…"
    parts.append(value.id)
    return ".".join(reversed(parts))


# YAML payload files. The reader below knows the part of YAML request files are written in:
# block and flow collections, plain and quoted scalars, comments, anchors, aliases and merge
# keys (`<<`). Anything else (a tagged collection, complex keys, directives, a document that
# starts on its `---` line, unbalanced brackets, tabs as indentation, nesting deeper than the
# interpreter recurses) raises `_Unsure`, and that document yields no site: a key the reader
# cannot place is not reported rather than reported wrong. Block scalars (`|`, `>`), tagged
# scalars and plain scalars folded over lines are read past, as values it does not vouch for.
# Checked against PyYAML's composer on the 4,443 YAML files of the corpus: the same keys at
# the same positions in every document it reads.


class _Unsure(Exception):
    """A construct the YAML reader does not vouch for."""


@dataclass(frozen=True, slots=True)
class _Key:
    """A mapping key: its text, and where it is written (0-based line and columns, quotes
    included; the end is exclusive)."""

    name: str
    line: int
    start: int
    end: int
    plain: bool = True  # `<<` merges only unquoted


@dataclass(frozen=True, slots=True)
class _Scalar:
    value: str | None  # None: a block scalar, lines folded, or escapes (not vouched for)


@dataclass(frozen=True, slots=True)
class _Mapping:
    pairs: tuple[tuple[_Key, _Node], ...]


@dataclass(frozen=True, slots=True)
class _Sequence:
    items: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Alias:
    """`*name`: the node anchored as `&name`. Merges and model values read through it; the
    walk for requests does not enter it, since its keys are the anchored node's."""

    target: _Node


_Node = _Scalar | _Mapping | _Sequence | _Alias
_NULL = _Scalar("")
# A plain key runs up to the first `:` followed by a blank or the line's end (`key :` too),
# without tabs or comments; it cannot begin with an indicator, nor with `-`, `?` or `:`
# followed by a blank.
_PLAIN_START = re.compile(r"[^\s'\"\[\]{},#&*!|>%@`?:-]|[?:-](?=\S)")
_COLON = re.compile(r"[ \t]*:(?=[ \t]|$)")
_FLOW_INDICATORS = ",[]{}"
# A quoted scalar closing on its line (`\\` escapes in double quotes, `''` in single ones).
_QUOTED = {'"': re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"'),
           "'": re.compile(r"'[^']*(?:''[^']*)*'(?!')")}
_COMMENT = re.compile(r"[ \t]#")
_FLOW_PLAIN_END = re.compile(r"[,\[\]{}?]|:(?=[ \t,\[\]{}]|$)|[ \t]#")
_ANCHOR = re.compile(r"[0-9A-Za-z_-]+")
# `|` or `>`, the chomping and indentation indicators, then nothing but a comment.
_BLOCK_HEADER = re.compile(r"[|>](?:([1-9])[+-]?|[+-]([1-9])?)?[ \t]*(?:[ \t]#.*)?$")
# `: ` in a plain scalar's line: a mapping value where none may start.
_MAPPING_VALUE = re.compile(r":(?:[ \t]|$)")
# Characters no node may start with here: tags, directives, reserved and complex-key
# indicators, and what only closes or separates.
_REFUSED = "!%@`?#,]}:"
# Keys that can travel in a site's context (space- and comma-separated).
_CONTEXT_KEY = re.compile(r"[^\s,]+")


def yaml_parameter_hits(text: str, index: ModelIndex) -> list[Hit]:
    """`parameter_hits` for a YAML file: the keys of every mapping holding `model: <id>` and
    `messages` (chat) or `input` (responses), block or flow style, with the keys merged in
    by `<<: *anchor`. Keys of a payload file: reported only.

    A merged key's site is the key where it is written, in the anchored mapping: that is the
    text to change, and a suppression comment there covers every mapping that merges it.
    Mappings merging one anchor each get a site at that span; equal sites (same span, model
    and context) are kept once, since `findings_from_hits` reports every hit it is given."""
    names = index.parameter_names
    if not names or not any(name in text for name in names):
        return []
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    hits: list[Hit] = []
    seen: set[tuple[Span, str, str]] = set()
    for start, stop in _documents(lines):
        try:
            root = _document(_Reader(lines, stop, {}), start)
            found = [hit for mapping in _mappings(root) for hit in _request_hits(
                mapping, names, index)]
        except (_Unsure, RecursionError):
            continue
        for hit in found:
            if (hit.span, hit.written, hit.context) not in seen:
                seen.add((hit.span, hit.written, hit.context))
                hits.append(hit)
    return hits


def _request_hits(mapping: _Mapping, names: frozenset[str],
                  index: ModelIndex) -> Iterator[Hit]:
    keys = _merged(mapping)
    if keys is None or "model" not in keys:
        return
    model = _target(keys["model"][1])
    if not isinstance(model, _Scalar) or not model.value:
        return
    match = index.lookup(model.value)
    if match is None or match.fine_tune:
        return
    endpoints = (("chat", "messages") if "messages" in keys
                 else ("responses",) if "input" in keys else None)
    if endpoints is None:
        return
    siblings = tuple(sorted(name for name in keys if _CONTEXT_KEY.fullmatch(name)))
    for name, (key, _) in sorted(keys.items(), key=lambda kv: (kv[1][0].line, kv[1][0].start)):
        if name in names:
            site = ParameterSite(endpoints, name, siblings, False, True, True)
            span = Span(key.line + 1, key.start + 1, key.line + 1, key.end + 1)
            yield Hit(span, model.value, match, FixSafety.SAFE, site.context)


def _merged(mapping: _Mapping) -> dict[str, tuple[_Key, _Node]] | None:
    """A mapping's keys with those `<<` merges in: its own first, then each merged mapping's
    in order (YAML 1.1: earlier merged mappings win over later ones). None when `<<` holds
    anything but mappings."""
    keys: dict[str, tuple[_Key, _Node]] = {}
    merged: list[_Node] = []
    for key, value in mapping.pairs:
        if key.plain and key.name == "<<":
            value = _target(value)
            merged.extend(_target(item) for item in (
                value.items if isinstance(value, _Sequence) else (value,)))
        else:
            keys.setdefault(key.name, (key, value))
    for source in merged:
        inner = _merged(source) if isinstance(source, _Mapping) else None
        if inner is None:
            return None
        for name, pair in inner.items():
            keys.setdefault(name, pair)
    return keys


def _target(node: _Node) -> _Node:
    while isinstance(node, _Alias):
        node = node.target
    return node


def _mappings(node: _Node | None) -> Iterator[_Mapping]:
    """The mappings written in a document (an alias's are its anchor's)."""
    if isinstance(node, _Mapping):
        yield node
        for _, value in node.pairs:
            yield from _mappings(value)
    elif isinstance(node, _Sequence):
        for item in node.items:
            yield from _mappings(item)


def _documents(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first line, stop) of each document a reader may start on its first line; one whose
    `---` line holds a node is left out."""
    start, sure = 0, True
    for number, line in enumerate(lines):
        if line[:3] in ("---", "...") and line[3:4] in ("", " ", "\t"):
            if sure:
                yield start, number
            rest = line[3:].strip()
            start, sure = number + 1, not rest or rest.startswith("#")
    if sure:
        yield start, len(lines)


def _document(reader: _Reader, start: int) -> _Node | None:
    first = reader.content(start)
    if first >= reader.stop:
        return None
    root, after = reader.node(first, reader.indent(first), -1, True)
    if reader.content(after) < reader.stop:
        raise _Unsure
    return root


def _dash(text: str, column: int) -> bool:
    """A block sequence entry `- ` at `column`."""
    return text[column:column + 1] == "-" and text[column + 1:column + 2] in ("", " ", "\t")


def _quote_end(text: str, column: int) -> int | None:
    """The column after the quoted scalar opening at `column`, when it closes on its line."""
    found = _QUOTED[text[column]].match(text, column)
    return None if found is None else found.end()


def _unquoted(written: str) -> str | None:
    """A one-line quoted scalar's value; None for a double-quoted one with escapes."""
    inner = written[1:-1]
    if written[0] == "'":
        return inner.replace("''", "'")
    return None if "\\" in inner else inner


def _key_at(text: str, column: int) -> tuple[_Key, int] | None:
    """The block-mapping key written at `column` of a line (number 0: the caller places it),
    and the column after its `:`."""
    if text[column:column + 1] in ("'", '"'):
        end = _quote_end(text, column)
        colon = None if end is None else _COLON.match(text, end)
        if end is None or colon is None:
            return None
        name = _unquoted(text[column:end])
        return _Key(text[column + 1:end - 1] if name is None else name, 0, column, end,
                    plain=False), colon.end()
    if not _PLAIN_START.match(text, column):
        return None
    colon = _COLON.search(text, column + 1)
    if colon is None:
        return None
    name = text[column:colon.start()]
    if "\t" in name or " #" in name:
        return None
    return _Key(name, 0, column, colon.start()), colon.end()


def _plain_end(text: str, column: int, flow: bool) -> int:
    """Where the plain scalar starting at `column` ends on its line: a comment, and in a flow
    collection a flow indicator, `?` (as PyYAML reads it) or a `:` followed by a blank or
    an indicator."""
    found = (_FLOW_PLAIN_END if flow else _COMMENT).search(text, column)
    return len(text) if found is None else found.start()


def _blanks_end(text: str, column: int) -> int:
    while column < len(text) and text[column] in " \t":
        column += 1
    return column


def _tag_end(text: str, column: int) -> int:
    at = column
    while at < len(text) and text[at] not in " \t" + _FLOW_INDICATORS:
        at += 1
    return at


def _anchor_end(text: str, column: int, flow: bool) -> int:
    """The end of the anchor or alias name starting at `column` (letters, digits, `_` and
    `-`, as PyYAML reads them), followed by a blank, the line's end, or in a flow collection
    an indicator."""
    found = _ANCHOR.match(text, column)
    if found is None or not (found.end() == len(text) or text[found.end()] in " \t" or (
            flow and text[found.end()] in _FLOW_INDICATORS)):
        raise _Unsure
    return found.end()


@dataclass(frozen=True, slots=True)
class _Reader:
    """One document's lines (up to `stop`), and the anchors read so far (an alias names the
    last node anchored under its name before it)."""

    lines: list[str]
    stop: int
    anchors: dict[str, _Node]

    def content(self, number: int) -> int:
        """The first line from `number` on with a node on it; `stop` when none is left."""
        while number < self.stop:
            stripped = self.lines[number].strip()
            if stripped and not stripped.startswith("#"):
                return number
            number += 1
        return self.stop

    def indent(self, number: int) -> int:
        line = self.lines[number]
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            raise _Unsure
        return len(line) - len(stripped)

    def rest(self, number: int, column: int) -> None:
        """Nothing but blanks and a comment may follow a node on its line."""
        rest = self.lines[number][column:]
        stripped = rest.lstrip(" \t")
        if stripped and not (stripped.startswith("#") and len(stripped) < len(rest)):
            raise _Unsure

    def beneath(self, number: int, column: int, allow_dash: bool) -> tuple[_Node, int]:
        """The node on the lines after line `number` that ends with an empty value (`key:`,
        `- `), in a collection at `column`; a null when none is indented past it (or, for a
        mapping's value, a sequence at its column)."""
        following = self.content(number + 1)
        if following < self.stop:
            indent = self.indent(following)
            if indent > column or (allow_dash and indent == column
                                   and _dash(self.lines[following], column)):
                return self.node(following, indent, column, True)
        return _NULL, number + 1

    def node(self, number: int, column: int, parent: int, compact: bool) -> tuple[_Node, int]:
        """The block node written from (`number`, `column`) in a collection at column
        `parent`, and the line after it. `compact`: a collection may start here (a line of its
        own, or after `- `), not after `key: `."""
        text = self.lines[number]
        char = text[column]
        dash = _dash(text, column)
        if dash or _key_at(text, column) is not None:
            if not compact:
                raise _Unsure
            return self.sequence(number, column) if dash else self.mapping(number, column)
        if char in "{[":
            found, end, at = self.flow(number, column)
            self.rest(end, at)
            return found, end + 1
        if char in "&*":
            after = _anchor_end(text, column + 1, False)
            name = text[column + 1:after]
            if char == "*":
                self.rest(number, after)
                if name not in self.anchors:
                    raise _Unsure
                return _Alias(self.anchors[name]), number + 1
            at = _blanks_end(text, after)
            if at == len(text) or text[at] == "#":
                found, following = self.beneath(number, parent, False)
            elif text[at] in "&*!" or _key_at(text, at) is not None or _dash(text, at):
                raise _Unsure  # `&a key: v` anchors the key
            else:
                found, following = self.node(number, at, parent, False)
            self.anchors[name] = found
            return found, following
        if char == "!":  # a tagged scalar: read past as a value not vouched for
            at = _blanks_end(text, _tag_end(text, column + 1))
            if at == len(text) or text[at] == "#":
                following = self.content(number + 1)
                if following < self.stop and self.indent(following) > parent:
                    raise _Unsure  # a tagged collection, or a scalar on the next lines
                return _Scalar(None), number + 1
            if text[at] in "{[&*!" or _dash(text, at) or _key_at(text, at) is not None:
                raise _Unsure
            return _Scalar(None), self.node(number, at, parent, False)[1]
        if char in "|>":  # a block scalar
            header = _BLOCK_HEADER.match(text, column)
            if header is None:
                raise _Unsure
            # Its lines are indented as its first (or as its indentation indicator says),
            # past the collection's column (and past the first column).
            least = max(parent + 1, 1)
            following = number + 1
            digit = header[1] or header[2]
            indent = least + int(digit) - 1 if digit else None
            while following < self.stop:
                line = self.lines[following]
                if line.strip():
                    here = len(line) - len(line.lstrip(" "))
                    if here < (least if indent is None else indent):
                        break
                    indent = indent or here
                following += 1
            return _Scalar(None), following
        if char in _REFUSED:
            raise _Unsure
        if char in "'\"":
            value, end, at = self.quoted(number, column)
            self.rest(end, at)
            return _Scalar(value), end + 1
        end = _plain_end(text, column, False)
        following, folded = number + 1, False
        while following < self.stop:  # a plain scalar goes on over the lines indented past
            stripped = self.lines[following].strip()
            if stripped.startswith("#") or (stripped and self.indent(following) <= parent):
                break
            if stripped and (end < len(text) or _MAPPING_VALUE.search(stripped)
                             or _plain_end(stripped, 0, False) < len(stripped)):
                raise _Unsure  # a comment inside, or a key where none may start
            folded, following = folded or bool(stripped), following + 1
        return _Scalar(None if folded else text[column:end].rstrip(" \t")), following

    def mapping(self, number: int, column: int) -> tuple[_Mapping, int]:
        """The block mapping whose first key is at (`number`, `column`)."""
        pairs: list[tuple[_Key, _Node]] = []
        while True:
            text = self.lines[number]
            found = _key_at(text, column)
            if found is None:
                raise _Unsure
            key, after = found
            at = _blanks_end(text, after)
            value, following = (self.beneath(number, column, True)
                                if at == len(text) or text[at] == "#"
                                else self.node(number, at, column, False))
            pairs.append((_Key(key.name, number, key.start, key.end, key.plain), value))
            number = self.content(following)
            if number >= self.stop or self.indent(number) < column:
                return _Mapping(tuple(pairs)), number
            if self.indent(number) > column or _dash(self.lines[number], column):
                raise _Unsure

    def sequence(self, number: int, column: int) -> tuple[_Sequence, int]:
        """The block sequence whose first `- ` is at (`number`, `column`)."""
        items: list[_Node] = []
        while True:
            text = self.lines[number]
            at = _blanks_end(text, column + 1)
            item, following = (self.beneath(number, column, False)
                               if at == len(text) or text[at] == "#"
                               else self.node(number, at, column, True))
            items.append(item)
            number = self.content(following)
            if number < self.stop and self.indent(number) > column:
                raise _Unsure
            if number >= self.stop or self.indent(number) < column or not _dash(
                    self.lines[number], column):
                return _Sequence(tuple(items)), number

    def quoted(self, number: int, column: int) -> tuple[str | None, int, int]:
        """The quoted scalar at (`number`, `column`): its value (None when it runs over lines
        or holds escapes) and the position after it."""
        text = self.lines[number]
        end = _quote_end(text, column)
        if end is not None:
            return _unquoted(text[column:end]), number, end
        quote = text[column]
        for following in range(number + 1, self.stop):
            line = self.lines[following]
            # The line's text from its start, reread as if it opened the quote.
            end = _quote_end(quote + line, 0)
            if end is not None:
                return None, following, end - 1
        raise _Unsure

    def skip(self, number: int, column: int) -> tuple[int, int]:
        """Past blanks, line breaks and comments in a flow collection."""
        while number < self.stop:
            text = self.lines[number]
            column = _blanks_end(text, column)
            if column < len(text) and not (text[column] == "#" and (
                    column == 0 or text[column - 1] in " \t")):
                return number, column
            number, column = number + 1, 0
        raise _Unsure  # the collection never closes

    def flow(self, number: int, column: int) -> tuple[_Node, int, int]:
        """The flow node at (`number`, `column`) and the position after it."""
        text = self.lines[number]
        char = text[column]
        if char == "{":
            return self.flow_mapping(number, column + 1)
        if char == "[":
            return self.flow_sequence(number, column + 1)
        if char in "'\"":
            value, number, column = self.quoted(number, column)
            return _Scalar(value), number, column
        if char in "&*":
            after = _anchor_end(text, column + 1, True)
            name = text[column + 1:after]
            if char == "*":
                if name not in self.anchors:
                    raise _Unsure
                return _Alias(self.anchors[name]), number, after
            number, column = self.skip(number, after)
            if self.lines[number][column] in "&*!":
                raise _Unsure
            found, end, at = self.flow(number, column)
            self.anchors[name] = found
            return found, end, at
        if char == "!":  # a tagged scalar, as in a block
            number, column = self.skip(number, _tag_end(text, column + 1))
            if self.lines[number][column] in "{[&*!":
                raise _Unsure
            return (_Scalar(None), *self.flow(number, column)[1:])
        if char in _REFUSED or char in "|>" or _dash(text, column):
            raise _Unsure
        end = _plain_end(text, column, True)
        value = text[column:end].rstrip(" \t")
        return _Scalar(value), number, column + len(value)

    def flow_mapping(self, number: int, column: int) -> tuple[_Mapping, int, int]:
        """The flow mapping whose `{` is just before (`number`, `column`)."""
        pairs: list[tuple[_Key, _Node]] = []
        while True:
            number, column = self.skip(number, column)
            text = self.lines[number]
            if text[column] == "}":
                return _Mapping(tuple(pairs)), number, column + 1
            if text[column] in "{[&*":
                raise _Unsure  # a complex or anchored key
            found, end_line, end = self.flow(number, column)
            if end_line != number or not isinstance(found, _Scalar) or found.value is None:
                raise _Unsure
            key = _Key(found.value, number, column, end, text[column] not in "'\"")
            value: _Node = _NULL
            colon = _blanks_end(text, end)
            number, column = self.skip(number, end)
            if self.lines[number][column] == ":":
                if column != colon:
                    raise _Unsure  # a key's `:` on another line
                number, column = self.skip(number, column + 1)
                if self.lines[number][column] not in ",}":
                    value, number, column = self.flow(number, column)
                    number, column = self.skip(number, column)
            pairs.append((key, value))
            if self.lines[number][column] == ",":
                column += 1
            elif self.lines[number][column] != "}":
                raise _Unsure

    def flow_sequence(self, number: int, column: int) -> tuple[_Sequence, int, int]:
        """The flow sequence whose `[` is just before (`number`, `column`)."""
        items: list[_Node] = []
        while True:
            number, column = self.skip(number, column)
            if self.lines[number][column] == "]":
                return _Sequence(tuple(items)), number, column + 1
            item, number, column = self.flow(number, column)
            items.append(item)
            number, column = self.skip(number, column)
            if self.lines[number][column] == ",":
                column += 1
            elif self.lines[number][column] != "]":
                raise _Unsure  # `[key: value]` pairs too


# The names a Chat Completions request may carry its token limit under.
TOKEN_LIMITS = ("max_completion_tokens", "max_tokens")


@dataclass(frozen=True, slots=True)
class LimitSite:
    """A request whose model is a string literal, and the token-limit names it sends."""

    line: int  # the model literal's first line
    model: str  # the literal's value
    # The `TOKEN_LIMITS` written in a chat request, sorted; () when none is, when the client
    # library picks the name itself (LiteLLM, LangChain), or on an endpoint with one name.
    limits: tuple[str, ...]
    # The `SAMPLING` parameters a chat, responses or messages request sends with a literal
    # number or bool, as (name, JSON text), sorted; () where the client library builds the
    # request (LiteLLM, LangChain) or the dict is not a payload.
    sampling: tuple[tuple[str, str], ...] = ()


# Sampling parameters reasoning models refuse (or take one at a time): `fix --verify` sends
# them as the rewritten request does, so the smoke call is refused when the request would be.
SAMPLING = ("frequency_penalty", "logprobs", "presence_penalty", "temperature",
            "top_logprobs", "top_p")


def token_limits(source: str | bytes) -> list[LimitSite]:
    """Every call `_CALLS` knows and every payload dict whose model is a string literal, with
    the token-limit names it sends (`fix --verify` smokes the replacement with those names).
    [] for a module that does not parse."""
    tree = syntax_tree(source)
    if tree is None:
        return []
    sites: list[LimitSite] = []
    for request in _requests(tree):
        chat = request.endpoints is not None and "chat" in request.endpoints \
            and not request.client_renames
        names = {param.name for param in request.params}
        limits = tuple(sorted(names & set(TOKEN_LIMITS))) if chat else ()
        sampling = tuple(sorted(
            (param.name, value) for param in request.params
            if param.name in SAMPLING and (value := _number(param.value)) is not None
        )) if (request.endpoints is not None and not request.client_renames
               and {"chat", "messages"} & set(request.endpoints)) else ()
        sites.append(LimitSite(request.model.lineno, str(request.model.value), limits, sampling))
    return sites


def _number(value: ast.expr | None) -> str | None:
    """A literal number or bool as JSON writes it (`0.2`, `-1`, `true`); None for any other."""
    negative = isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub)
    if isinstance(value, ast.UnaryOp) and negative:
        value = value.operand
    if not isinstance(value, ast.Constant) or isinstance(value.value, str):
        return None
    if isinstance(value.value, bool):
        return None if negative else json.dumps(value.value)
    if isinstance(value.value, (int, float)) and math.isfinite(value.value):
        return json.dumps(-value.value if negative else value.value)
    return None


def _call_names(func: ast.expr) -> tuple[str, ...]:
    """The trailing names of a called expression that `_CALLS` knows: `client.chat.completions
    .create` → ("chat", "completions", "create"); `litellm.completion` → ("completion",)."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    parts.reverse()
    for size in (3, 2, 1):
        if tuple(parts[-size:]) in _CALLS and len(parts) >= size:
            return tuple(parts[-size:])
    return ()


def _model(value: ast.Constant, index: ModelIndex) -> tuple[str, Match] | None:
    if isinstance(value.value, str):
        match = index.lookup(value.value)
        if match is not None and not match.fine_tune:
            return value.value, match
    return None


def _column(lines: list[str], line: int, byte_offset: int) -> int:
    """The 1-based character column of an `ast` UTF-8 byte offset."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
# Python (and JSON read as Python): requests found with `ast` --------------------------------


@dataclass(frozen=True, slots=True)
class _Param:
    """A parameter a request sends: `node` is what its span covers, a keyword argument (the
    name) or a string key (quotes included)."""

    name: str
    node: ast.keyword | ast.Constant
    value: ast.expr | None


@dataclass(frozen=True, slots=True)
class _Request:
    """A call `_CALLS` knows, or a dict with a "model" key, with every parameter it sends."""

    endpoints: tuple[str, ...] | None  # None: a dict that is not a chat or responses payload
    client_renames: bool
    in_dict: bool
    model: ast.Constant  # the model literal: in the request, or its variable's one assignment
    # The name the request reads the model from, if it does: a variable, or a parameter of the
    # request's function whose default the model is.
    variable: ast.Name | ast.arg | None
    params: tuple[_Param, ...]
    spreads: tuple[ast.keyword, ...]  # `**params` arguments of a call


def _requests(tree: ast.Module, lines: list[int] | None = None,
              scopes: _Scopes | None = None) -> Iterator[_Request]:
    """Every request in a module whose model is a string literal, written in the call or
    dict, or held in a variable `_Scopes` resolves to its one literal assignment; a dict's
    keys include those added later in the same block (`_added_keys`). With `lines`, the
    lines a model keyword or key may be written on (`_MODEL_WRITTEN`): only what spans one is
    looked at (`_visit`)."""
    scopes = _Scopes(tree) if scopes is None else scopes
    for node, chain, following in _visit(tree, lines):
        if isinstance(node, ast.Call):
            kind = _CALLS.get(_call_names(node.func))
            if kind is None:
                continue
            keywords = {kw.arg: kw for kw in node.keywords if kw.arg is not None}
            value = next((keywords[k].value for k in _MODEL_KEYWORDS if k in keywords), None)
            found = scopes.literal(value, chain, node)
            if found is None:
                continue
            yield _Request(kind[0], kind[1], False, found[0], found[1],
                           tuple(_Param(name, kw, kw.value) for name, kw in keywords.items()),
                           tuple(kw for kw in node.keywords if kw.arg is None))
        else:
            params = {key.value: _Param(key.value, key, value)
                      for key, value in zip(node.keys, node.values, strict=True)
                      if isinstance(key, ast.Constant) and isinstance(key.value, str)}
            if following is not None and ("model" in params or following.may_add_model):
                for added in _added_keys(following.name, following.statements):
                    params.setdefault(added.name, added)
            model = params.get("model")
            found = None if model is None else scopes.literal(model.value, chain, node)
            if found is None:
                continue
            endpoints = (("chat", "messages") if "messages" in params
                         else ("responses",) if "input" in params else None)
            yield _Request(endpoints, False, True, found[0], found[1],
                           tuple(params.values()), ())


# Where a request's model can be named: the keyword `model` (`model_name`), which line breaks
# and comments may part from its `=`, or a "model" key; and the other ways of writing them.
# Each pattern starts with fixed text, which `re` looks for fast; a match never takes in the
# next (the keyword's `=` is looked ahead for), so each place is found.
_MODEL_WRITTEN = (
    re.compile(r"model(?=(?:_name)?(?:\s|\\|#[^\r\n]*[\r\n])*[=\"'])"),
    re.compile(r"\\[xuUN0-7\r\n]"),  # an escape or a backslash-newline in the string
    re.compile(r"\"m(?:o|od|ode)?[\"']"),  # the first part of a concatenation ("mo" "del")
    re.compile(r"'m(?:o|od|ode)?[\"']"),
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")  # an identifier NFKC folds to `model`


def _model_offsets(text: str) -> list[int]:
    """Where `_MODEL_WRITTEN` (and `_NON_ASCII`) matches start in `text`, in no order; not
    where `model` ends a longer word or follows a `.` (`self.model = m`, `gpt_model="x"`):
    neither keyword nor key is written there."""
    patterns = _MODEL_WRITTEN if text.isascii() else (*_MODEL_WRITTEN, _NON_ASCII)
    found = [match.start() for match in patterns[0].finditer(text)]
    found = [at for at in found if not at or not _GLUED(text[at - 1])]
    found.extend(match.start() for pattern in patterns[1:] for match in pattern.finditer(text))
    return found


_GLUED = re.compile(r"[\w.]").match


def _line_numbers(offsets: list[int], lines: list[str]) -> list[int]:
    """The numbers of the lines (`_LINES`) holding `offsets`, sorted."""
    ends = list(accumulate(map(len, lines)))
    return sorted({bisect_right(ends, offset) + 1 for offset in offsets})


_SCOPE_NODES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# The fields of a definition that belong to the scope around it.
_OUTER_FIELDS = frozenset(("decorator_list", "returns", "bases", "keywords"))
_Chain = tuple[ast.AST, ...]


@dataclass(frozen=True, slots=True)
class _Following:
    """The statements after `NAME = {...}` in its block, which may add keys to the dict."""

    name: str
    statements: list[ast.stmt]
    may_add_model: bool  # one of them is on a line a "model" key may be written on


def _visit(tree: ast.Module, lines: list[int] | None
           ) -> Iterator[tuple[ast.Call | ast.Dict, _Chain, _Following | None]]:
    """Every call and dict of a module, with its chain of enclosing scopes (module first) and,
    for the value of `NAME = {...}`, the statements after it in its block.

    With `lines`, a node is entered only when it spans one of them (a definition from its
    first decorator), since a request's model keyword or key is inside the request; and so is
    the dict of `NAME = {...}` when a later statement of its block does (a "model" key may be
    added there)."""
    prune, near = lines is not None, lines or []
    following: dict[int, _Following] = {}
    stack: list[tuple[ast.AST, _Chain]] = [(tree, ())]
    while stack:
        node, chain = stack.pop()
        if isinstance(node, (ast.Call, ast.Dict)):
            yield node, chain, following.get(id(node))
        scope = isinstance(node, _SCOPE_NODES)
        inner = (*chain, node) if scope else chain
        for name in node._fields:
            field = getattr(node, name, None)
            # A function's decorators and annotations are its parent's.
            outer = chain if scope and node is not tree and name in _OUTER_FIELDS else inner
            if isinstance(field, list) and field and isinstance(field[0], ast.stmt):
                stack.extend((child, outer) for child in _statements(field, prune, near,
                                                                     following))
                continue
            for child in field if isinstance(field, list) else (field,):
                # Not a name (`global x`), a `**spread` key, nothing, or a context.
                if isinstance(child, ast.AST) and child._fields and (
                        not prune or _spans(child, near)):
                    stack.append((child, outer))


def _statements(block: list[ast.stmt], prune: bool, lines: list[int],
                following: dict[int, _Following]) -> list[ast.AST]:
    """What `_visit` enters of a block, in order; it notes the statements after each
    `NAME = {...}` in `following`."""
    entered: list[ast.AST] = []
    for at, statement in enumerate(block):
        spans = not prune or _spans(statement, lines)
        assigned = _assigned_dict(statement)
        if assigned is not None:
            after = block[at + 1:]
            # From its last line: `p = {...}; p["model"] = m` is one line.
            may_add = not prune or (bool(after) and _holds(
                lines, statement.end_lineno or statement.lineno,
                block[-1].end_lineno or block[-1].lineno))
            following[id(assigned[1])] = _Following(assigned[0], after, may_add)
            if may_add and not spans:
                entered.append(assigned[1])
        if spans:
            entered.append(statement)
    return entered


def _spans(node: ast.AST, lines: list[int]) -> bool:
    """`node` has no position, or spans one of `lines` (a definition from its first decorator)."""
    end: int | None = getattr(node, "end_lineno", None)
    if end is None:
        return True
    decorators: list[ast.expr] | None = getattr(node, "decorator_list", None)
    start: int = decorators[0].lineno if decorators else getattr(node, "lineno", 1)
    return _holds(lines, start, end)


def _holds(lines: list[int], start: int, end: int) -> bool:
    """Some number of `lines` (sorted) is in start..end."""
    at = bisect_left(lines, start)
    return at < len(lines) and lines[at] <= end


def _children(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """The child nodes of `node`, each with the name of its field."""
    for name in node._fields:
        field = getattr(node, name, None)
        if isinstance(field, ast.AST):
            yield name, field
        elif isinstance(field, list):
            for child in field:
                if isinstance(child, ast.AST):
                    yield name, child


class _Scopes:
    """The names each scope of a module binds (a comprehension's go to the scope around it,
    which only makes a name less certain), found for a scope when a request asks.

    A name read in a request holds a literal when the scope it resolves to binds it exactly
    once, by `NAME = "literal"` (before the request, in the request's own scope), and no
    `global`/`nonlocal` statement names it anywhere in the module."""

    def __init__(self, tree: ast.Module) -> None:
        self._tree = tree
        self._bindings: dict[int, dict[str, list[ast.AST]]] = {}  # by the id of a scope
        self._literals: dict[int, ast.Constant] = {}  # id of a Name bound to a literal
        self._declared: set[str] | None = None

    def literal(self, value: ast.expr | None, chain: _Chain, at: ast.expr
                ) -> tuple[ast.Constant, ast.Name | ast.arg | None] | None:
        """The string literal `value` is, or holds (with the name), read at `at`; or, for a
        parameter of the request's own function that nothing else binds, its default."""
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value, None
        if not isinstance(value, ast.Name):
            return None
        # A function skips the class bodies around it; the first scope binding the name decides.
        for depth in range(len(chain) - 1, -1, -1):
            scope = chain[depth]
            if isinstance(scope, ast.ClassDef) and depth != len(chain) - 1:
                continue
            bound = self._bound(scope).get(value.id)
            if bound is None:
                continue
            if depth not in (0, len(chain) - 1) or len(bound) != 1:
                return None  # a closure's variable, or assigned more than once
            if isinstance(bound[0], ast.arg) and depth == len(chain) - 1:
                default = _default(scope, bound[0])
                return None if default is None or value.id in self._declared_names() else (
                    default, bound[0])
            constant = self._literals.get(id(bound[0]))
            if constant is None or not isinstance(bound[0], ast.Name):
                return None
            if depth == len(chain) - 1 and (bound[0].lineno, bound[0].col_offset) > (
                    at.lineno, at.col_offset):
                return None  # assigned after the request, in the request's own scope
            return None if value.id in self._declared_names() else (constant, bound[0])
        return None

    def _bound(self, scope: ast.AST) -> dict[str, list[ast.AST]]:
        """The names `scope` binds → the nodes binding them."""
        names = self._bindings.get(id(scope))
        if names is not None:
            return names
        names = self._bindings[id(scope)] = {}
        # Its own nodes: not those of a scope inside, but that scope's name, decorators and
        # annotations; nor its own decorators and annotations (the scope around it has them).
        stack = [child for field, child in _children(scope)
                 if scope is self._tree or field not in _OUTER_FIELDS]
        while stack:
            node = stack.pop()
            nested = isinstance(node, _SCOPE_NODES)
            stack.extend(child for field, child in _children(node)
                         if not nested or field in _OUTER_FIELDS)
            for name in _names(node):
                names.setdefault(name, []).append(node)
            literal = _literal_assignment(node)
            if literal is not None:
                self._literals[id(literal[0])] = literal[1]
        return names

    def _declared_names(self) -> set[str]:
        """The names a `global` or `nonlocal` statement names, anywhere in the module."""
        if self._declared is None:
            self._declared = set()
            stack: list[ast.AST] = [self._tree]
            while stack:  # statements are only ever inside statements, handlers and cases
                node = stack.pop()
                if isinstance(node, (ast.Global, ast.Nonlocal)):
                    self._declared.update(node.names)
                stack.extend(child for _, child in _children(node) if isinstance(
                    child, (ast.stmt, ast.excepthandler, ast.match_case)))
        return self._declared


class _NeedsModule(Exception):
    """Code read apart from its module cannot settle a request: its model is read from a
    variable, or a dict bound to a name may gain keys in later statements."""


class _Apart(_Scopes):
    """The scopes of code read apart from its module: only a literal written in the request
    settles its model there."""

    def __init__(self) -> None:
        super().__init__(ast.Module(body=[], type_ignores=[]))

    def literal(self, value: ast.expr | None, chain: _Chain, at: ast.expr
                ) -> tuple[ast.Constant, ast.Name | ast.arg | None] | None:
        if isinstance(value, ast.Name):
            raise _NeedsModule
        return super().literal(value, chain, at)


def _line_requests(text: str, lines: list[str], numbers: list[int],
                   lexed: Lexed | None = None) -> list[_Request] | None:
    """The requests spanning the lines `numbers`, read from the logical lines holding them
    alone (each with the least code around it that makes it a module, at its own lines and
    columns), as `_requests(syntax_tree(text), numbers)` finds them; None when that takes
    the whole module: a logical line does not parse alone, or a request needs its module
    (`_NeedsModule`). An expression, so a request, is always inside one logical line; most
    modules that send a literal model are parsed a line at a time, not whole."""
    # Not at the top: a run answered from the cache reads `ParameterSite`s, and lexes nothing.
    from modelguard.scan.pylex import Unlexable, lex

    if lexed is None or lexed.text != text:
        try:
            lexed = lex(text)
        except Unlexable:
            return None
    starts = lexed.line_starts
    ends = list(accumulate(map(len, lines)))
    logical = sorted({bisect_right(starts, ends[number - 1] - len(lines[number - 1])) - 1
                      for number in numbers})
    found: list[_Request] = []
    try:
        for at in logical:
            start = starts[at]
            stop = starts[at + 1] if at + 1 < len(starts) else len(text)
            code = text[start:stop]
            if not _MAY_REQUEST.search(code):
                continue
            apart = _apart(code)
            if apart is None:
                return None
            tree, above, columns = apart  # what was put before the line's first line
            if any(_grows(statement, text) for statement in _all_statements(tree)):
                return None
            before = bisect_right(ends, start)  # the lines above it
            shift = before - above  # line n of the tree is line n + shift of the module
            # On the line's first line, the tree's columns count the code put before it, not
            # the indentation taken off (ASCII: bytes are characters).
            moved = len(code) - len(code.lstrip(" \t\f")) - columns
            near = numbers[bisect_right(numbers, before):
                           bisect_right(numbers, bisect_right(ends, stop - 1) + 1)]
            for request in _requests(tree, [number - shift for number in near], _Apart()):
                for node in (request.model, *(param.node for param in request.params),
                             *request.spreads):
                    if node.lineno == above + 1:
                        node.col_offset += moved
                    if node.end_lineno == above + 1 and node.end_col_offset is not None:
                        node.end_col_offset += moved
                    node.lineno += shift
                    node.end_lineno = None if node.end_lineno is None \
                        else node.end_lineno + shift
                found.append(request)
    except _NeedsModule:
        return None
    return found


# What a logical line holding a request (or a key added to one) writes: the last name of a
# call `_CALLS` knows, or `update`; a "model" key (quoted; in parts; or with an escape); or
# a character beyond ASCII (an identifier NFKC folds to one of these).
_MAY_REQUEST = re.compile("|".join((
    *sorted({re.escape(names[-1]) for names in _CALLS} | {"update"}),
    r"[\"']m(?:o|od|ode|odel)?[\"']", r"\\", r"[^\x00-\x7f]")))


def _all_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement of a module, at any depth (none are inside expressions)."""
    blocks = [tree.body]
    while blocks:
        for statement in blocks.pop():
            yield statement
            for name in _BLOCKS:
                inner = getattr(statement, name, None)
                if inner:
                    blocks.append(inner)
            parts: list[ast.ExceptHandler] | list[ast.match_case] = (
                getattr(statement, "handlers", None) or getattr(statement, "cases", None) or [])
            blocks.extend(part.body for part in parts)


_BLOCKS = ("body", "orelse", "finalbody")


def _apart(code: str) -> tuple[ast.Module, int, int] | None:
    """The tree of a logical line read alone, as the scanner reads it (`scan.python
    .as_module`: from its first word, with the least code around it that makes it a module),
    with the number of lines and of columns put before its first line; None when nothing
    does."""
    from modelguard.scan.python import as_module

    for module, at in as_module(code.lstrip(" \t\f")):
        tree = syntax_tree(module)
        if tree is not None:
            breaks = [line for line in _LINES.findall(module[:at]) if line.endswith(("\n", "\r"))]
            return tree, len(breaks), at - sum(map(len, breaks))
    return None


def _grows(statement: ast.stmt, text: str) -> bool:
    """Would `statement`, read apart from its module, miss keys the module adds to a dict
    that may be a request (`_added_keys`)? It binds a dict with no "model" key or a literal
    one to a name that statements `NAME[...]`/`NAME.…` follow, or it adds a "model" key to
    a name a statement `NAME = {...}` (or `NAME: T = ...`) binds."""
    assigned = _assigned_dict(statement)
    if assigned is not None:
        name, shown = assigned
        model = next((value for key, value in reversed(list(zip(shown.keys, shown.values,
                                                                strict=True)))
                      if _is_model_key(key)), None)
        if model is None:  # a statement `NAME["model"] = …` or `NAME.update(…)` may add one
            return _leads_statement(text, name, r"\[[^\]]*[m\\]|\.[\s\\]*update")
        if not _may_hold_literal(model):
            return False  # its own model is no literal: no key added makes it a request
        return _leads_statement(text, name, r"[\[.]")
    added = _added_to(statement)
    return added is not None and _leads_statement(
        text, added, r":|=(?:\s|\\|\(|#[^\r\n]*)*\{")


def _added_to(statement: ast.stmt) -> str | None:
    """NAME, for a statement `_addition` reads a "model" key from: `NAME["model"] = …`,
    `NAME.update(model=…)` or `NAME.update({"model": …})`."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            return target.value.id if _is_model_key(target.slice) and _may_hold_literal(
                statement.value) else None
    call = statement.value if isinstance(statement, ast.Expr) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
            call.func.attr == "update" and isinstance(call.func.value, ast.Name):
        values = [*(kw.value for kw in call.keywords if kw.arg == "model"),
                  *(value for arg in call.args if isinstance(arg, ast.Dict)
                    for key, value in zip(arg.keys, arg.values, strict=True)
                    if _is_model_key(key))]
        return call.func.value.id if any(map(_may_hold_literal, values)) else None
    return None


def _is_model_key(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value == "model"


def _may_hold_literal(value: ast.expr) -> bool:
    """Can `_Scopes.literal` find a model literal in `value`?"""
    return isinstance(value, (ast.Constant, ast.Name))


def _leads_statement(text: str, name: str, then: str) -> bool:
    """May a statement of `text` start with `name` and then `then` (a pattern)? A statement
    starts a line or follows a `;`, a backslash may join its lines anywhere, and a word with
    a character beyond ASCII may be an identifier NFKC folds to `name`."""
    for found in re.finditer(rf"(?<![\w.]){name}[ \t\f)]*(?:\\|{then})", text):
        at = found.start()
        line = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at), text.rfind(";", 0, at))
        if not text[line + 1:at].strip(" \t\f("):
            return True
    return not text.isascii() and re.search(
        rf"(?:^|;)[ \t\f(]*{_FOLDING}[ \t\f)]*(?:\\|{then})", text, re.MULTILINE) is not None


_FOLDING = r"[^\s\[.:=;()\\]*[^\x00-\x7f][^\s\[.:=;()\\]*"


def _names(node: ast.AST) -> Iterator[str]:
    """The names `node` binds in its scope (a definition: in the scope around it)."""
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        yield node.id
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            yield alias.asname or alias.name.split(".")[0]
    elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest


def _default(function: ast.AST, arg: ast.arg) -> ast.Constant | None:
    """The string literal `arg`, a parameter of `function`, defaults to; None if none."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return None
    params = function.args
    positional = [*params.posonlyargs, *params.args]
    pairs = [*zip(positional[len(positional) - len(params.defaults):], params.defaults,
                  strict=True), *zip(params.kwonlyargs, params.kw_defaults, strict=True)]
    default = next((value for param, value in pairs if param is arg), None)
    return default if isinstance(default, ast.Constant) and isinstance(default.value, str) \
        else None


def _assignment(node: ast.AST) -> tuple[ast.Name, ast.expr] | None:
    """NAME and the value of a statement `NAME = value` (or `NAME: T = value`)."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target, value = node.target, node.value
    else:
        return None
    return (target, value) if isinstance(target, ast.Name) else None


def _literal_assignment(node: ast.AST) -> tuple[ast.Name, ast.Constant] | None:
    """NAME and the literal of a statement `NAME = "literal"` (or `NAME: T = "literal"`)."""
    found = _assignment(node)
    if found is not None and isinstance(found[1], ast.Constant) and isinstance(
            found[1].value, str):
        return found[0], found[1]
    return None


def _assigned_dict(statement: ast.stmt) -> tuple[str, ast.Dict] | None:
    """NAME and the dict of a statement `NAME = {...}` (or `NAME: T = {...}`)."""
    found = _assignment(statement)
    return (found[0].id, found[1]) if found is not None and isinstance(found[1], ast.Dict) \
        else None


def _added_keys(name: str, statements: list[ast.stmt]) -> Iterator[_Param]:
    """The keys `statements` add to the dict NAME, up to the first that binds NAME again."""
    additions = [_addition(name, statement) for statement in statements]
    # What follows the last statement adding a key changes nothing: it is not walked.
    last = max((at for at, added in enumerate(additions) if added), default=-1)
    for statement, added in zip(statements[:last + 1], additions, strict=False):
        if added is not None:
            yield from added
        elif _rebinds(statement, name):
            return


def _addition(name: str, statement: ast.stmt) -> list[_Param] | None:
    """The keys a statement `NAME["key"] = …` or `NAME.update(…)` adds; None for another."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                and target.value.id == name and isinstance(target.slice, ast.Constant)
                and isinstance(target.slice.value, str)):
            return [_Param(target.slice.value, target.slice, statement.value)]
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "update" and isinstance(call.func.value, ast.Name)
            and call.func.value.id == name):
        return None
    added = [_Param(kw.arg, kw, kw.value) for kw in call.keywords if kw.arg is not None]
    for arg in call.args:
        if isinstance(arg, ast.Dict):
            added.extend(_Param(key.value, key, value)
                         for key, value in zip(arg.keys, arg.values, strict=True)
                         if isinstance(key, ast.Constant) and isinstance(key.value, str))
    return added


def _rebinds(statement: ast.stmt, name: str) -> bool:
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                node.name == name:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name.split(".")[0]) == name for a in node.names):
            return True
    return False
