"""Support bot: answers customer tickets with an LLM."""
