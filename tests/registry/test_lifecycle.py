import datetime as dt

import pytest

from modelguard.registry.lifecycle import Status, lifecycle

D = dt.date


@pytest.mark.parametrize(
    ("announced", "shutdown", "as_of", "expected"),
    [
        pytest.param(D(2025, 4, 14), D(2025, 7, 14), D(2025, 4, 13), (Status.ACTIVE, 92), id="before-announced"),
        pytest.param(D(2025, 4, 14), D(2025, 7, 14), D(2025, 4, 14), (Status.DEPRECATED, 91), id="on-announced"),
        pytest.param(D(2025, 4, 14), D(2025, 7, 14), D(2025, 5, 1), (Status.DEPRECATED, 74), id="deprecated"),
        pytest.param(D(2025, 4, 14), D(2025, 7, 14), D(2025, 7, 13), (Status.DEPRECATED, 1), id="last-day"),
        pytest.param(D(2025, 4, 14), D(2025, 7, 14), D(2025, 7, 14), (Status.RETIRED, 0), id="shutdown-day"),
        pytest.param(D(2025, 4, 14), D(2025, 7, 14), D(2025, 8, 1), (Status.RETIRED, -18), id="after"),
        pytest.param(None, None, D(2025, 8, 1), (Status.ACTIVE, None), id="no-dates"),
        pytest.param(D(2025, 9, 15), None, D(2025, 9, 15), (Status.DEPRECATED, None), id="no-shutdown-date"),
        # Retirement dates published at launch (Azure) count only within the warning window.
        pytest.param(None, D(2026, 1, 1), D(2025, 10, 2), (Status.ACTIVE, 91), id="shutdown-only-far"),
        pytest.param(None, D(2026, 1, 1), D(2025, 10, 3), (Status.DEPRECATED, 90), id="shutdown-only-near"),
        pytest.param(None, D(2026, 1, 1), D(2026, 1, 1), (Status.RETIRED, 0), id="shutdown-only-past"),
    ],
)
def test_lifecycle(
    announced: dt.date | None, shutdown: dt.date | None, as_of: dt.date, expected: tuple[Status, int | None]
) -> None:
    state = lifecycle(announced, shutdown, as_of)
    assert (state.status, state.days_left) == expected
