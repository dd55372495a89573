"""modelguard: keep codebases off retired and deprecated LLM models."""

__version__ = "0.1.0"
