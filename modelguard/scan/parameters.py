"""Rule MG005: request parameters written beside a model literal, in the same call or dict.

The scan records where each parameter some registry fact names (`ModelIndex.parameter_names`)
is written next to a literal model id: the keyword of a call (`client.chat.completions.create(
model="o3", max_tokens=5)`), or a key of a dict literal with a "model" key, in Python or in a
JSON or YAML payload file (`yaml_parameter_hits`; keys of payload files are reported only).
Whether the model (or the replacement `fix` writes) refuses it is decided with the findings, at
the as-of date (`scan.parameter_finding`), since the replacement depends on it.

In Python the model may also be held in a variable: a module constant, or a local of the
request's own function, bound once in its scope by `NAME = "literal"` (`_Scopes`); the finding
names the variable and the line of its assignment. A dict's keys include those added by the
statements after `NAME = {...}` in the same block (`NAME["key"] = …`, `NAME.update(…)`), up to
the first that binds NAME again (`_Additions`). A call that passes `**params` beside a literal
model is a site of its own: the parameters in it are not seen, so when the model refuses some
the finding is a note (`Finding.advisory`), never a failure.

A site travels as a `Hit` (so the result cache keeps it unchanged): the span of the parameter's
name, the model as written, the model's match, and a context string `parameter …` holding the
endpoints of the call, the parameter and its siblings (`ParameterSite.context`).

Left out, by design: positional arguments, a variable bound more than once or by anything but
one string literal (a parameter, a loop, an import, a `global`), a closure's variable, and keys
added in another block (under an `if`) or through another name.
"""

from __future__ import annotations

import ast
import json
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from modelguard.findings import FixSafety
from modelguard.registry.index import Match, ModelIndex
from modelguard.scan.contexts import names_a_model, settle
from modelguard.scan.hits import Hit, Span

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

    @property
    def context(self) -> str:
        """The site as a `Hit` context (what the cache stores)."""
        where = ("spread" if self.spread else "file-key" if self.in_file
                 else "key" if self.in_dict else "keyword")
        via = (f"via:{self.variable}:{self.assigned}:{'certain' if self.certain else 'unsure'}"
               if self.variable else "direct")
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
        return (f" (the model is `{self.variable}`, assigned on line {self.assigned})"
                if self.variable else "")

    @staticmethod
    def parse(context: str) -> ParameterSite | None:
        parts = context.split(" ")
        if len(parts) != 7 or parts[0] != CONTEXT:
            return None
        via = parts[6].split(":")
        variable, assigned, certain = (via[1], int(via[2]), via[3] == "certain") if (
            len(via) == 4 and via[2].isdigit()) else ("", 0, True)
        return ParameterSite(tuple(parts[2].split(",")), parts[3], tuple(parts[4].split(",")),
                             parts[5] == "client-renames", parts[1] in ("key", "file-key"),
                             parts[1] == "file-key", variable, assigned, certain,
                             parts[1] == "spread")


def parameter_hits(text: str, index: ModelIndex, payload_file: bool = False) -> list[Hit]:
    """Every site of a parameter some fact names, beside a literal model id, in a module; with
    `payload_file`, in a JSON file (JSON objects parse as Python dict displays, with the
    positions of their keys; `true`, `false` and `null` as names never evaluated). A call
    with a literal model that passes `**params` is a site too (`ParameterSite.spread`)."""
    names = index.parameter_names
    if not names or not (any(name in text for name in names) or "**" in text):
        return []
    tree = _parsed(text)
    if tree is None:
        return []
    lines = _LINES.findall(text)
    hits: list[Hit] = []
    for request in _requests(tree):
        if request.endpoints is None:
            continue
        model = _model(request.model, index)
        if model is None:
            continue
        variable, assigned, certain = "", 0, True
        if request.variable is not None:
            if payload_file:
                continue  # JSON has no variables: a name there is `true`, `false` or `null`
            variable, assigned = request.variable.id, request.model.lineno
            certain = settle(model[0], model[1], FixSafety.SAFE,
                             names_a_model(variable)) is FixSafety.SAFE
        siblings = tuple(sorted({param.name for param in request.params}))
        for param in request.params:
            span = _name_span(param, lines)
            if param.name in names and span is not None:
                site = ParameterSite(request.endpoints, param.name, siblings,
                                     request.client_renames, request.in_dict, payload_file,
                                     variable, assigned, certain)
                hits.append(Hit(span, model[0], model[1], FixSafety.SAFE, site.context))
        for spread in request.spreads:
            shown = _dotted(spread.value)
            site = ParameterSite(request.endpoints, f"**{shown}", siblings,
                                 request.client_renames, False, False, variable, assigned,
                                 certain, spread=True)
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


# A block-mapping key of YAML: `key: …` or `- key: …` (the key's column counts the dash).
_YAML_KEY = re.compile(r"(?P<indent> *)(?P<dash>- +)?(?P<key>[A-Za-z_][\w-]*) *:(?:[ \t]|$)")


def yaml_parameter_hits(text: str, index: ModelIndex) -> list[Hit]:
    """`parameter_hits` for a YAML file: the keys of a block mapping holding `model: <id>` and
    `messages` (chat) or `input` (responses), read line by line (no flow style, no anchors).
    Keys of a payload file: reported only."""
    names = index.parameter_names
    if not names or not any(name in text for name in names):
        return []
    lines = text.split("\n")
    keys = [(m, _key_column(m)) if (m := _YAML_KEY.match(line)) else None for line in lines]
    hits: list[Hit] = []
    for number, found in enumerate(keys):
        if found is None or found[0]["key"] != "model":
            continue
        value = lines[number][found[0].end():].split(" #", 1)[0].strip().strip("'\"")
        match = index.lookup(value)
        if match is None or match.fine_tune:
            continue
        siblings = _yaml_siblings(lines, keys, number, found[1])
        endpoints = (("chat", "messages") if "messages" in siblings
                     else ("responses",) if "input" in siblings else None)
        if endpoints is None:
            continue
        for key, (line, column) in sorted(siblings.items(), key=lambda kv: kv[1]):
            if key in names:
                site = ParameterSite(endpoints, key, tuple(sorted(siblings)), False, True, True)
                span = Span(line + 1, column + 1, line + 1, column + 1 + len(key))
                hits.append(Hit(span, value, match, FixSafety.SAFE, site.context))
    return hits


def _key_column(match: re.Match[str]) -> int:
    return len(match["indent"]) + len(match["dash"] or "")


def _yaml_siblings(lines: list[str], keys: list[tuple[re.Match[str], int] | None], at: int,
                   column: int) -> dict[str, tuple[int, int]]:
    """The keys of the block mapping holding the key on line `at` (0-based): name → (line,
    column), both 0-based. The mapping runs while lines are blank, comments or indented at
    least as far; a `- ` item at its column starts it, and another ends it."""
    def indent(number: int) -> int | None:
        stripped = lines[number].lstrip(" ")
        if not stripped or stripped.startswith("#"):
            return None
        found = keys[number]
        return found[1] if found is not None and found[0]["dash"] else (
            len(lines[number]) - len(stripped))

    def item(number: int) -> bool:  # a `- key:` line starting a mapping at `column`
        found = keys[number]
        return found is not None and bool(found[0]["dash"]) and found[1] == column

    start = at
    while start > 0 and not item(start):
        before = indent(start - 1)
        if before is not None and (before < column or (before == column
                                                       and keys[start - 1] is None)):
            break
        start -= 1
    siblings: dict[str, tuple[int, int]] = {}
    for number in range(start, len(lines)):
        here = indent(number)
        if here is None:
            continue
        if number > start and (here < column or item(number)):
            break
        found = keys[number]
        if found is not None and found[1] == column:
            siblings.setdefault(found[0]["key"], (number, column))
    return siblings


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
    tree = _parsed(source)
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


def _parsed(source: str | bytes) -> ast.Module | None:
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" is the user's, not ours
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
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
    variable: ast.Name | None  # the name the request reads the model from, if it does
    params: tuple[_Param, ...]
    spreads: tuple[ast.keyword, ...]  # `**params` arguments of a call


def _requests(tree: ast.AST) -> Iterator[_Request]:
    """Every request in a module whose model is a string literal, written in the call or
    dict, or held in a variable `_Scopes` resolves to its one literal assignment; a dict's
    keys include those added later in the same block (`_Additions`)."""
    scopes = _Scopes(tree)
    additions = _Additions(scopes.blocks)
    for node, chain in scopes.nodes:
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
        elif isinstance(node, ast.Dict):
            params = {key.value: _Param(key.value, key, value)
                      for key, value in zip(node.keys, node.values, strict=True)
                      if isinstance(key, ast.Constant) and isinstance(key.value, str)}
            for added in additions.of(node):
                params.setdefault(added.name, added)
            model = params.get("model")
            found = None if model is None else scopes.literal(model.value, chain, node)
            if found is None:
                continue
            endpoints = (("chat", "messages") if "messages" in params
                         else ("responses",) if "input" in params else None)
            yield _Request(endpoints, False, True, found[0], found[1],
                           tuple(params.values()), ())


_SCOPE_NODES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_Chain = tuple[ast.AST, ...]


class _Scopes:
    """One walk of a module: every node with its chain of enclosing scopes (module first), the
    names each scope binds (a comprehension's go to the scope around it, which only makes a
    name less certain), and the blocks of statements.

    A name read in a request holds a literal when the scope it resolves to binds it exactly
    once, by `NAME = "literal"` (before the request, in the request's own scope), and no
    `global`/`nonlocal` statement names it anywhere in the module."""

    def __init__(self, tree: ast.AST) -> None:
        self.nodes: list[tuple[ast.AST, _Chain]] = []
        self.blocks: list[list[ast.stmt]] = []
        self.bindings: dict[tuple[int, str], list[ast.AST]] = {}
        self.declared: set[str] = set()
        self.literals: dict[int, ast.Constant] = {}  # id of a Name bound to a literal
        stack: list[tuple[ast.AST, _Chain]] = [(tree, ())]
        while stack:
            node, chain = stack.pop()
            inner = (*chain, node) if isinstance(node, _SCOPE_NODES) else chain
            self.nodes.append((node, inner))
            self._bind(node, chain, inner)
            for name, field in ast.iter_fields(node):
                if isinstance(field, list) and field and isinstance(field[0], ast.stmt):
                    self.blocks.append(field)
                # A function's decorators, defaults and annotations are its parent's.
                outer = (chain if isinstance(node, _SCOPE_NODES) and node is not tree
                         and name in ("decorator_list", "returns", "bases", "keywords")
                         else inner)
                for child in field if isinstance(field, list) else (field,):
                    if isinstance(child, ast.AST):
                        stack.append((child, outer))

    def _bind(self, node: ast.AST, chain: _Chain, inner: _Chain) -> None:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            self._add(inner, node.id, node)
        elif isinstance(node, ast.arg):
            self._add(inner, node.arg, node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._add(chain, node.name, node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                self._add(inner, alias.asname or alias.name.split(".")[0], node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self.declared.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            self._add(inner, node.name, node)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self._add(inner, node.rest, node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if (len(targets) == 1 and isinstance(targets[0], ast.Name)
                    and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                self.literals[id(targets[0])] = value

    def _add(self, chain: _Chain, name: str, node: ast.AST) -> None:
        if chain:
            self.bindings.setdefault((id(chain[-1]), name), []).append(node)

    def literal(self, value: ast.expr | None, chain: _Chain, at: ast.expr
                ) -> tuple[ast.Constant, ast.Name | None] | None:
        """The string literal `value` is, or holds (with the name), read at `at`."""
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value, None
        if not isinstance(value, ast.Name) or value.id in self.declared:
            return None
        # A function skips the class bodies around it; the first scope binding the name decides.
        for depth in range(len(chain) - 1, -1, -1):
            scope = chain[depth]
            if isinstance(scope, ast.ClassDef) and depth != len(chain) - 1:
                continue
            bound = self.bindings.get((id(scope), value.id))
            if bound is None:
                continue
            if depth not in (0, len(chain) - 1) or len(bound) != 1:
                return None  # a closure's variable, or assigned more than once
            constant = self.literals.get(id(bound[0]))
            if constant is None or not isinstance(bound[0], ast.Name):
                return None
            if depth == len(chain) - 1 and (bound[0].lineno, bound[0].col_offset) > (
                    at.lineno, at.col_offset):
                return None  # assigned after the request, in the request's own scope
            return constant, bound[0]
        return None


class _Additions:
    """Keys added to a dict after `NAME = {...}`, in the statements after it in the same
    block: `NAME["key"] = …` and `NAME.update(key=…)` / `NAME.update({"key": …})`, up to the
    first statement that binds the name again."""

    def __init__(self, blocks: list[list[ast.stmt]]) -> None:
        self._added: dict[int, list[_Param]] = {}
        for block in blocks:
            for at, statement in enumerate(block):
                target = _assigned_dict(statement)
                if target is not None:
                    self._added[id(statement.value)] = list(  # type: ignore[attr-defined]
                        _added_keys(target, block[at + 1:]))

    def of(self, node: ast.Dict) -> list[_Param]:
        return self._added.get(id(node), [])


def _assigned_dict(statement: ast.stmt) -> str | None:
    """NAME of a statement `NAME = {...}` (or `NAME: T = {...}`)."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target: ast.expr = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) and isinstance(
        statement.value, ast.Dict) else None


def _added_keys(name: str, statements: list[ast.stmt]) -> Iterator[_Param]:
    for statement in statements:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                    and target.value.id == name and isinstance(target.slice, ast.Constant)
                    and isinstance(target.slice.value, str)):
                yield _Param(target.slice.value, target.slice, statement.value)
                continue
        call = statement.value if isinstance(statement, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr == "update" and isinstance(call.func.value, ast.Name)
                and call.func.value.id == name):
            for kw in call.keywords:
                if kw.arg is not None:
                    yield _Param(kw.arg, kw, kw.value)
            for arg in call.args:
                if isinstance(arg, ast.Dict):
                    for key, value in zip(arg.keys, arg.values, strict=True):
                        if isinstance(key, ast.Constant) and isinstance(key.value, str):
                            yield _Param(key.value, key, value)
            continue
        if _rebinds(statement, name):
            return


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
