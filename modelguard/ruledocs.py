"""Rule documentation: one source for `modelguard rule CODE`, docs/rules.md and SARIF rules.

Regenerate the docs page with `python -m modelguard.ruledocs docs/rules.md`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from modelguard.defaults import WARN_WITHIN_DAYS
from modelguard.findings import RULES, Rule

# Placeholder until the project has a public home; every link in SARIF and the docs uses it.
HOMEPAGE = "https://github.com/modelguard/modelguard"
RULES_PAGE = f"{HOMEPAGE}/blob/main/docs/rules.md"

_DEPRECATIONS = (
    "OpenAI deprecations: https://platform.openai.com/docs/deprecations",
    "Anthropic model deprecations: https://docs.anthropic.com/en/docs/about-claude/model-deprecations",
    "Azure OpenAI model retirements: "
    "https://learn.microsoft.com/azure/ai-services/openai/concepts/model-retirements",
    "Gemini API deprecations: https://ai.google.dev/gemini-api/docs/changelog",
)

_FIX_SAFETY = (
    "The fix is **safe** when the literal is the whole value of a model slot (a `model=` keyword, "
    "an assignment to a name like `MODEL`, a default parameter, a value under a `\"model\"` key): "
    "the program keeps its intent with the replacement. Any other whole-string literal "
    "(comparisons, dict keys, list members, other call arguments) gets an **unsafe** fix, applied "
    "only with `--unsafe-fixes`, because code may depend on the exact old id. A replacement that "
    "serves none of the old model's endpoints (a `/completions` model replaced by a chat model, "
    "text to speech by a realtime model) is a **manual migration**: reported with both "
    "endpoints, never rewritten, since the call itself has to change. The replacement is "
    "the registry's successor; it can differ in price, limits and behaviour, so run your tests "
    "(and `modelguard smoke`) after fixing."
)


@dataclass(frozen=True, slots=True)
class RuleDoc:
    rule: Rule
    level: str  # SARIF default level: error | warning | note
    what: str
    why: str
    example: str
    use_instead: str
    fix_safety: str
    references: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return f"{self.rule.code.lower()}-{self.rule.name}"

    @property
    def url(self) -> str:
        return f"{RULES_PAGE}#{self.anchor}"


DOCS: dict[str, RuleDoc] = {
    "MG001": RuleDoc(
        rule=RULES["MG001"],
        level="error",
        what="Checks for model ids whose shutdown date has passed at the as-of date.",
        why=(
            "The provider no longer serves a retired model: every request naming it fails "
            "(usually with a 404 or `model_not_found`). Code that still sends the id is broken "
            "today, whether or not its tests call the provider."
        ),
        example='client.chat.completions.create(model="gpt-4.5-preview", messages=messages)',
        use_instead='client.chat.completions.create(model="gpt-4.1", messages=messages)',
        fix_safety=_FIX_SAFETY,
        references=_DEPRECATIONS,
    ),
    "MG002": RuleDoc(
        rule=RULES["MG002"],
        level="warning",
        what=(
            "Checks for model ids whose deprecation has been announced, with a shutdown further "
            f"away than the warning window (`--warn-within`, {WARN_WITHIN_DAYS} days by default)."
        ),
        why=(
            "A deprecated model still answers, but it stops on a published date. Moving early "
            "leaves time to evaluate the replacement instead of migrating under pressure on the "
            "day requests start failing."
        ),
        example='MODEL = "gpt-4-32k"',
        use_instead='MODEL = "gpt-4o"',
        fix_safety=_FIX_SAFETY,
        references=_DEPRECATIONS,
    ),
    "MG003": RuleDoc(
        rule=RULES["MG003"],
        level="warning",
        what=(
            "Checks for deprecated model ids whose shutdown falls within the warning window "
            f"(`--warn-within DAYS`, {WARN_WITHIN_DAYS} by default)."
        ),
        why=(
            "The shutdown is close: a release cut today may still be running when the model "
            "stops answering. `--fail-on deprecated` turns these into build failures."
        ),
        example='def ask(prompt: str, model: str = "gpt-4.5-preview") -> str: ...',
        use_instead='def ask(prompt: str, model: str = "gpt-4.1") -> str: ...',
        fix_safety=_FIX_SAFETY,
        references=_DEPRECATIONS,
    ),
    "MG004": RuleDoc(
        rule=RULES["MG004"],
        level="note",
        what=(
            "Checks for deprecated or retired model ids inside longer text: docstrings, comments "
            "and prose."
        ),
        why=(
            "Documentation that names a retired model leads readers to copy it into new code, "
            "and a comment explaining a model choice goes stale when the model does."
        ),
        example='"""Summarise the ticket with text-davinci-003."""',
        use_instead='"""Summarise the ticket with gpt-3.5-turbo-instruct."""',
        fix_safety=(
            "No fix is offered: the id is part of a sentence, and rewriting prose is a human's "
            "call. Silence a deliberate mention with `# modelguard: ignore[MG004]`."
        ),
        references=_DEPRECATIONS,
    ),
    "MG005": RuleDoc(
        rule=RULES["MG005"],
        level="warning",
        what=(
            "Checks the request parameters written beside a literal model id, in the same call "
            "(OpenAI `chat.completions.create` and `responses.create`, Anthropic "
            "`messages.create`, LiteLLM `completion`, LangChain `ChatOpenAI`/`ChatAnthropic`) "
            "or in a dict literal with a `\"model\"` key (in Python, and in a JSON or YAML file's "
            "chat or responses payload), against the registry's "
            "`[[parameters]]` facts for the model, or for its replacement when the model is "
            "deprecated or retired. Reported: a renamed parameter (`max_tokens` on OpenAI's "
            "reasoning models in Chat Completions, which take `max_completion_tokens`), a "
            "refused one (`temperature`, `top_p`, penalties, `logprobs` on the same models), "
            "and a group sent together that the model takes one at a time (`temperature` and "
            "`top_p` on Claude Sonnet 4.5). LangChain and LiteLLM rename `max_tokens` "
            "themselves, so only refused parameters are reported for them."
        ),
        why=(
            "Moving a call to a reasoning model is not a string swap: the request fails with "
            "`unsupported_parameter` on its first call. The id check (MG001-MG003) alone would "
            "rewrite the model and ship a call that cannot succeed."
        ),
        example=(
            'client.chat.completions.create(model="o1-preview", max_tokens=256, '
            "messages=messages)"
        ),
        use_instead=(
            'client.chat.completions.create(model="o3", max_completion_tokens=256, '
            "messages=messages)"
        ),
        fix_safety=(
            "A renamed parameter is a safe fix: the model literal sits in the same call or "
            "dict, so `fix` renames the keyword (or the dict key, quotes kept) in the same edit "
            "that rewrites the id, and verifies that nothing else changed. Removing a refused "
            "keyword argument (or the later one of an exclusive group) changes the request: "
            "an unsafe fix, made only with `--unsafe-fixes`, and verified to leave the same "
            "syntax tree minus that argument; an argument with a comment beside it, and a "
            "payload dict's key, are left to a human; so is every key of a JSON or YAML payload "
            "file (what reads it is not known). `fix --verify` smokes the replacement with the "
            "token-limit name the rewritten request sends (`max_completion_tokens` once "
            "renamed, `max_tokens` when kept), never retried under another, so verification "
            "fails when the rewritten call would; literal sampling parameters it keeps "
            "(`temperature=0.2`) are sent too. A model held in a variable bound once by a "
            "literal (a module constant, or a local of the same function) is checked, and "
            "the finding names the variable and its line; the keyword is renamed only when "
            "that literal's own fix is safe or the model stays, else reported only. A "
            "parameter of the request's own function with a string default (`def ask("
            "model=\"o3\"): create(model=model, max_tokens=5)`) is followed to that default; "
            "since a caller may pass another model, the finding is a note that never fails "
            "the run, and `fix` leaves the keyword alone. Keys "
            "added later in the payload's block (`p[\"max_tokens\"] = 5`, `p.update(...)`) "
            "are checked too. Parameters passed through `**kwargs` are not seen: one note, "
            "never failing the run, says so when the model refuses some."
        ),
        references=(
            "https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_tokens",
            "https://learn.microsoft.com/en-us/azure/foundry/openai/how-to/reasoning",
            "https://platform.claude.com/docs/en/about-claude/models/migrating-to-claude-4",
            "registry/SCHEMA.md, section Parameters",
        ),
    ),
}


def render_rule(code: str, heading: str = "#") -> str:
    """One rule's documentation as Markdown (what `modelguard rule CODE` prints)."""
    doc = DOCS[code.upper()]
    sub = heading + "#"
    lines = [
        f"{heading} {doc.rule.code} {doc.rule.name}",
        "",
        f"{doc.rule.summary}. Default level: {doc.level}.",
        "",
        f"{sub} What it does",
        doc.what,
        "",
        f"{sub} Why is this bad?",
        doc.why,
        "",
        f"{sub} Example",
        "```python",
        doc.example,
        "```",
        "",
        f"{sub} Use instead",
        "```python",
        doc.use_instead,
        "```",
        "",
        f"{sub} Fix safety",
        doc.fix_safety,
        "",
        f"{sub} References",
        *(f"- {reference}" for reference in doc.references),
    ]
    return "\n".join(lines) + "\n"


def render_rules_page() -> str:
    """docs/rules.md: every rule, in code order."""
    header = [
        "# modelguard rules",
        "",
        "<!-- Generated by `python -m modelguard.ruledocs docs/rules.md`; do not edit. -->",
        "",
        "| code | name | summary |",
        "| --- | --- | --- |",
        *(f"| [{d.rule.code}](#{d.anchor}) | {d.rule.name} | {d.rule.summary} |"
          for d in DOCS.values()),
    ]
    sections = [render_rule(code, heading="##") for code in sorted(DOCS)]
    return "\n".join(header) + "\n\n" + "\n".join(sections)


def main(argv: list[str]) -> int:
    from modelguard.files import write_atomic

    if len(argv) != 1:
        print("usage: python -m modelguard.ruledocs PATH", file=sys.stderr)
        return 2
    write_atomic(Path(argv[0]), render_rules_page())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
