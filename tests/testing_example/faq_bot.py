# faq_bot.py
"""A tiny support bot: answer a customer question with LLMWise, failing over between models."""

from __future__ import annotations

from dataclasses import dataclass

import llmwise

PRIMARY = "claude-sonnet-4.5"
FALLBACKS = ["gpt-5.2", "gemini-3-flash"]
SYSTEM = "You answer questions about Acme's products in at most two sentences."
OFFLINE = "Our assistant is taking a break; a human will answer you soon."


@dataclass
class Answer:
    text: str
    model: str | None  # the model that answered; None when no model was asked


def answer(client: llmwise.LLMWise, question: str) -> Answer:
    """Ask PRIMARY (falling over to FALLBACKS); degrade gracefully when out of credits."""
    try:
        completion = client.chat.create(
            model=PRIMARY,
            routing={"fallback": FALLBACKS, "strategy": "rate-limit"},
            messages=[
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": question.strip()},
            ],
            max_tokens=120,
        )
    except llmwise.InsufficientCreditsError:
        return Answer(OFFLINE, None)
    return Answer(completion.content or "", completion.resolved_model)
