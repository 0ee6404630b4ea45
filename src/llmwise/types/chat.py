"""Chat: request parameters, the result, and the stream events (single model, auto and failover)."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import AliasChoices, Field
from typing_extensions import Required, TypedDict

from .._models import BaseModel
from .._streaming import Accumulator
from .shared import DoneEventBase, ErrorEvent, MessageParam, Number, StreamEventBase, UnknownEvent

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
    "ChatAccumulator",
    "parse_chat_event",
    "parse_chat_text",
]


class RoutingParam(TypedDict, total=False):
    """Failover (Mesh) routing: backup models tried in order when the primary fails."""

    fallback: list[str]
    """Ordered backup model ids."""
    strategy: Literal["rate-limit", "latency", "cost", "round-robin"]
    """How fallbacks are preferred: `rate-limit`, `latency`, `cost` or `round-robin`."""


class ChatCreateParams(TypedDict, total=False):
    """The body of `POST /chat` (without `stream`, which the method sets)."""

    model: Required[str]
    """A model id from `client.models.list()`, or `"auto"` for smart routing."""
    messages: Required[list[MessageParam]]
    """The conversation so far, OpenAI-style."""
    temperature: float
    """Sampling temperature, 0 to 2."""
    max_tokens: int
    """Most tokens to generate, 1 to 128000."""
    cost_saver: bool
    """Force `auto` routing with the `cost` goal."""
    optimization_goal: Literal["balanced", "latency", "cost", "reliability"]
    """What `auto` optimises for: `balanced`, `latency`, `cost` or `reliability`."""
    semantic_memory: bool
    """Recall relevant past exchanges (server default: true)."""
    semantic_top_k: int
    """How many memories to recall, 1 to 12."""
    semantic_min_score: float
    """Least similarity (0 to 1) for a memory to be recalled."""
    routing: RoutingParam
    """Failover chain and strategy; turns on Mesh mode."""
    conversation_id: str
    """Attach the exchange to a conversation."""


class RouteAttempt(BaseModel):
    """One model tried during failover routing."""

    model: Optional[str] = None
    status: Optional[str] = None
    """How the attempt went (the sandbox says `ok` or `failed`; the vocabulary may grow)."""
    status_code: Optional[int] = None
    latency_ms: Optional[Number] = None
    error: Optional[str] = None
    reason: Optional[str] = None


class ChatCompletion(BaseModel):
    """The answer of a chat call (and what `ChatStream.get_final_completion()` builds)."""

    id: Optional[str] = None
    """The request id (usable with `client.history.retrieve`)."""
    model: Optional[str] = None
    """The model that answered."""
    content: str = ""
    """The answer's text."""
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
    conversation_id: Optional[str] = None
    auto_strategy: Optional[str] = None
    """How `auto` chose: `historical_optimization` or `heuristic_routing`."""
    optimization_goal: Optional[str] = None
    final_model: Optional[str] = None
    """Failover: the model whose answer this is."""
    attempts: Optional[list[RouteAttempt]] = Field(
        default=None, validation_alias=AliasChoices("attempts", "trace")
    )
    """Failover: every model tried, in order (the server's `attempts` or `trace` list)."""

    @property
    def total_tokens(self) -> Optional[int]:
        """Prompt plus completion tokens, when both are known."""
        if self.prompt_tokens is None or self.completion_tokens is None:
            return None
        return self.prompt_tokens + self.completion_tokens


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
    """Failover: a model is being tried, failed, was skipped, or succeeded."""

    event: Literal["route"] = "route"
    model: Optional[str] = None
    status: Optional[str] = None
    """`trying`, `failed`, `skipped`, `ok`, ... (the vocabulary may grow)."""
    status_code: Optional[int] = None
    latency_ms: Optional[Number] = None
    error: Optional[str] = None
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
    attempts: list[RouteAttempt] = Field(default_factory=list, validation_alias=AliasChoices("attempts", "trace"))
    """Every attempt in order (read from the server's `attempts` or `trace` list)."""
    saved_ms: Optional[Number] = None
    terminal_error: Optional[str] = None
    """Set when every model failed."""


class ChatDoneEvent(DoneEventBase):
    """The end of a chat stream, with billing and usage."""

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


ChatStreamEvent = Union[
    TextChunkEvent, RouteEvent, MeshChunkEvent, TraceEvent, ChatDoneEvent, ErrorEvent, UnknownEvent
]
"""Any event of a chat stream; tell them apart with `isinstance` (or `match`)."""

_CHAT_EVENTS: dict[str, type[StreamEventBase]] = {
    "route": RouteEvent,
    "chunk": MeshChunkEvent,
    "trace": TraceEvent,
    "done": ChatDoneEvent,
    "error": ErrorEvent,
}


def parse_chat_event(data: dict[str, Any]) -> ChatStreamEvent:
    """The typed event for one chat stream payload; unknown kinds become `UnknownEvent`, never a guess."""
    kind = data.get("event")
    if kind is None:
        if "delta" in data:
            if TextChunkEvent.__pydantic_complete__:
                # Nearly every event of a stream: the validator itself, without `model_validate`'s
                # Python-level wrapper (which only forwards its default arguments to it). The
                # first call goes through `model_validate`, which builds the deferred schema.
                event: TextChunkEvent = TextChunkEvent.__pydantic_validator__.validate_python(data)
                return event
            return TextChunkEvent.from_api(data)
        if "error" in data:
            return ErrorEvent.from_api(data)
        return UnknownEvent.from_api(data)
    cls = _CHAT_EVENTS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return UnknownEvent.from_api(data)
    return cls.from_api(data)  # type: ignore[return-value]


def parse_chat_text(data: str) -> Optional[TextChunkEvent]:
    """A text chunk straight from its JSON text, or None to let `parse_chat_event` decide.

    The short cut of chat streams (see `StreamState`): pydantic parses and validates the JSON in
    one step, in strict mode. It returns None unless the result is certainly what
    `parse_chat_event(json.loads(data))` gives: a payload that names an `event`, lacks `delta`,
    has fields this SDK does not know, or has a value of another JSON type than the field's own
    (which lax validation might convert), takes the normal path. pydantic's JSON parser rejects
    everything `json.loads` rejects and reads every other document the same way, except integers
    longer than `sys.get_int_max_str_digits()` allows, which are sent to the normal path too.
    `tests/test_perf_paths.py` checks this against the normal path.
    """
    if '"event"' in data or not TextChunkEvent.__pydantic_complete__:
        return None
    try:
        event: TextChunkEvent = TextChunkEvent.__pydantic_validator__.validate_json(data, strict=True)
    except Exception:  # any failure: the normal path decides, and raises or skips as it always did
        return None
    fields = event.__dict__
    if fields["event"] is not None or "delta" not in event.__pydantic_fields_set__ or event.__pydantic_extra__:
        return None
    latency, length = fields["latency_ms"], fields["content_length"]
    if (latency is not None or length is not None) and (_long_int(latency) or _long_int(length)):
        return None
    return event


def _long_int(value: Any) -> bool:
    # Past 64 bits an integer may be longer than `sys.get_int_max_str_digits()` allows json.loads.
    return type(value) is int and value.bit_length() > 64


# A stream keeps its text for `.text`, `partial_text` and `get_final_completion()`. Kept as one str
# per delta, a 100,000-event stream would hold ~60 bytes per event (object headers) for ~6 bytes of
# text; joined every `_BLOCK` pieces it holds about one byte per character, whatever its length.
_BLOCK = 256


class _Text:
    """One model's text: recent pieces, and older ones joined into blocks."""

    __slots__ = ("blocks", "recent")

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.recent: list[str] = []

    def value(self) -> str:
        if self.blocks:
            return "".join(self.blocks) + "".join(self.recent)
        return "".join(self.recent)


class ChatAccumulator(Accumulator[ChatStreamEvent]):
    """Builds the text and the final `ChatCompletion` of a chat stream from its events."""

    def __init__(self) -> None:
        # Failover may stream part of an answer from a model that then fails: keep text per model
        # and report the answering model's.
        self._texts: dict[Optional[str], _Text] = {}
        self._current: Optional[str] = None
        self.done: Optional[ChatDoneEvent] = None
        self.trace: Optional[TraceEvent] = None
        self.finish_reason: Optional[str] = None
        self.model: Optional[str] = None

    def add(self, event: ChatStreamEvent) -> None:
        # `type(...) is` first: an exact class check is several times cheaper than isinstance()
        # against a pydantic model class, and this runs for every event of a stream.
        if type(event) is TextChunkEvent or isinstance(event, (TextChunkEvent, MeshChunkEvent)):
            model = event.model
            text = self._texts.get(model)
            if model != self._current or text is None:
                self._current = model
                if text is None:
                    text = self._texts[model] = _Text()
            delta = event.delta
            if delta:
                recent = text.recent
                recent.append(delta)
                if len(recent) >= _BLOCK:
                    text.blocks.append("".join(recent))
                    recent.clear()
            if model:
                self.model = model
            if type(event) is not TextChunkEvent and isinstance(event, MeshChunkEvent) and event.finish_reason:
                self.finish_reason = event.finish_reason
        elif isinstance(event, RouteEvent):
            if event.status == "trying" and event.model is not None:
                # A new attempt starts from nothing.
                self._texts[event.model] = _Text()
                self._current = event.model
        elif isinstance(event, TraceEvent):
            self.trace = event
            if event.final_model:
                self._current = event.final_model
        elif isinstance(event, ChatDoneEvent):
            self.done = event

    @staticmethod
    def delta(event: ChatStreamEvent) -> Optional[str]:
        """The text an event adds, if any."""
        if type(event) is TextChunkEvent or isinstance(event, (TextChunkEvent, MeshChunkEvent)):
            return event.delta or None
        return None

    @property
    def text(self) -> str:
        text = self._texts.get(self._current)
        return "" if text is None else text.value()

    def completion(self) -> ChatCompletion:
        """The final result, as the non-streaming call would have returned it."""
        data: dict[str, Any] = self.done.to_dict() if self.done is not None else {}
        data.pop("event", None)
        if self.trace is not None:
            data.setdefault("final_model", self.trace.final_model)
            data["attempts"] = [a.to_dict() for a in self.trace.attempts]
        answered = data.get("resolved_model") or data.get("final_model") or data.get("model") or self.model
        data.setdefault("model", answered)
        if data.get("model") is None:
            data["model"] = answered
        if not data.get("finish_reason"):
            data["finish_reason"] = self.finish_reason
        data["content"] = self.text
        return ChatCompletion.from_api(data)
