"""Chat with OpenAI: triage a ticket, then answer it."""

from openai import OpenAI

from legacy_app import config

client = OpenAI(api_key=config.OPENAI_API_KEY)


def triage(ticket: str) -> str:
    response = client.chat.completions.create(
        model=config.TRIAGE_MODEL,
        messages=[{"role": "user", "content": f"Label this ticket: {ticket}"}],
        max_tokens=5,
    )
    return response.choices[0].message.content or ""


def answer(ticket: str, history: list[dict[str, str]], model: str = "gpt-4.5-preview") -> str:
    if model == "gpt-4-32k" and len(history) < 10:
        model = config.DEFAULT_MODEL
    response = client.chat.completions.create(
        model=model,
        messages=[*history, {"role": "user", "content": ticket}],
    )
    return response.choices[0].message.content or ""


def summarise_legacy(text: str) -> str:
    # Old completions endpoint; still here for the nightly digest job.
    response = client.completions.create(model="text-davinci-003", prompt=text, max_tokens=200)
    return response.choices[0].text


def plan(ticket: str) -> str:
    response = client.chat.completions.create(
        model=config.REASONING_MODEL,
        messages=[{"role": "user", "content": ticket}],
    )
    return response.choices[0].message.content or ""


def current(ticket: str) -> str:
    """The path new tickets take: gpt-4.1 is current, nothing to report here."""
    response = client.chat.completions.create(
        model="gpt-4.1", messages=[{"role": "user", "content": ticket}]
    )
    return response.choices[0].message.content or ""
