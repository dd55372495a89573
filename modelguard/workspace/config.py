"""Project configuration: `[tool.modelguard]` in pyproject.toml, or modelguard.toml (keys at its
top level), found by walking up from the first path like ruff does. The nearest folder holding
either file wins; in one folder modelguard.toml wins over pyproject.toml, and a pyproject.toml
without a `[tool.modelguard]` table is passed over (one that is not valid TOML is an error).

Reading is I/O at the edge; `validate_config` and `build_config` are pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from modelguard.defaults import BUNDLED, MAX_FILE_SIZE, SYNCED, WARN_WITHIN_DAYS
from modelguard.findings import RULES
from modelguard.smoke.settings import SmokeSettings, build_smoke, smoke_table, validate_smoke
from modelguard.workspace.discover import DEFAULT_EXCLUDE
from modelguard.workspace.paths import PatternError, parse_pattern

CONFIG_FILE = "modelguard.toml"
PYPROJECT = "pyproject.toml"
FAIL_ON = ("retired", "deprecated", "any", "never")
REGISTRY_WORDS = (BUNDLED, SYNCED)  # the `registry` values that are not paths


@dataclass(frozen=True, slots=True)
class Config:
    """The resolved settings; field names are the keys with `_` for `-`."""

    source: Path | None = None  # the file these came from; None when only defaults apply
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False  # exclude files named on the command line too
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "retired"
    warn_within_days: int = WARN_WITHIN_DAYS
    providers: tuple[str, ...] = ()
    extra_registries: tuple[Path, ...] = ()  # absolute, resolved against the file's folder
    ignore_models: tuple[str, ...] = ()
    max_file_size: int = MAX_FILE_SIZE
    # "bundled" (the data shipped with modelguard), "synced" (opt in to what `registry sync`
    # installed for the user), or a registry folder or bundle file (absolute, resolved against
    # the file's folder).
    registry: str = BUNDLED
    smoke: SmokeSettings = field(default_factory=SmokeSettings)  # [tool.modelguard.smoke]

    @property
    def root(self) -> Path | None:
        """The folder that path patterns are relative to."""
        return self.source.parent if self.source is not None else None


KEYS = frozenset(f.name.replace("_", "-") for f in fields(Config)) - {"source"}


class ConfigError(Exception):
    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def locate_config(start: Path) -> Path | None:
    """The configuration file for `start` (a file or folder): the nearest one walking up."""
    folder = start.absolute()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    from modelguard.tomlcompat import tomllib

    try:
        data = tomllib.loads(pyproject.read_text("utf-8"))
    except OSError:
        return False  # an unreadable folder above the project is not ours to report
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        # Broken for every tool (ruff stops on it too): reading it reports file and line,
        # rather than running with defaults its [tool.modelguard] may have changed.
        return True
    return isinstance(data.get("tool"), dict) and "modelguard" in data["tool"]


def read_config(path: Path) -> Mapping[str, Any]:
    """The raw settings table of a configuration file; raises ConfigError."""
    from modelguard.tomlcompat import tomllib

    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise ConfigError([f"{path}: cannot read: {error.strerror or error}"]) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError([f"{path}: invalid TOML: {error}"]) from None
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError([f"{path}: [tool]: expected a table"])
        table = tool.get("modelguard", {})
        if not isinstance(table, dict):
            raise ConfigError([f"{path}: [tool.modelguard]: expected a table"])
        return table
    return data


def _where(path: Path) -> str:
    return f"{path}: [tool.modelguard]" if path.name == PYPROJECT else str(path)


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def validate_config(raw: Mapping[str, Any], where: str = "config") -> list[str]:
    """Every problem in a settings table, one line each, naming the key."""
    problems: list[str] = []
    for key in sorted(set(raw) - KEYS):
        problems.append(f"{where}: unknown key {key!r} (known: {', '.join(sorted(KEYS))})")
    for key in ("include", "exclude", "extend-exclude", "providers", "extra-registries",
                "ignore-models", "select", "ignore"):
        if key in raw and not _is_str_list(raw[key]):
            problems.append(f"{where}: {key}: expected a list of strings, got {raw[key]!r}")
    for key in ("include", "exclude", "extend-exclude"):
        if _is_str_list(raw.get(key)):
            problems.extend(f"{where}: {key}: {problem}" for problem in _bad_patterns(raw[key]))
    for key in ("select", "ignore"):
        if _is_str_list(raw.get(key)):
            for code in raw[key]:
                if code.upper() not in RULES:
                    problems.append(f"{where}: {key}: unknown rule {code!r}")
    if "fail-on" in raw and raw["fail-on"] not in FAIL_ON:
        problems.append(f"{where}: fail-on: expected one of {', '.join(FAIL_ON)}, "
                        f"got {raw['fail-on']!r}")
    for key, minimum in (("warn-within-days", 0), ("max-file-size", 1)):
        value = raw.get(key, minimum)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            problems.append(f"{where}: {key}: expected an integer >= {minimum}, got {value!r}")
    if "registry" in raw and (not isinstance(raw["registry"], str) or not raw["registry"]):
        problems.append(f"{where}: registry: expected \"bundled\", \"synced\" or the path of "
                        f"a registry folder or bundle file, got {raw['registry']!r}")
    if "force-exclude" in raw and not isinstance(raw["force-exclude"], bool):
        problems.append(f"{where}: force-exclude: expected true or false, "
                        f"got {raw['force-exclude']!r}")
    if "smoke" in raw:
        problems.extend(validate_smoke(raw["smoke"], where))
    per_file = raw.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        problems.append(f"{where}: per-file-ignores: expected a table of pattern = [codes]")
    else:
        for pattern, codes in per_file.items():
            if not _is_str_list(codes):
                problems.append(f"{where}: per-file-ignores: {pattern!r}: expected a list of "
                                f"rule codes, got {codes!r}")
            elif unknown := [c for c in codes if c.upper() not in RULES and c.upper() != "ALL"]:
                problems.append(f"{where}: per-file-ignores: {pattern!r}: unknown rule "
                                f"{unknown[0]!r}")
        problems.extend(f"{where}: per-file-ignores: {problem}"
                        for problem in _bad_patterns(list(per_file)))
    return problems


def _bad_patterns(patterns: list[str]) -> list[str]:
    """Why each malformed pattern cannot be used (a line naming it)."""
    problems = []
    for pattern in patterns:
        try:
            parse_pattern(pattern)
        except PatternError as error:
            problems.append(str(error))
    return problems


def build_config(raw: Mapping[str, Any], source: Path | None) -> Config:
    """A Config from a table that `validate_config` accepted."""
    root = source.parent if source is not None else Path.cwd()
    values: dict[str, Any] = {"source": source}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if key == "per-file-ignores":
            value = tuple(
                (pattern, tuple(c.upper() for c in codes)) for pattern, codes in value.items()
            )
        elif key == "extra-registries":
            value = tuple((root / item).absolute() for item in value)
        elif key == "registry" and value not in REGISTRY_WORDS:
            value = str((root / value).absolute())
        elif key in ("select", "ignore"):
            value = tuple(c.upper() for c in value)
        elif key == "smoke":
            value = build_smoke(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return Config(**values)


def load_config(path: Path | None) -> Config:
    """Read, validate and build; defaults when `path` is None. Raises ConfigError."""
    if path is None:
        return Config()
    raw = read_config(path)
    problems = validate_config(raw, _where(path))
    config = build_config(raw, path) if not problems else None
    if config is not None:
        problems.extend(
            f"{_where(path)}: extra-registries: no such file: {extra}"
            for extra in config.extra_registries if not extra.is_file()
        )
        if config.registry not in REGISTRY_WORDS and not Path(config.registry).exists():
            problems.append(f"{_where(path)}: registry: no such folder or file: "
                            f"{config.registry} (or \"bundled\", \"synced\")")
    if problems or config is None:
        raise ConfigError(problems)
    return config


def override(config: Config, **given: Any) -> Config:
    """The command line wins: every option given (not None, not empty) replaces the file's."""
    return replace(config, **{k: v for k, v in given.items() if v is not None and v != ()})


def config_table(config: Config) -> dict[str, Any]:
    """The resolved configuration as plain data, keyed like the file."""
    table: dict[str, Any] = {"source": str(config.source) if config.source else None}
    for item in fields(Config):
        if item.name == "source":
            continue
        value = getattr(config, item.name)
        if item.name == "per_file_ignores":
            value = {pattern: list(codes) for pattern, codes in value}
        elif item.name == "smoke":
            value = smoke_table(value)
        elif isinstance(value, tuple):
            value = [str(v) for v in value]
        table[item.name.replace("_", "-")] = value
    return table


def render_toml(table: Mapping[str, Any]) -> str:
    """`config_table` as TOML (None values become comments)."""
    import json

    def name(key: str) -> str:
        return key if key.replace("-", "").replace("_", "").isalnum() else json.dumps(key)

    def section(prefix: str, values: Mapping[str, Any]) -> list[str]:
        lines = []
        nested = []
        for key, value in values.items():
            if value is None:
                lines.append(f"# {key}: not set")
            elif isinstance(value, dict) and not prefix and key == "per-file-ignores":
                nested.append(f"\n[{key}]")  # patterns are keys: always quoted
                nested.extend(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in value.items())
            elif isinstance(value, dict):
                header = f"{prefix}{name(key)}"
                if any(not isinstance(v, dict) for v in value.values()):
                    nested.append(f"\n[{header}]")  # only tables below: no empty header
                nested.extend(section(header + ".", value))
            else:
                lines.append(f"{name(key) if prefix else key} = {json.dumps(value)}")
        return lines + nested

    return "\n".join(section("", table)) + "\n"
