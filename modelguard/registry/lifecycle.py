"""A model's status at a given day, computed from its dates and never stored."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from modelguard.defaults import WARN_WITHIN_DAYS


class Status(str, enum.Enum):
    ACTIVE = "active"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class Lifecycle:
    status: Status
    days_left: int | None  # days until shutdown; negative once retired; None without a date


def lifecycle(
    announced: date | None,
    shutdown: date | None,
    as_of: date,
    warn_within_days: int = WARN_WITHIN_DAYS,
) -> Lifecycle:
    """Active before `announced`, deprecated from it, retired from `shutdown`.

    Some providers publish a retirement date for every model at launch (Azure) and announce
    nothing else: a shutdown without an announcement counts as deprecated only within the
    warning window, so a model on general release is not flagged a year ahead.
    """
    days_left = (shutdown - as_of).days if shutdown is not None else None
    if shutdown is not None and as_of >= shutdown:
        return Lifecycle(Status.RETIRED, days_left)
    if announced is None and shutdown is not None:
        announced = shutdown - timedelta(days=warn_within_days)
    if announced is None or as_of < announced:
        return Lifecycle(Status.ACTIVE, days_left)
    return Lifecycle(Status.DEPRECATED, days_left)
