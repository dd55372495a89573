"""Where a string literal sits decides how safely it can be rewritten.

Each context names itself, says its fix class, and carries examples; the tests run every
example through the scanner (the examples are the specification). In every example the literal
``"gpt-4.5-preview"`` is the one being classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelguard.findings import FixSafety
from modelguard.registry.index import Match

# "model", "model_name", "chat_model", "MODEL_ID", "modelName", "engine", "deployment_name",
# "llm" …
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_MODEL_WORDS = frozenset({"model", "engine", "deployment", "llm"})


def words(name: str) -> list[str]:
    """The words of an identifier: `setModelName` → set, Model, Name."""
    return _WORDS.findall(name)


def names_a_model(name: str) -> bool:
    """Does this identifier or key name a model slot?"""
    return any(word.lower() in _MODEL_WORDS for word in words(name))


def distinctive(name: str) -> bool:
    """Can this id hardly be anything but a model id? A digit, a dot or a hyphen says so
    (`gpt-4`, `o1`, `deepseek-chat`); a plain word (`ada`, `command`, `whisper`) is also a
    person, a dict key, an argparse destination."""
    return any(char.isdigit() or char in ".-" for char in name)


def registered(written: str, match: Match) -> bool:
    """Is the id written as the registry writes it (around any prefix, qualifier, suffix, and
    with a provider's own date separator read back)?"""
    return match.as_listed(match.written_id(written)) in match.entry.names


def settle(written: str, match: Match, fix: FixSafety, model_slot: bool) -> FixSafety | None:
    """How an id found in a place may be fixed; None when the place gives no finding at all.

    The registry name as written is what the API takes. A spelling in another case is never a
    safe rewrite (`"GPT-4"` is a chart label as often as a model). Names of a single atom
    (`o1`, `ada`) must be written case-exactly (`"O1"` is an order id, `"Ada"` a person), and
    plain words count only in a model slot or behind a provider prefix (`cohere/command`)."""
    bare = match.written_id(written)
    exact = registered(written, match)
    if not exact and (bare.isalnum() or not distinctive(bare)):
        return None
    if not distinctive(bare) and not model_slot and not match.prefix:
        return None
    return FixSafety.UNSAFE if fix is FixSafety.SAFE and not exact else fix


@dataclass(frozen=True, slots=True)
class Context:
    name: str
    fix: FixSafety
    examples: tuple[str, ...]
    # The place itself says its literal is a model id (a model-named keyword, key, variable or
    # parameter, a table of model ids): plain-word ids (`davinci`) count only in such places.
    model_slot: bool = False


MODEL_KEYWORD = Context(
    "model keyword argument",
    FixSafety.SAFE,
    (
        'client.chat.completions.create(model="gpt-4.5-preview", messages=[])',
        "ChatOpenAI(model_name='gpt-4.5-preview')",
        'openai.Completion.create(engine="gpt-4.5-preview")',
        'AzureOpenAI(azure_deployment="gpt-4.5-preview")',
    ),
    model_slot=True,
)
MODEL_ASSIGNMENT = Context(
    "assignment",
    FixSafety.SAFE,
    (
        'MODEL = "gpt-4.5-preview"',
        'self.model = "gpt-4.5-preview"',
        'settings["model"] = "gpt-4.5-preview"',
        'FALLBACK_MODEL_ID: str = "gpt-4.5-preview"',
        'llm = "gpt-4.5-preview"',
    ),
    model_slot=True,
)
# Safe as well: an id with a digit, a dot or a hyphen is a model wherever it is assigned; a
# plain-word id (`name = "Ada"`) is no finding here.
ASSIGNMENT = Context(
    "assignment",
    FixSafety.SAFE,
    ('default: str = "gpt-4.5-preview"', 'DEFAULT = "gpt-4.5-preview"'),
)
MODEL_PARAMETER = Context(
    "default parameter",
    FixSafety.SAFE,
    (
        'def ask(prompt, model="gpt-4.5-preview"): ...',
        'f = lambda model="gpt-4.5-preview": model',
        'def ask(engine: str = "gpt-4.5-preview") -> None: ...',
    ),
    model_slot=True,
)
DEFAULT_PARAMETER = Context(
    "default parameter",
    FixSafety.SAFE,
    ("def ask(*, name: str = 'gpt-4.5-preview') -> None: ...",),
)
MODEL_VALUE = Context(
    "value under a model key",
    FixSafety.SAFE,
    (
        'payload = {"model": "gpt-4.5-preview", "input": "hi"}',
        "call({'model_name': 'gpt-4.5-preview'})",
        'row = {"model": "gpt-4.5-preview" if old else "gpt-4o"}',
    ),
    model_slot=True,
)
MODEL_DEFAULT = Context(
    "default for a model setting",
    FixSafety.SAFE,
    (
        'os.getenv("OPENAI_MODEL", "gpt-4.5-preview")',
        'os.environ.get("MODEL", "gpt-4.5-preview")',
        'config.get("model", "gpt-4.5-preview")',
    ),
    model_slot=True,
)
KEYWORD_ARGUMENT = Context(
    "keyword argument", FixSafety.UNSAFE, ('log(label="gpt-4.5-preview")',)
)
CALL_ARGUMENT = Context(
    "call argument",
    FixSafety.UNSAFE,
    ('name.startswith("gpt-4.5-preview")', 'pick("gpt-4.5-preview")'),
)
MODEL_COMPARISON = Context(
    "comparison",
    FixSafety.UNSAFE,
    ('if model == "gpt-4.5-preview": pass', 'ok = self.engine != "gpt-4.5-preview"'),
    model_slot=True,
)
# `"ada" in meta["model"]` tests a substring: only equality with a model-named side is a slot.
COMPARISON = Context(
    "comparison",
    FixSafety.UNSAFE,
    ('ok = "gpt-4.5-preview" in allowed', 'if kind == "gpt-4.5-preview": pass'),
)
# A table keyed by model ids (context sizes, prices): a key counts as a model slot when another
# key of the same dict literal is a known id too; `{"command": "ls"}` is not such a table.
MODEL_TABLE_KEY = Context(
    "dict key",
    FixSafety.UNSAFE,
    ('LIMITS = {"gpt-4o": 128000, "gpt-4.5-preview": 128000}',),
    model_slot=True,
)
DICT_KEY = Context(
    "dict key", FixSafety.UNSAFE, ('PRICES = {"gpt-4.5-preview": 75.0}',)
)
DICT_VALUE = Context(
    "dict value", FixSafety.UNSAFE, ('ALIASES = {"big": "gpt-4.5-preview"}',)
)
# Likewise a list, tuple or set holding another known id is a list of models.
MODEL_LIST = Context(
    "container member",
    FixSafety.UNSAFE,
    ('MODELS = ["gpt-4o", "gpt-4.5-preview"]', 'LEGACY = {"gpt-4.5-preview", "gpt-4o"}'),
    model_slot=True,
)
CONTAINER = Context(
    "container member",
    FixSafety.UNSAFE,
    ('pair = ("gpt-4.5-preview", 1)', 'authors = ["gpt-4.5-preview"]'),
)
SUBSCRIPT = Context(
    "subscript", FixSafety.UNSAFE, ('price = PRICES["gpt-4.5-preview"]',)
)
CONCATENATION = Context(
    "implicit concatenation", FixSafety.UNSAFE, ('x = ("gpt-4.5-preview" "")',)
)
EXPRESSION = Context(
    "expression",
    FixSafety.UNSAFE,
    ('def f():\n    return "gpt-4.5-preview"', 'x = a or "gpt-4.5-preview"'),
)
# Not a place in a syntax tree: a module (or notebook cell) that does not parse has none. Its
# literals are found by the lexer alone, and a whole-id literal there is rewritten only on
# request and only where the lexer confirms the edit (see `scan.python.unparsed_hits`). Not in
# CONTEXTS: these examples are reported with a parse error, and tested apart.
UNPARSED = Context(
    "unparsed",
    FixSafety.UNSAFE,
    (
        'print "gpt-4.5-preview"',
        'def {{ cookiecutter.entry }}(prompt, model="gpt-4.5-preview"): ...',
        'client.create(\n    model="gpt-4.5-preview",\n',
    ),
)

CONTEXTS: tuple[Context, ...] = (
    MODEL_KEYWORD,
    MODEL_ASSIGNMENT,
    ASSIGNMENT,
    MODEL_PARAMETER,
    DEFAULT_PARAMETER,
    MODEL_VALUE,
    MODEL_DEFAULT,
    KEYWORD_ARGUMENT,
    CALL_ARGUMENT,
    MODEL_COMPARISON,
    COMPARISON,
    MODEL_TABLE_KEY,
    DICT_KEY,
    DICT_VALUE,
    MODEL_LIST,
    CONTAINER,
    SUBSCRIPT,
    CONCATENATION,
    EXPRESSION,
)
