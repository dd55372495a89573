"""The one interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from modelguard.report.model import Report


class Reporter(ABC):
    """Turns a finished run into the text of one format. Returns the text; never prints."""

    @abstractmethod
    def render(self, report: Report) -> str:
        """The whole report as a string, ending in a newline when it is not empty."""

    def chunks(self, report: Report) -> Iterable[str]:
        """The report in pieces that join to `render`'s text; a format that can produce
        them one finding at a time does, so a run with a million findings writes its report
        without ever holding all of it."""
        return (self.render(report),)
