"""The parts of a dashboard page the tests check, read with the standard library's HTML parser:
its tables (cell texts), links, scripts, elements by id, and every URL the page would load."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Attributes through which a browser fetches something (links are followed only on a click).
_LOADS = {("script", "src"), ("img", "src"), ("link", "href"), ("iframe", "src"),
          ("source", "src"), ("video", "src"), ("audio", "src"), ("object", "data"),
          ("embed", "src"), ("image", "href"), ("image", "xlink:href"), ("use", "href"),
          ("use", "xlink:href"), ("feimage", "href")}


@dataclass
class Table:
    id: str | None
    classes: tuple[str, ...]
    section: str | None
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Page:
    tables: list[Table] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    scripts: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    tags: dict[str, int] = field(default_factory=dict)
    svg_texts: list[str] = field(default_factory=list)
    csp: str | None = None


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._table: Table | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None
        self._script: list[str] | None = None
        self._svg_text: list[str] | None = None
        self._section: str | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.page.tags[tag] = self.page.tags.get(tag, 0) + 1
        if "id" in values:
            self.page.ids.append(values["id"])
        self.page.loads += [values[name] for (element, name) in _LOADS
                            if element == tag and name in values and not
                            values[name].startswith("#")]
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.page.csp = values.get("content")
        if tag == "section" and "id" in values:
            self._section = values["id"]
        if tag == "table":
            self._table = Table(values.get("id"), tuple(values.get("class", "").split()),
                                self._section)
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self._link = (values.get("href", ""), [])
        elif tag == "script":
            self._script = []
        elif tag == "text":
            self._svg_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._table.headers or not self._row:
                self._table.rows.append(self._row)
            else:
                self._table.headers = self._row
            self._row = None
        elif tag == "table" and self._table is not None:
            self.page.tables.append(self._table)
            self._table = None
        elif tag == "a" and self._link is not None:
            self.page.links.append((self._link[0], "".join(self._link[1]).strip()))
            self._link = None
        elif tag == "script" and self._script is not None:
            self.page.scripts.append("".join(self._script))
            self._script = None
        elif tag == "text" and self._svg_text is not None:
            self.page.svg_texts.append("".join(self._svg_text))
            self._svg_text = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._script, self._svg_text,
                     self._link[1] if self._link else None):
            if part is not None:
                part.append(data)


def read_page(text: str) -> Page:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.page
