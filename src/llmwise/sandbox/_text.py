"""Deterministic "model output": the same model and prompt always give the same text.

Tests assert on exact text, so everything here is a pure function of its arguments (sha256 based,
no random state, no clock).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

WORDS_PER_CHUNK = 3

_SUBJECTS = (
    "The service",
    "A cache",
    "Each request",
    "The model",
    "Your pipeline",
    "The retry loop",
    "A queue",
    "The scheduler",
    "The router",
    "Every replica",
    "The gateway",
    "A worker",
    "The client",
    "The index",
    "The planner",
    "A fallback",
)
_VERBS = (
    "balances",
    "routes",
    "validates",
    "streams",
    "caches",
    "retries",
    "summarizes",
    "compares",
    "ranks",
    "buffers",
    "measures",
    "shards",
    "merges",
    "tracks",
    "throttles",
    "refreshes",
)
_ADJECTIVES = (
    "noisy",
    "stale",
    "critical",
    "idle",
    "expensive",
    "partial",
    "steady",
    "fresh",
    "hidden",
    "shared",
    "bursty",
    "cold",
    "warm",
    "ordered",
    "large",
    "small",
)
_NOUNS = (
    "traffic",
    "tokens",
    "results",
    "prompts",
    "batches",
    "sessions",
    "metrics",
    "payloads",
    "answers",
    "signals",
    "latency",
    "budgets",
    "records",
    "events",
    "workloads",
    "estimates",
)
_TAILS = (
    "before the deadline",
    "under heavy load",
    "with minimal latency",
    "across every region",
    "for each tenant",
    "without extra cost",
    "during the rollout",
    "at the edge",
    "in a single pass",
    "behind the firewall",
    "on every retry",
    "between two releases",
)


class _ByteSource:
    """An endless deterministic byte stream: sha256, then sha256 of the previous digest, ..."""

    def __init__(self, seed: str) -> None:
        self._digest = hashlib.sha256(seed.encode("utf-8")).digest()
        self._pos = 0

    def pick(self, options: Sequence[str]) -> str:
        return options[self.next() % len(options)]

    def next(self) -> int:
        if self._pos >= len(self._digest):
            self._digest = hashlib.sha256(self._digest).digest()
            self._pos = 0
        value = self._digest[self._pos]
        self._pos += 1
        return value


def content_text(content: Any) -> str:
    """The text of a message ``content``: a string, or the text blocks of a block list joined by newlines."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            block["text"]
            for block in content
            if isinstance(block, Mapping)
            and block.get("type") == "text"
            and isinstance(block.get("text"), str)
        ]
        return "\n".join(parts)
    return ""


def last_user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    """The text of the last ``user`` message ("" when there is none)."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return content_text(message.get("content"))
    return ""


def has_images(messages: Sequence[Mapping[str, Any]]) -> bool:
    """Whether any message carries an ``image_url`` block."""
    for message in messages:
        content = message.get("content")
        if isinstance(content, list) and any(
            isinstance(block, Mapping) and block.get("type") == "image_url" for block in content
        ):
            return True
    return False


def count_words(text: str) -> int:
    """The sandbox's token count: whitespace separated words."""
    return len(text.split())


def prompt_tokens(messages: Sequence[Mapping[str, Any]]) -> int:
    """Words in all messages (the sandbox's ``prompt_tokens``)."""
    return sum(count_words(content_text(m.get("content"))) for m in messages)


def generate(model: str, prompt: str, salt: str = "") -> str:
    """3-5 sentences (about 25-55 words) determined by sha256 of ``model``, ``salt`` and ``prompt``.

    The text always starts with ``"[<model>] "`` so a reader sees which model answered.
    """
    source = _ByteSource(f"{model}\x00{salt}\x00{prompt}")
    sentences = []
    for _ in range(3 + source.next() % 3):
        words = [
            source.pick(_SUBJECTS),
            source.pick(_VERBS),
            "the",
            source.pick(_ADJECTIVES),
            source.pick(_NOUNS),
            source.pick(_TAILS),
        ]
        sentences.append(" ".join(words) + ".")
    return f"[{model}] " + " ".join(sentences)


def model_text(
    model: str,
    messages: Sequence[Mapping[str, Any]],
    *,
    layer: int | None = None,
    sample: int | None = None,
    reading: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
) -> str:
    """The text ``model`` answers to ``messages`` in the sandbox (without per-model overrides).

    It depends only on the model id, the last user message and what the model read. ``sample``
    selects a self_moa candidate. ``reading`` is the answers the model read first, as ``(model,
    text)`` pairs in order: the previous step of a ``chain`` blend (then its text starts ``[model]
    Building on <model> ("first words..."):``), or, with ``layer`` k >= 2, the answers of moa layer
    k-1 (``[model] Refining layer <k-1> (<model>: "first words..."; ...):``); the rest is generated
    from the question and those answers (see :func:`reading_messages`). Layer 1 is the plain answer.
    """
    if layer is not None and layer > 1 and reading is None:
        raise ValueError("moa layer 2 and up read the previous layer: pass its answers as reading=[(model, text), ...]")
    if reading is None:
        return generate(model, last_user_text(messages), variant_salt(layer=layer, sample=sample))
    pairs = list(reading.items()) if isinstance(reading, Mapping) else list(reading)
    read = reading_messages(messages, pairs, layer=layer)
    lead = reading_lead(pairs, layer=layer)
    return with_lead(model, generate(model, last_user_text(read), variant_salt(layer=layer)), lead)


def with_lead(model: str, text: str, lead: str) -> str:
    """``text`` (which starts with ``[model] ``) with ``lead`` inserted after that tag."""
    tag = f"[{model}] "
    if not lead or not text.startswith(tag):
        return text
    return f"{tag}{lead} {text[len(tag) :]}"


QUOTED_WORDS = 4


def _quote(text: str) -> str:
    """The first words of an answer, without its ``[model]`` tag: ``"The service caches the..."``."""
    words = text.split()
    if words and words[0].startswith("[") and words[0].endswith("]"):
        words = words[1:]
    shown = " ".join(words[:QUOTED_WORDS])
    return f'"{shown}..."' if len(words) > QUOTED_WORDS else f'"{shown}"'


def reading_lead(answers: Sequence[tuple[str, str]], *, layer: int | None = None) -> str:
    """How a generated answer shows what it read: a chain step names and quotes the previous step,
    a moa layer the answers of the layer before."""
    if layer is not None:
        quoted = "; ".join(f"{model}: {_quote(text)}" for model, text in answers)
        return f"Refining layer {layer - 1} ({quoted}):"
    model, text = answers[-1]
    return f"Building on {model} ({_quote(text)}):"


def reading_messages(
    messages: Sequence[Mapping[str, Any]],
    answers: Sequence[tuple[str, str]],
    *,
    layer: int | None = None,
    task: str | None = None,
) -> list[dict[str, Any]]:
    """What a model that reads other models' answers is sent: the conversation, then one user
    message with the question and those answers (a chain step, a moa layer after the first, the
    synthesizer). A ``replies(callable)`` script of that model gets these messages."""
    if task is None:
        task = (
            f"Layer {layer} of a mixture of agents: improve on the answers of layer {layer - 1}."
            if layer is not None
            else "Improve on the previous answer."
        )
    parts = [task, f"Question: {last_user_text(messages)}"]
    parts += [f"Answer from {model}:\n{text}" for model, text in answers]
    return [*(dict(m) for m in messages), {"role": "user", "content": "\n\n".join(parts)}]


def variant_salt(*, layer: int | None = None, sample: int | None = None) -> str:
    """The salt for blend variants (see :func:`model_text`)."""
    if sample is not None:
        return f"sample:{sample}"
    if layer is not None and layer > 1:
        return f"layer:{layer}"
    return ""


# Leading whitespace + word + trailing whitespace: only the first piece can have leading whitespace,
# and chunk boundaries fall after spaces, like real tokenizer output.
_PIECE = re.compile(r"\s*\S+\s*")


def split_words(text: str) -> list[str]:
    """Split into word pieces that concatenate back to ``text`` exactly (whitespace kept)."""
    pieces = _PIECE.findall(text)
    if not pieces and text:
        return [text]
    return pieces


def chunk_words(pieces: Sequence[str], size: int = WORDS_PER_CHUNK) -> list[str]:
    """Group word pieces into deltas of ``size`` words."""
    return ["".join(pieces[i : i + size]) for i in range(0, len(pieces), size)]


def score(model: str, prompt: str, criteria: Sequence[str]) -> float:
    """A judge score 0.0-10.0 with one decimal, from sha256 of model, prompt and criteria."""
    digest = hashlib.sha256(f"{model}\x00{prompt}\x00{','.join(criteria)}".encode()).hexdigest()
    return (int(digest[:8], 16) % 101) / 10.0


_STRENGTHS = (
    "clear structure",
    "concrete examples",
    "careful trade-offs",
    "concise wording",
    "solid reasoning",
    "practical next steps",
)


def reasoning(model: str, value: float, criteria: Sequence[str]) -> str:
    """A one-sentence, deterministic judge rationale."""
    strength = _ByteSource(f"{model}\x00{value}").pick(_STRENGTHS)
    focus = ", ".join(criteria) if criteria else "overall quality"
    return f"{model} scores {value:.1f}/10 on {focus}, noted for {strength}."


def iter_chunks(text: str) -> Iterator[str]:
    """The deltas a model streams for ``text``."""
    yield from chunk_words(split_words(text))
