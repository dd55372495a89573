"""Which scanner reads a file, from its name alone: discovery asks this of every file, so
it loads nothing else."""

from __future__ import annotations

import enum


class TextFormat(str, enum.Enum):
    YAML = "yaml"
    JSON = "json"
    TOML = "toml"
    ENV = "env"
    INI = "ini"
    JS = "javascript"
    MARKDOWN = "markdown"


_SUFFIXES: dict[str, TextFormat] = {
    ".yaml": TextFormat.YAML,
    ".yml": TextFormat.YAML,
    ".json": TextFormat.JSON,
    ".jsonc": TextFormat.JSON,
    ".toml": TextFormat.TOML,
    ".env": TextFormat.ENV,
    ".ini": TextFormat.INI,
    ".cfg": TextFormat.INI,
    ".js": TextFormat.JS,
    ".mjs": TextFormat.JS,
    ".cjs": TextFormat.JS,
    ".jsx": TextFormat.JS,
    ".ts": TextFormat.JS,
    ".mts": TextFormat.JS,
    ".cts": TextFormat.JS,
    ".tsx": TextFormat.JS,
    ".md": TextFormat.MARKDOWN,
    ".markdown": TextFormat.MARKDOWN,
}


def text_format(path: str) -> TextFormat | None:
    """The format of a file, from its name: `.env` and `.env.*` by name, the rest by suffix."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    if name == ".env" or name.startswith(".env."):
        return TextFormat.ENV
    dot = name.rfind(".")
    return _SUFFIXES.get(name[dot:].lower()) if dot > 0 else None
