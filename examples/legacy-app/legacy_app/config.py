"""Settings, read from the environment with defaults chosen in early 2025."""

import os

# The big model for hard tickets, the cheap one for triage.
DEFAULT_MODEL = os.getenv("SUPPORT_BOT_MODEL", "gpt-4.5-preview")
TRIAGE_MODEL: str = "gpt-3.5-turbo-0613"
LONG_CONTEXT_MODEL = "gpt-4-32k"
REASONING_MODEL = "o1-preview"
TRANSCRIPTION_MODEL = "whisper-1"

AIMLAPI_BASE_URL = "https://api.aimlapi.com/v1"
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
AIMLAPI_KEY = os.environ.get("AIMLAPI_KEY", "")
