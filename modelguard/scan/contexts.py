"""Where a string literal sits decides how safely it can be rewritten.

Each context names itself, says its fix class, and carries examples; the tests run every
example through the scanner (the examples are the specification). In every example the literal
``"gpt-4.5-preview"`` is the one being classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelguard.findings import FixSafety

# "model", "model_name", "chat_model", "MODEL_ID", "modelName", "engine", "deployment_name" …
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_MODEL_WORDS = frozenset({"model", "engine", "deployment"})


def names_a_model(name: str) -> bool:
    """Does this identifier or key name a model slot?"""
    return any(word.lower() in _MODEL_WORDS for word in _WORDS.findall(name))


@dataclass(frozen=True, slots=True)
class Context:
    name: str
    fix: FixSafety
    examples: tuple[str, ...]


MODEL_KEYWORD = Context(
    "model keyword argument",
    FixSafety.SAFE,
    (
        'client.chat.completions.create(model="gpt-4.5-preview", messages=[])',
        "ChatOpenAI(model_name='gpt-4.5-preview')",
        'openai.Completion.create(engine="gpt-4.5-preview")',
        'AzureOpenAI(azure_deployment="gpt-4.5-preview")',
    ),
)
ASSIGNMENT = Context(
    "assignment",
    FixSafety.SAFE,
    (
        'MODEL = "gpt-4.5-preview"',
        'self.model = "gpt-4.5-preview"',
        'default: str = "gpt-4.5-preview"',
        'settings["model"] = "gpt-4.5-preview"',
    ),
)
DEFAULT_PARAMETER = Context(
    "default parameter",
    FixSafety.SAFE,
    (
        'def ask(prompt, model="gpt-4.5-preview"): ...',
        "def ask(*, name: str = 'gpt-4.5-preview') -> None: ...",
        'f = lambda model="gpt-4.5-preview": model',
    ),
)
MODEL_VALUE = Context(
    "value under a model key",
    FixSafety.SAFE,
    (
        'payload = {"model": "gpt-4.5-preview", "input": "hi"}',
        "call({'model_name': 'gpt-4.5-preview'})",
    ),
)
MODEL_DEFAULT = Context(
    "default for a model setting",
    FixSafety.SAFE,
    (
        'os.getenv("OPENAI_MODEL", "gpt-4.5-preview")',
        'os.environ.get("MODEL", "gpt-4.5-preview")',
        'config.get("model", "gpt-4.5-preview")',
    ),
)
KEYWORD_ARGUMENT = Context(
    "keyword argument", FixSafety.UNSAFE, ('log(label="gpt-4.5-preview")',)
)
CALL_ARGUMENT = Context(
    "call argument",
    FixSafety.UNSAFE,
    ('name.startswith("gpt-4.5-preview")', 'pick("gpt-4.5-preview")'),
)
COMPARISON = Context(
    "comparison",
    FixSafety.UNSAFE,
    ('if model == "gpt-4.5-preview": pass', 'ok = "gpt-4.5-preview" in allowed'),
)
DICT_KEY = Context(
    "dict key", FixSafety.UNSAFE, ('PRICES = {"gpt-4.5-preview": 75.0}',)
)
DICT_VALUE = Context(
    "dict value", FixSafety.UNSAFE, ('ALIASES = {"big": "gpt-4.5-preview"}',)
)
CONTAINER = Context(
    "container member",
    FixSafety.UNSAFE,
    ('MODELS = ["gpt-4o", "gpt-4.5-preview"]', 'pair = ("gpt-4.5-preview", 1)'),
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
    ASSIGNMENT,
    DEFAULT_PARAMETER,
    MODEL_VALUE,
    MODEL_DEFAULT,
    KEYWORD_ARGUMENT,
    CALL_ARGUMENT,
    COMPARISON,
    DICT_KEY,
    DICT_VALUE,
    CONTAINER,
    SUBSCRIPT,
    CONCATENATION,
    EXPRESSION,
)
