"""The one interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

from modelguard.report.model import Report


class Reporter(ABC):
    """Turns a finished run into the text of one format. Returns the text; never prints."""

    @abstractmethod
    def render(self, report: Report) -> str:
        """The whole report as a string, ending in a newline when it is not empty."""
