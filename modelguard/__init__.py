"""modelguard: keep codebases off retired and deprecated LLM models."""

__all__ = ["__version__"]

try:  # written by the build (hatch-vcs) from the git tag; see pyproject.toml
    from modelguard._version import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
        __version__,
    )
except ImportError:  # a source tree that was never built or installed
    __version__ = "0.0.0+unknown"
