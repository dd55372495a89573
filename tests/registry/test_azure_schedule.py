"""Microsoft's retirement schedule as of 2026-09-02
(https://learn.microsoft.com/en-us/azure/foundry/openai/concepts/model-retirement-schedule,
azure-ai-docs-pr commit c0b1c98): rows of its Azure OpenAI and Foundry tables, read back through the
id grammar at a given day. Each row names the page's model, version, lifecycle and retirement date."""

from __future__ import annotations

import datetime as dt

import pytest

from modelguard.registry.index import ModelIndex, build_index
from modelguard.registry.lifecycle import lifecycle
from modelguard.registry.load import bundled_registry_dir, load_registry

D = dt.date


@pytest.fixture(scope="module")
def bundled() -> ModelIndex:
    return build_index(load_registry(bundled_registry_dir()))


@pytest.mark.parametrize(
    ("written", "as_of", "expected"),
    [
        # gpt-5.4 2026-03-05, GA, 2027-09-02: a scheduled retirement, not a deprecation, until the
        # warning window (the older table's "no new customers" 2026-09-05 is not taken).
        pytest.param("azure/gpt-5.4", D(2026, 12, 6), ("azure-openai", "active", D(2027, 9, 2), None),
                     id="ga-row-is-a-scheduled-retirement"),
        pytest.param("azure/gpt-5.4-2026-03-05", D(2027, 6, 5),
                     ("azure-openai", "deprecated", D(2027, 9, 2), None), id="ga-row-in-warning-window"),
        # gpt-4o 2024-08-06, Deprecated, 2027-04-14 -> gpt-5.1 (the 2026-07-07 version: 2026-10-01).
        pytest.param("azure/gpt-4o-2024-08-06", D(2026, 12, 6),
                     ("azure-openai", "deprecated", D(2027, 4, 14), "azure/gpt-5.1"), id="gpt-4o-moved"),
        # gpt-4o 2024-05-13, Deprecated, 2026-10-01; the bare name takes its earliest listed version.
        pytest.param("azure/gpt-4o", D(2026, 10, 1),
                     ("azure-openai", "retired", D(2026, 10, 1), "azure/gpt-5.1"), id="bare-name-earliest"),
        # gpt-4.1 2025-04-14, Legacy, 2027-04-14, no replacement on the page (older table: gpt-5).
        pytest.param("azure/gpt-4.1", D(2026, 12, 6),
                     ("azure-openai", "deprecated", D(2027, 4, 14), "azure/gpt-5"), id="legacy-row"),
        # gpt-realtime-2 2026-05-06, Preview, 2026-08-31.
        pytest.param("azure/gpt-realtime-2", D(2026, 9, 1), ("azure-openai", "retired", D(2026, 8, 31), None),
                     id="gpt-realtime-2-retired"),
        # o1 2024-12-17, Deprecated, 2026-10-21 -> gpt-5.6-sol; o1-pro, GA, same day and replacement.
        pytest.param("azure/o1", D(2026, 10, 20),
                     ("azure-openai", "deprecated", D(2026, 10, 21), "azure/gpt-5.6-sol"), id="o1"),
        pytest.param("azure/o1-pro-2025-03-19", D(2026, 10, 21),
                     ("azure-openai", "retired", D(2026, 10, 21), "azure/gpt-5.6-sol"),
                     id="o1-pro-dated-spelling"),
        # gpt-realtime-mini is listed twice per version: 2025-10-06 on 2027-04-06 and 2026-09-21,
        # 2025-12-15 on 2027-06-15 and 2026-12-15. The earlier day is kept.
        pytest.param("azure/gpt-realtime-mini-2025-10-06", D(2026, 9, 21),
                     ("azure-openai", "retired", D(2026, 9, 21), None), id="listed-twice-earlier-day"),
        pytest.param("azure/gpt-realtime-mini-2025-12-15", D(2026, 12, 6),
                     ("azure-openai", "deprecated", D(2026, 12, 15), None), id="listed-twice-second-version"),
        # gpt-chat-latest 2026-08-06, Preview, 2026-12-02.
        pytest.param("azure/gpt-chat-latest-2026-08-06", D(2026, 12, 2),
                     ("azure-openai", "retired", D(2026, 12, 2), None), id="gpt-chat-latest-version"),
        # text-embedding-3-small 1, GA, 2028-02-09 (the older table: not before 2027-04-15).
        pytest.param("azure/text-embedding-3-small", D(2027, 6, 1),
                     ("azure-openai", "active", D(2028, 2, 9), None), id="embedding-dated"),
        # gpt-5.6-terra 2026-07-09, GA, 2028-01-11.
        pytest.param("azure/gpt-5.6-terra-2026-07-09", D(2026, 12, 6),
                     ("azure-openai", "active", D(2028, 1, 11), None), id="gpt-5.6-on-azure"),
        # Foundry partners: FW-GLM-5 (Fireworks), GA, 2027-07-01 (the 2026-07-07 version: 2026-07-01).
        pytest.param("azure_ai/FW-GLM-5", D(2026, 12, 6), ("azure-ai", "active", D(2027, 7, 1), None),
                     id="fireworks-on-foundry"),
        # DeepSeek-V4-Flash, GA, 2028-02-20 -> DeepSeek-V4-Flash-0731 (Preview, 2026-12-03).
        pytest.param("azure_ai/deepseek-v4-flash", D(2026, 12, 1),
                     ("azure-ai", "active", D(2028, 2, 20), "azure_ai/DeepSeek-V4-Flash-0731"),
                     id="deepseek-v4-flash"),
        # Kimi-K2.7-Code 2026-06-12, Preview, 2026-10-03 (LiteLLM: 2027-04-16).
        pytest.param("azure_ai/kimi-k2.7-code", D(2026, 10, 3), ("azure-ai", "retired", D(2026, 10, 3), None),
                     id="kimi-k2.7-code"),
        # claude-opus-4-1 on Foundry, Retired, 2026-08-05 -> claude-opus-5.
        pytest.param("azure_ai/claude-opus-4-1", D(2026, 12, 6),
                     ("azure-ai", "retired", D(2026, 8, 5), "azure_ai/claude-opus-5"), id="claude-on-foundry"),
        # MAI-Transcribe-1 2026-01-23, Preview, 2026-09-15 -> MAI-Transcribe-1.5.
        pytest.param("azure_ai/MAI-Transcribe-1", D(2026, 9, 15),
                     ("azure-ai", "retired", D(2026, 9, 15), "azure_ai/MAI-Transcribe-1.5"), id="mai-transcribe"),
    ],
)
def test_schedule_rows_read_back(bundled: ModelIndex, written: str, as_of: dt.date,
                                 expected: tuple[str, str, dt.date, str | None]) -> None:
    match = bundled.lookup(written)
    assert match is not None
    status = lifecycle(match.entry.announced, match.entry.shutdown, as_of).status.value
    assert (match.entry.provider, status, match.entry.shutdown, bundled.replacement(match, as_of)) == expected


@pytest.mark.parametrize("provider", ["azure-openai", "azure-ai"])
def test_files_name_the_schedule_version_read(provider: str) -> None:
    registry = load_registry(bundled_registry_dir())
    assert next(p for p in registry.providers if p.slug == provider).page_version == D(2026, 9, 2)
