"""Typed answers: the results of `chat.parse()`, `chat.stream_parse()`, `compare.parse()` and
`blend.parse()`, which read a model's answer into a pydantic model (or any type a `TypeAdapter`
takes).

These are built by the SDK, not sent by the server: the envelope fields (`id`, `credits_charged`,
...) are those of the call that produced the answer; `parse_attempts` lists every billed call the
SDK made (the first answer and each repair turn), and `total_credits_charged` adds up their
charges. How the answer is asked for, read and repaired is in `llmwise._structured`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Literal, Optional, TypeVar, Union

from .._models import BaseModel
from ._multi import ModelResponse
from .blend import BlendResult
from .chat import ChatCompletion, ChatStreamEvent
from .compare import CompareResult, CompareSummary
from .shared import Id, Number

__all__ = [
    "OutputIssue",
    "ParseAttempt",
    "ParsedChatCompletion",
    "ParsedModelResponse",
    "ParsedCompareResult",
    "ParsedBlendResult",
    "PartialObjectEvent",
    "ParsedChatStreamEvent",
    "AttemptKind",
]

T = TypeVar("T")


class OutputIssue(BaseModel):
    """One reason an answer was not accepted: where in the JSON, and what was wrong (pydantic's
    message, without the offending value)."""

    path: str = ""
    """Where the problem is, e.g. `items[0].quantity` ("" for the answer as a whole)."""
    message: str = ""
    """What was wrong, e.g. `Field required`, `Input should be a valid number`."""
    type: str = ""
    """pydantic's error type (`missing`, `float_parsing`, `json_invalid`, ...), or `json_not_found`
    when the answer held no JSON at all."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


AttemptKind = Literal["chat", "stream", "compare", "blend", "repair"]
"""Which call produced an answer (see `ParseAttempt.kind`)."""


class ParseAttempt(BaseModel):
    """One answer the SDK read: the first call, or a repair turn. Each one was a billed call."""

    kind: AttemptKind = "chat"
    """Which call produced it: the first `chat` call (or `stream`), the model's share of a
    `compare`, the synthesized answer of a `blend`, or a `repair` turn (a chat call)."""
    model: Optional[str] = None
    """The model that answered."""
    request_id: Optional[Id] = None
    """The id of the call (usable with `client.history.retrieve`)."""
    content: Optional[str] = None
    """The answer's text, as the model wrote it."""
    issues: list[OutputIssue] = []
    """Why the answer was not accepted; empty when it validated."""
    credits_charged: Optional[Number] = None
    """What the call charged. None for a model's share of a compare: the comparison is charged
    once, on the result."""

    @property
    def ok(self) -> bool:
        """Whether this answer validated."""
        return not self.issues


class ParsedChatCompletion(ChatCompletion, Generic[T]):
    """The answer of `chat.parse()` (and `stream_parse().get_final_completion()`): the usual
    `ChatCompletion` of the call whose answer validated, plus the validated object in `parsed`."""

    parsed: T
    """The answer, validated: an instance of the `response_format` type."""
    parse_attempts: list[ParseAttempt] = []
    """Every answer read, first to last (the last one is `parsed`): `len(parse_attempts) - 1`
    repair turns. (`attempts`, inherited, is failover's list of models tried for this answer.)"""
    total_credits_charged: Optional[Number] = None
    """What every attempt charged together (None when no call reported a charge)."""


class ParsedModelResponse(ModelResponse, Generic[T]):
    """One model's answer in `compare.parse()`: parsed, or why not.

    `content` is the text that was last read (after a repair, the repaired answer); `error` says why
    there is no `parsed` value: the model failed upstream, never produced a valid answer, or a repair
    call failed.
    """

    parsed: Optional[T] = None
    """The model's answer, validated (None when it never validated: see `error` and `issues`)."""
    issues: list[OutputIssue] = []
    """Why the last answer read was not accepted (empty once it validated)."""
    parse_attempts: list[ParseAttempt] = []
    """This model's answers, first (its share of the compare) to last (repair turns)."""

    @property
    def ok(self) -> bool:
        """Whether the model's answer validated."""
        return self.error is None and not self.issues


class ParsedCompareResult(BaseModel, Generic[T]):
    """The answers of `compare.parse()`, side by side: `result.by_model["gpt-5.2"].parsed`."""

    id: Optional[Id] = None
    """The compare request's id."""
    responses: list[ParsedModelResponse[T]] = []
    """Every model's parsed answer (or error), in the order the request listed the models."""
    summary: Optional[CompareSummary] = None
    """The comparison's fastest, longest and per-model numbers (of the first answers)."""
    credits_charged: Optional[Number] = None
    """What the comparison itself charged (repairs excluded: see `total_credits_charged`)."""
    credits_remaining: Optional[Number] = None
    """The balance after the last call (the comparison, or the last repair)."""
    total_credits_charged: Optional[Number] = None
    """The comparison plus every repair turn."""
    latency_ms: Optional[Number] = None
    conversation_id: Optional[Id] = None
    compare: Optional[CompareResult] = None
    """The comparison as the server answered it (raw text of every model)."""

    @property
    def by_model(self) -> dict[str, ParsedModelResponse[T]]:
        """The answers keyed by model id."""
        return {r.model: r for r in self.responses if isinstance(r.model, str)}

    @property
    def parse_attempts(self) -> list[ParseAttempt]:
        """Every answer read, model by model."""
        return [a for r in self.responses for a in r.parse_attempts]


class ParsedBlendResult(BlendResult, Generic[T]):
    """The synthesized answer of `blend.parse()`, validated: the usual `BlendResult` plus `parsed`.

    After a repair turn (a chat call to the synthesizer), `content` is the repaired answer; the
    blend's own answer is the first entry of `parse_attempts`.
    """

    parsed: T
    """The synthesized answer, validated."""
    parse_attempts: list[ParseAttempt] = []
    """Every answer read: the blend's, then each repair turn's."""
    total_credits_charged: Optional[Number] = None
    """The blend plus every repair turn."""


@dataclass(frozen=True)
class PartialObjectEvent:
    """Yielded by `chat.stream_parse()` after a text chunk that grew the answer's JSON: the value
    parsed so far (incomplete objects, arrays and strings as far as they go)."""

    partial: Any
    """The JSON value so far: a dict for an object schema, a list for an array; not validated."""
    json_text: str
    """The JSON text it was read from."""


ParsedChatStreamEvent = Union[ChatStreamEvent, PartialObjectEvent]
"""What `chat.stream_parse()` yields: the chat stream's events, and a `PartialObjectEvent` after
each text chunk that grew the answer's JSON."""


def total_credits(first: Any, attempts: list[ParseAttempt]) -> Optional[Number]:
    """`first` (a charge on no attempt: a comparison's) plus what every attempt charged; None when
    nothing reported a charge."""
    charges: list[Number] = [
        a.credits_charged
        for a in attempts
        if isinstance(a.credits_charged, (int, float)) and not isinstance(a.credits_charged, bool)
    ]
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        charges.insert(0, first)
    return sum(charges) if charges else None
