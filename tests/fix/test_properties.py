"""Properties of `fix` over generated modules: model ids in random safe contexts, quote styles,
prefixes, letter case, indentation, comments and line endings.

The generator knows where it put every id, so it builds the expected output itself: each
deprecated or retired id swapped for its replacement, every other byte as generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from modelguard.fix.plan import FixedSource
from modelguard.fix.run import fix_source
from modelguard.registry.index import ModelIndex
from modelguard.registry.lifecycle import Status, lifecycle
from modelguard.scan import ScanSettings
from tests.conftest import AFTER, BEFORE, DURING

IDS = [
    "gpt-4.5-preview", "gpt-4.5-preview-2025-02-27", "gpt-4-32k", "text-davinci-003",
    "openai/gpt-4.5-preview", "openrouter/openai/gpt-4-32k", "azure/gpt-4-32k",
    "gpt-4.1", "gpt-4o", "gpt-3.5-turbo-instruct", "openai/gpt-4o",  # active at every date here
]
SAFE_CONTEXTS = [
    "MODEL = {lit}",
    "client.chat.completions.create(model={lit}, messages=[])",
    "def ask(prompt, model={lit}): pass",
    'payload = {{"model": {lit}, "n": 1}}',
    'os.getenv("OPENAI_MODEL", {lit})',
    "self.engine = {lit}",
    "config: str = {lit}",
]
QUOTES = ['"', "'", '"""', "'''"]
PREFIXES = ["", "r", "u", "R", "U", "b", "rb", "Br", "f", "F"]
ENDINGS = ["\n", "\r\n", "\r"]
COMMENT_TEXT = st.text(alphabet="abc xyz-.:é☃", max_size=12)


@dataclass(frozen=True)
class Line:
    head: str  # everything before the id
    written: str  # the id as written
    tail: str  # everything after it, line ending included


@st.composite
def lines(draw: st.DrawFn) -> Line:
    written = draw(st.sampled_from(IDS))
    if draw(st.booleans()):
        written = written.upper()
    prefix, quote = draw(st.sampled_from(PREFIXES)), draw(st.sampled_from(QUOTES))
    before, after = draw(st.sampled_from(SAFE_CONTEXTS)).split("{lit}")
    before, after = before.replace("{{", "{"), after.replace("}}", "}")
    indent = draw(st.sampled_from(["", "if x:\n    ", "if x:\r\n\t", "if x:\r  "]))
    comment = ""
    if draw(st.booleans()):
        mention = draw(st.sampled_from(["", *IDS]))
        comment = draw(st.sampled_from(["  # ", "\t#", "#"])) + draw(COMMENT_TEXT) + mention
    ending = draw(st.sampled_from(ENDINGS))
    return Line(indent + before + prefix + quote, written, quote + after + comment + ending)


@st.composite
def modules(draw: st.DrawFn) -> tuple[list[Line], bool, bool]:
    return (
        draw(st.lists(lines(), min_size=1, max_size=6)),
        draw(st.booleans()),  # drop the final line ending
        draw(st.booleans()),  # UTF-8 BOM
    )


def _render(parts: list[Line], names: list[str], trim: bool, bom: bool) -> bytes:
    text = "".join(p.head + name + p.tail for p, name in zip(parts, names, strict=True))
    if trim:
        text = text.rstrip("\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _expected_name(index: ModelIndex, written: str, as_of: date) -> str:
    match = index.lookup(written)
    assert match is not None
    entry = match.entry
    if lifecycle(entry.announced, entry.shutdown, as_of).status is Status.ACTIVE:
        return written
    if written[len(match.prefix):] not in entry.names:
        return written  # another case than the registry's: never a safe fix
    return index.replacement(match, as_of) or written


def _fixed(index: ModelIndex, source: bytes, as_of: date) -> bytes:
    outcome = fix_source(source, index, ScanSettings(as_of))
    assert isinstance(outcome, FixedSource), outcome
    return outcome.source


@settings(max_examples=100, deadline=None)
@given(module=modules(), as_of=st.sampled_from([BEFORE, DURING, AFTER]))
def test_fix_changes_exactly_the_dead_ids(
    index: ModelIndex, module: tuple[list[Line], bool, bool], as_of: date
) -> None:
    parts, trim, bom = module
    source = _render(parts, [p.written for p in parts], trim, bom)
    compile(source, "generated.py", "exec")
    expected = _render(parts, [_expected_name(index, p.written, as_of) for p in parts], trim, bom)

    fixed = _fixed(index, source, as_of)

    compile(fixed, "fixed.py", "exec")  # the output parses
    assert fixed == expected  # only the literal spans changed; active ids untouched
    assert _fixed(index, fixed, as_of) == fixed  # fix∘fix = fix
