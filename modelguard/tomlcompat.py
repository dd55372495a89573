"""`tomllib` (tomli before Python 3.11), imported by the functions that parse TOML: a run
that reads no TOML file does not load the parser."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["tomllib"]
