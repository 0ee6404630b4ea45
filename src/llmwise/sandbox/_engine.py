"""Simulated generations on a virtual clock.

Nothing here sleeps: a generation knows *when* each chunk happens (chunk ``k`` of a model with
per-chunk latency ``L`` is at ``k * L`` seconds after the model starts), and streams are built by
merging those timestamps. The transports and the server turn the gaps into real sleeps. This keeps
the interleaving of concurrent models deterministic: with zero latency, frames alternate round-robin
(ties are broken by chunk index, then by model order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._http import SandboxResponse, StreamFrame, sse_frame
from ._state import SandboxState
from ._structured import structured_text
from ._text import chunk_words, count_words, generate, split_words, with_lead

# A flat, made-up USD price per token; free catalogue models cost nothing.
PRICE_PER_TOKEN = 0.000002


@dataclass
class Generation:
    """One model run: the deltas it emits and, if it fails, how."""

    model: str
    chunks: list[str]
    latency: float
    prompt_tokens: int
    finish_reason: str = "stop"
    status_code: int | None = None
    error: str | None = None
    price: float = PRICE_PER_TOKEN
    scripted_completion_tokens: int | None = None
    """Reported instead of the word count (a scripted reply's numbers)."""
    scripted_cost: float | None = None
    """Reported instead of the computed cost (a scripted reply's numbers)."""

    @property
    def failed(self) -> bool:
        """Whether the model ends in an error."""
        return self.error is not None

    @property
    def text(self) -> str:
        """Everything the model emitted."""
        return "".join(self.chunks)

    @property
    def completion_tokens(self) -> int:
        """Words emitted (or the scripted number)."""
        if self.scripted_completion_tokens is not None:
            return self.scripted_completion_tokens
        return count_words(self.text)

    @property
    def duration(self) -> float:
        """Seconds from start to the last chunk (a failure takes one more tick)."""
        return (len(self.chunks) + (1 if self.failed else 0)) * self.latency

    @property
    def ttft(self) -> float:
        """Seconds to the first chunk."""
        return self.latency if self.chunks else self.duration

    @property
    def cost(self) -> float:
        """USD cost of prompt and completion (or the scripted cost)."""
        if self.scripted_cost is not None:
            return self.scripted_cost
        return round((self.prompt_tokens + self.completion_tokens) * self.price, 8)

    def chunk_cost(self, delta: str) -> float:
        """USD cost of one delta."""
        return round(count_words(delta) * self.price, 8)

    def tokens_per_second(self) -> float:
        """Completion throughput (0.0 when no virtual time passed)."""
        duration = len(self.chunks) * self.latency
        return round(self.completion_tokens / duration, 1) if duration > 0 else 0.0


def failure_message(model: str, status: int) -> str:
    """The default error text of a failing model."""
    if status == 429:
        return f"Upstream provider rate-limited {model} (HTTP 429)"
    return f"Upstream provider error from {model} (HTTP {status})"


def answer_text(
    state: SandboxState,
    model: str,
    messages: Sequence[Mapping[str, Any]],
    *,
    prompt: str,
    salt: str = "",
    text: str | None = None,
    lead: str = "",
) -> str:
    """The full text ``model`` answers (before ``max_tokens`` and failures): ``text`` (a scripted
    one-call reply), else its scripted text, else the generated one with ``lead`` after its tag."""
    if text is not None:
        return text
    behaviour = state.behaviour(model)
    if isinstance(behaviour.text, str):
        return behaviour.text
    if behaviour.text is not None:
        return str(behaviour.text(messages))
    # Asked for JSON by the SDK's schema instruction: JSON for the schema (see `_structured`).
    structured = structured_text(state, model, messages, salt)
    if structured is not None:
        return structured
    return with_lead(model, generate(model, prompt, salt), lead)


def price_of(state: SandboxState, model: str) -> float:
    """USD per token: 0 for ``is_free`` catalogue models, else the flat made-up price."""
    entry = state.catalogue.get(model)
    return 0.0 if entry is not None and entry.is_free else PRICE_PER_TOKEN


def plan(
    state: SandboxState,
    model: str,
    messages: Sequence[Mapping[str, Any]],
    *,
    prompt: str,
    prompt_tokens: int,
    max_tokens: int | None = None,
    salt: str = "",
    text: str | None = None,
    lead: str = "",
) -> Generation:
    """What ``model`` does for this prompt, given its configured behaviour.

    ``text`` (a scripted one-call reply) is answered instead, and the model does not fail.
    ``messages`` are what the model reads (a ``replies(callable)`` script gets them).
    """
    behaviour = state.behaviour(model)
    full = answer_text(state, model, messages, prompt=prompt, salt=salt, text=text, lead=lead)
    pieces = split_words(full)
    finish_reason = "stop"
    if max_tokens is not None and count_words(full) > max_tokens:
        pieces = pieces[:max_tokens]
        pieces[-1] = pieces[-1].rstrip()
        finish_reason = "length"
    chunks = chunk_words(pieces)
    gen = Generation(
        model=model,
        chunks=chunks,
        latency=state.latency_for(model),
        prompt_tokens=prompt_tokens,
        finish_reason=finish_reason,
        price=price_of(state, model),
    )
    if behaviour.fail_status is not None and text is None:
        gen.chunks = chunks[: behaviour.fail_after_chunks or 0]
        gen.status_code = behaviour.fail_status
        gen.error = behaviour.fail_message or failure_message(model, behaviour.fail_status)
    return gen


def ms(seconds: float) -> int:
    """Virtual seconds to whole milliseconds."""
    return round(seconds * 1000)


@dataclass
class Lane:
    """A generation running concurrently with others; ``extra`` keys go on each of its frames."""

    gen: Generation
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Timeline:
    """Payloads stamped with virtual times (seconds since the request started)."""

    items: list[tuple[float, Any]] = field(default_factory=list)
    end: float = 0.0

    def add(self, at: float, payload: Any) -> None:
        """Add ``payload`` at time ``at``."""
        self.items.append((at, payload))
        self.end = max(self.end, at)

    def run_lanes(self, lanes: Sequence[Lane], start: float) -> float:
        """Interleave concurrent lanes in time order (ties: chunk index, then lane order).

        Each lane emits ``{"model", "delta", "done": false, **extra}`` chunks, then a completion
        frame (``done: true`` with latency/length/tokens) or an error frame. Returns the end time.
        """
        stamped: list[tuple[float, int, int, dict[str, Any]]] = []
        for order, lane in enumerate(lanes):
            gen = lane.gen
            for k, delta in enumerate(gen.chunks):
                at = start + (k + 1) * gen.latency
                stamped.append(
                    (at, k, order, {"model": gen.model, "delta": delta, "done": False, **lane.extra})
                )
            last: dict[str, Any]
            if gen.failed:
                last = {"model": gen.model, "error": gen.error, "status_code": gen.status_code, "done": True}
            else:
                last = {
                    "model": gen.model,
                    "delta": "",
                    "done": True,
                    "latency_ms": ms(gen.duration),
                    "content_length": len(gen.text),
                    "completion_tokens": gen.completion_tokens,
                }
            stamped.append((start + gen.duration, len(gen.chunks), order, {**last, **lane.extra}))
        stamped.sort(key=lambda item: (item[0], item[1], item[2]))
        end = start
        for at, _, _, payload in stamped:
            self.add(at, payload)
            end = max(end, at)
        return end

    def to_sse(self, headers: Mapping[str, str] | None = None) -> SandboxResponse:
        """An SSE response: one ``data:`` frame per payload, then ``data: [DONE]``."""
        frames: list[StreamFrame] = []
        clock = 0.0
        for at, payload in self.items:
            frames.append(StreamFrame(sse_frame(payload), delay=max(0.0, at - clock)))
            clock = max(clock, at)
        frames.append(StreamFrame(b"data: [DONE]\n\n"))
        return SandboxResponse(200, {**sse_headers(), **(headers or {})}, frames=frames)


def sse_headers() -> dict[str, str]:
    """Headers of every SSE response."""
    return {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
