"""AI/ML API's OpenAI-compatible /v1/responses endpoint, called with httpx."""

import httpx

from legacy_app import config


def build_payload(question: str) -> dict[str, object]:
    return {
        "model": "gpt-4.5-preview",
        "input": question,
    }


def ask(question: str) -> str:
    response = httpx.post(
        f"{config.AIMLAPI_BASE_URL}/responses",
        headers={
            "Authorization": f"Bearer {config.AIMLAPI_KEY}",
            "Content-Type": "application/json",
        },
        json=build_payload(question),
        timeout=30,
    )
    response.raise_for_status()
    data = response.json()
    return "".join(
        part["text"]
        for item in data["output"]
        if item["type"] == "message"
        for part in item["content"]
        if part["type"] == "output_text"
    )
