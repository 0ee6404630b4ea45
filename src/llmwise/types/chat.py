"""Chat: request parameters, the result, and the stream events (single model, auto and failover).

Field types follow the contract (§4.2-4.3, §5.1): documented fields have their documented type;
fields no source shows, or whose type it leaves open, are marked *assumed* and admit the plausible
shapes (ids are `Id`, error details `ErrorDetail`). Data only: the stream logic is in
`llmwise._streaming.chat`.
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import AliasChoices, Field

from .._models import BaseModel
from .params import ChatCreateParams, RoutingParam  # defined there, without pydantic
from .shared import (
    DoneEventBase,
    ErrorDetail,
    Id,
    Number,
    StreamEventBase,
    UnknownEvent,
)

__all__ = [
    "RoutingParam",
    "ChatCreateParams",
    "RouteAttempt",
    "ChatCompletion",
    "TextChunkEvent",
    "RouteEvent",
    "MeshChunkEvent",
    "TraceEvent",
    "ChatDoneEvent",
    "ChatStreamEvent",
]


class RouteAttempt(BaseModel):
    """One model tried during failover routing (the shape of the TS client's `trace` entries)."""

    model: Optional[str] = None
    status: Optional[str] = None
    """How the attempt went (the sandbox says `ok` or `failed`; the vocabulary may grow)."""
    status_code: Optional[int] = None
    latency_ms: Optional[Number] = None
    error: Optional[ErrorDetail] = None
    """Why the attempt failed (assumed: a message, or an error object)."""
    reason: Optional[str] = None
    """Why the model was skipped or retried (assumed)."""


class ChatCompletion(BaseModel):
    """The answer of a chat call (and what `ChatStream.get_final_completion()` builds).

    Documented (§5.1): `id`, `model`, `content` and the optional usage, billing and routing fields.
    Assumed: the failover fields `final_model` and `attempts`.
    """

    id: Optional[Id] = None
    """The request id (usable with `client.history.retrieve`)."""
    model: Optional[str] = None
    """The model that answered."""
    content: Optional[str] = ""
    """The answer's text. None when the server sent null (a content filter may answer so)."""
    resolved_model: Optional[str] = None
    """With `model="auto"` (or failover): the model actually used."""
    finish_reason: Optional[str] = None
    """Why generation stopped (`stop`, `length`, ...)."""
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    latency_ms: Optional[Number] = None
    cost: Optional[Number] = None
    """Upstream cost in USD."""
    credits_charged: Optional[Number] = None
    credits_remaining: Optional[Number] = None
    mode: Optional[str] = None
    """`chat`, `auto` or `mesh`."""
    conversation_id: Optional[Id] = None
    auto_strategy: Optional[str] = None
    """How `auto` chose: `historical_optimization` or `heuristic_routing`."""
    optimization_goal: Optional[str] = None
    byok: Optional[bool] = None
    """Whether your own provider key served the request (then no credits are charged)."""
    semantic_memory_used: Optional[bool] = None
    """Whether semantic memory injected past exchanges into the prompt."""
    semantic_memory_hits: Optional[int] = None
    """How many past exchanges were injected."""
    final_model: Optional[str] = None
    """Failover: the model whose answer this is (assumed)."""
    attempts: Optional[list[RouteAttempt]] = Field(
        default=None, validation_alias=AliasChoices("attempts", "trace")
    )
    """Failover: every model tried, in order (the server's `attempts` or `trace` list; assumed)."""

    @property
    def total_tokens(self) -> Optional[int]:
        """Prompt plus completion tokens, when both are known (as integers)."""
        prompt, completion = self.prompt_tokens, self.completion_tokens
        if not isinstance(prompt, int) or not isinstance(completion, int):
            return None
        return prompt + completion


class TextChunkEvent(StreamEventBase):
    """A piece of the answer (single-model chat). The last one has `done=True` and timing."""

    model: Optional[str] = None
    delta: str = ""
    """The new text."""
    done: bool = False
    """True on the model's last chunk."""
    latency_ms: Optional[Number] = None
    content_length: Optional[int] = None


class RouteEvent(StreamEventBase):
    """Failover: a model is being tried, failed, was skipped, or succeeded. Its `error` is the
    attempt's, not the stream's: the stream goes on with the next model."""

    event: Literal["route"] = "route"
    model: Optional[str] = None
    status: Optional[str] = None
    """`trying`, `failed`, `skipped`, `ok`, ... (the vocabulary may grow)."""
    status_code: Optional[int] = None
    latency_ms: Optional[Number] = None
    error: Optional[ErrorDetail] = None
    """Why the attempt failed (a message, or an error object: assumed)."""
    reason: Optional[str] = None


class MeshChunkEvent(StreamEventBase):
    """Failover: a piece of the answer from the model currently being tried."""

    event: Literal["chunk"] = "chunk"
    model: Optional[str] = None
    delta: str = ""
    tokens: Optional[int] = None
    cost: Optional[Number] = None
    finish_reason: Optional[str] = None


class TraceEvent(StreamEventBase):
    """Failover summary: which models were tried and which one answered."""

    event: Literal["trace"] = "trace"
    final_model: Optional[str] = None
    attempts: Optional[list[RouteAttempt]] = Field(
        default_factory=list, validation_alias=AliasChoices("attempts", "trace")
    )
    """Every attempt in order (read from the server's `attempts` or `trace` list; None if it sent null)."""
    saved_ms: Optional[Number] = None
    terminal_error: Optional[ErrorDetail] = None
    """Set when every model failed (a message, or an error object: assumed); a terminal error
    event follows."""


class ChatDoneEvent(DoneEventBase):
    """The end of a chat stream, with billing and usage (fields of the TS client's `StreamEvent`;
    `mode` is assumed)."""

    model: Optional[str] = None
    resolved_model: Optional[str] = None
    finish_reason: Optional[str] = None
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    ttft_ms: Optional[Number] = None
    tokens_per_second: Optional[Number] = None
    cost: Optional[Number] = None
    byok: Optional[bool] = None
    auto_strategy: Optional[str] = None
    optimization_goal: Optional[str] = None
    mode: Optional[str] = None
    semantic_memory_used: Optional[bool] = None
    semantic_memory_hits: Optional[int] = None


ChatStreamEvent = Union[
    TextChunkEvent, RouteEvent, MeshChunkEvent, TraceEvent, ChatDoneEvent, UnknownEvent
]
"""Any event a chat stream yields; tell them apart with `isinstance` or an exhaustive `match`.

An error frame is never yielded: iterating raises `ServerStreamError` (its `body` is the frame)."""
