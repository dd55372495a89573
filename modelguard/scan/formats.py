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
    # Source languages: scan.languages holds their string, comment and model-slot syntax.
    SHELL = "shell"
    DOCKERFILE = "dockerfile"
    HCL = "hcl"
    GO = "go"
    RUST = "rust"
    JAVA = "java"
    KOTLIN = "kotlin"
    CSHARP = "csharp"
    RUBY = "ruby"
    PHP = "php"
    SWIFT = "swift"
    SQL = "sql"


# Read by scan.languages (a table of comment, string and model-slot syntax); the others by
# scan.text.
LANGUAGE_FORMATS = frozenset({
    TextFormat.SHELL, TextFormat.DOCKERFILE, TextFormat.HCL, TextFormat.GO, TextFormat.RUST,
    TextFormat.JAVA, TextFormat.KOTLIN, TextFormat.CSHARP, TextFormat.RUBY, TextFormat.PHP,
    TextFormat.SWIFT, TextFormat.SQL,
})

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
    ".sh": TextFormat.SHELL,
    ".bash": TextFormat.SHELL,
    ".zsh": TextFormat.SHELL,
    ".ksh": TextFormat.SHELL,
    ".dockerfile": TextFormat.DOCKERFILE,
    ".containerfile": TextFormat.DOCKERFILE,
    ".tf": TextFormat.HCL,
    ".tfvars": TextFormat.HCL,
    ".hcl": TextFormat.HCL,
    ".go": TextFormat.GO,
    ".rs": TextFormat.RUST,
    ".java": TextFormat.JAVA,
    ".kt": TextFormat.KOTLIN,
    ".kts": TextFormat.KOTLIN,
    ".cs": TextFormat.CSHARP,
    ".csx": TextFormat.CSHARP,
    ".rb": TextFormat.RUBY,
    ".rake": TextFormat.RUBY,
    ".gemspec": TextFormat.RUBY,
    ".php": TextFormat.PHP,
    ".swift": TextFormat.SWIFT,
    ".sql": TextFormat.SQL,
}
# Files known by their whole name (lowercased), and names that begin a family
# (`Dockerfile.dev`, `Containerfile.prod`).
_NAMES: dict[str, TextFormat] = {
    "dockerfile": TextFormat.DOCKERFILE,
    "containerfile": TextFormat.DOCKERFILE,
    "gemfile": TextFormat.RUBY,
    "rakefile": TextFormat.RUBY,
    ".bashrc": TextFormat.SHELL,
    ".bash_profile": TextFormat.SHELL,
    ".zshrc": TextFormat.SHELL,
    ".profile": TextFormat.SHELL,
    ".envrc": TextFormat.SHELL,
}
_NAME_FAMILIES = ("dockerfile.", "containerfile.")


def text_format(path: str) -> TextFormat | None:
    """The format of a file, from its name: `.env`, `.env.*`, `Dockerfile`, `Dockerfile.*` and
    a few others by name, the rest by suffix."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    if name == ".env" or name.startswith(".env."):
        return TextFormat.ENV
    lowered = name.lower()
    if lowered in _NAMES:
        return _NAMES[lowered]
    if lowered.startswith(_NAME_FAMILIES):
        return TextFormat.DOCKERFILE
    dot = name.rfind(".")
    return _SUFFIXES.get(name[dot:].lower()) if dot > 0 else None
