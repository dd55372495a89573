"""Rule MG005: request parameters written beside a model literal, in the same call or dict.

The scan records where each parameter some registry fact names (`ModelIndex.parameter_names`)
is written next to a literal model id: the keyword of a call (`client.chat.completions.create(
model="o3", max_tokens=5)`), or a key of a dict literal with a "model" key, in Python or in a
JSON or YAML payload file (`yaml_parameter_hits`; keys of payload files are reported only).
Whether the model (or the replacement `fix` writes) refuses it is decided with the findings, at
the as-of date (`scan.parameter_finding`), since the replacement depends on it.

A site travels as a `Hit` (so the result cache keeps it unchanged): the span of the parameter's
name, the model as written, the model's match, and a context string `parameter …` holding the
endpoints of the call, the parameter and its siblings (`ParameterSite.context`).

Left out, by design: a model held in a variable, parameters passed through `**kwargs` (their
names are not in the source), positional arguments, and dicts built up over several statements.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace

from modelguard.findings import FixSafety
from modelguard.registry.index import Match, ModelIndex
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
    name: str
    siblings: tuple[str, ...]  # every parameter name of the call or dict, sorted
    client_renames: bool  # the client library sends renamed parameters under their new name
    in_dict: bool = False  # a key of a payload dict, not a keyword argument
    # A key of a payload file (JSON): reported only, since what reads the file is not known.
    in_file: bool = False

    @property
    def context(self) -> str:
        """The site as a `Hit` context (what the cache stores)."""
        where = "file-key" if self.in_file else "key" if self.in_dict else "keyword"
        return " ".join((CONTEXT, where, ",".join(self.endpoints),
                         self.name, ",".join(self.siblings),
                         "client-renames" if self.client_renames else "as-written"))

    @property
    def shown(self) -> str:
        """The context reports show."""
        if self.in_file:
            return "parameter key in a payload file"
        return "parameter payload key" if self.in_dict else "parameter keyword argument"

    @staticmethod
    def parse(context: str) -> ParameterSite | None:
        parts = context.split(" ")
        if len(parts) != 6 or parts[0] != CONTEXT:
            return None
        return ParameterSite(tuple(parts[2].split(",")), parts[3], tuple(parts[4].split(",")),
                             parts[5] == "client-renames", parts[1] in ("key", "file-key"),
                             parts[1] == "file-key")


def parameter_hits(text: str, index: ModelIndex, payload_file: bool = False) -> list[Hit]:
    """Every site of a parameter some fact names, beside a literal model id, in a module; with
    `payload_file`, in a JSON file (JSON objects parse as Python dict displays, with the
    positions of their keys; `true`, `false` and `null` as names never evaluated)."""
    names = index.parameter_names
    if not names or not any(name in text for name in names):
        return []
    try:
        with warnings.catch_warnings():  # "invalid escape sequence" is the user's, not ours
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    lines = _LINES.findall(text)
    hits: list[Hit] = []
    for node in ast.walk(tree):
        for site, model, span in _sites(node, names, index, lines):
            if payload_file:
                site = replace(site, in_file=True)
            hits.append(Hit(span, model[0], model[1], FixSafety.SAFE, site.context))
    return hits


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


def _sites(node: ast.AST, names: frozenset[str], index: ModelIndex, lines: list[str]
           ) -> Iterator[tuple[ParameterSite, tuple[str, Match], Span]]:
    if isinstance(node, ast.Call):
        kind = _CALLS.get(_call_names(node.func))
        if kind is None:
            return
        keywords = {kw.arg: kw for kw in node.keywords if kw.arg is not None}
        model = _model(next((keywords[k].value for k in _MODEL_KEYWORDS if k in keywords), None),
                       index)
        if model is None:
            return
        siblings = tuple(sorted(keywords))
        for name, kw in keywords.items():
            if name in names:
                start = _column(lines, kw.lineno, kw.col_offset)
                span = Span(kw.lineno, start, kw.lineno, start + len(name))
                yield ParameterSite(kind[0], name, siblings, kind[1]), model, span
    elif isinstance(node, ast.Dict):
        keys = {key.value: key for key in node.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)}
        endpoints = (("chat", "messages") if "messages" in keys
                     else ("responses",) if "input" in keys else None)
        if endpoints is None or "model" not in keys:
            return
        value = node.values[node.keys.index(keys["model"])]
        model = _model(value, index)
        if model is None:
            return
        siblings = tuple(sorted(keys))
        for name, key in keys.items():
            if name in names and key.end_lineno == key.lineno and key.end_col_offset is not None:
                start = _column(lines, key.lineno, key.col_offset)
                end = _column(lines, key.lineno, key.end_col_offset)
                yield ParameterSite(endpoints, name, siblings, False, True), model, \
                    Span(key.lineno, start, key.lineno, end)


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


def token_limits(source: str | bytes) -> list[LimitSite]:
    """Every call `_CALLS` knows and every payload dict whose model is a string literal, with
    the token-limit names it sends (`fix --verify` smokes the replacement with those names).
    [] for a module that does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    sites: list[LimitSite] = []
    for node in ast.walk(tree):
        value: ast.expr | None = None
        names: set[str] = set()
        chat = False
        if isinstance(node, ast.Call):
            kind = _CALLS.get(_call_names(node.func))
            if kind is None:
                continue
            keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg is not None}
            value = next((keywords[k] for k in _MODEL_KEYWORDS if k in keywords), None)
            names, chat = set(keywords), "chat" in kind[0] and not kind[1]
        elif isinstance(node, ast.Dict):
            keys = {key.value: number for number, key in enumerate(node.keys)
                    if isinstance(key, ast.Constant) and isinstance(key.value, str)}
            value = node.values[keys["model"]] if "model" in keys else None
            names, chat = set(keys), "messages" in keys
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            limits = tuple(sorted(names & set(TOKEN_LIMITS))) if chat else ()
            sites.append(LimitSite(value.lineno, value.value, limits))
    return sites


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


def _model(value: ast.expr | None, index: ModelIndex) -> tuple[str, Match] | None:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        match = index.lookup(value.value)
        if match is not None and not match.fine_tune:
            return value.value, match
    return None


def _column(lines: list[str], line: int, byte_offset: int) -> int:
    """The 1-based character column of an `ast` UTF-8 byte offset."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
