"""Voice tickets: transcribe the call, read the answer back.

The synthesis voice was tuned for tts-1 and still sounds best with it.
"""

from openai import OpenAI

from legacy_app import config

client = OpenAI(api_key=config.OPENAI_API_KEY)


def transcribe(path: str) -> str:
    with open(path, "rb") as audio:
        result = client.audio.transcriptions.create(model=config.TRANSCRIPTION_MODEL, file=audio)
    return result.text


def speak(text: str) -> bytes:
    return client.audio.speech.create(model="tts-1", voice="alloy", input=text).content
