"""Cost tracking per model, in USD per million input tokens (prices from 2025)."""

PRICE_PER_MTOK = {
    "gpt-4.5-preview": 75.0,
    "gpt-4-32k": 60.0,
    "gpt-4.1": 2.0,
}

# Models we allow in the admin console's drop-down.
ALLOWED_MODELS = ["gpt-4.1", "gpt-4.5-preview", "o1-preview"]


def cost(model: str, tokens: int) -> float:
    return PRICE_PER_MTOK.get(model, 0.0) * tokens / 1_000_000
