"""Chat streams: the frame parser (with its short cut for text chunks), the accumulator that builds
the text and the final `ChatCompletion`, and `ChatStream` / `AsyncChatStream`.

The reading rules are in the package docstring (`llmwise._streaming`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Optional

from pydantic import ValidationError

from .._models import BaseModel
from ..types.chat import (
    ChatCompletion,
    ChatDoneEvent,
    ChatStreamEvent,
    MeshChunkEvent,
    RouteEvent,
    TextChunkEvent,
    TraceEvent,
)
from ..types.shared import ErrorEvent, StreamEventBase, UnknownEvent
from ._core import Accumulator, AsyncStream, Stream
from ._frames import is_error_kind, read_error_event, says_error

if TYPE_CHECKING:
    from .._base_client import APIClient, AsyncAPIClient, Operation

__all__ = [
    "ChatStream",
    "AsyncChatStream",
    "ChatAccumulator",
    "parse_chat_event",
    "parse_chat_text",
]

_CHAT_EVENTS: dict[str, type[StreamEventBase]] = {
    "route": RouteEvent,
    "chunk": MeshChunkEvent,
    "trace": TraceEvent,
    "done": ChatDoneEvent,
}


def parse_chat_event(data: dict[str, Any]) -> ChatStreamEvent | ErrorEvent:
    """The typed event for one chat stream payload (see the package docstring for the rules); an
    `ErrorEvent` is raised by the stream as `ServerStreamError`, never yielded."""
    kind = data.get("event")
    if kind is None:
        if says_error(data.get("error")):
            return read_error_event(data)
        if "delta" in data:
            if TextChunkEvent.__pydantic_complete__:
                # Nearly every event of a stream: the validator itself, without `model_validate`'s
                # Python-level wrapper (which only forwards its default arguments to it). The
                # first call goes through `from_api`, which builds the deferred schema.
                try:
                    event: TextChunkEvent = TextChunkEvent.__pydantic_validator__.validate_python(data)
                except ValidationError:
                    pass  # kept as sent (or raised, in strict mode) by from_api
                else:
                    return event
            return TextChunkEvent.from_api(data)
        return UnknownEvent.from_api(data)
    cls = _CHAT_EVENTS.get(kind) if isinstance(kind, str) else None
    if cls is not None:
        if cls is ChatDoneEvent and says_error(data.get("error")):
            return read_error_event(data)
        return cls.from_api(data)  # type: ignore[return-value]
    if is_error_kind(kind) or says_error(data.get("error")):
        return read_error_event(data)
    if isinstance(data.get("delta"), str):
        return TextChunkEvent.from_api(data)
    return UnknownEvent.from_api(data)


def parse_chat_text(data: str) -> Optional[TextChunkEvent]:
    """A text chunk straight from its JSON text, or None to let `parse_chat_event` decide.

    The short cut of chat streams (see `StreamState`): pydantic parses and validates the JSON in
    one step, in strict mode. It returns None unless the result is certainly what
    `parse_chat_event(json.loads(data))` gives: a payload that names an `event`, lacks `delta`,
    has fields this SDK does not know (`error` among them), or has a value of another JSON type than
    the field's own (which lax validation might convert), takes the normal path. pydantic's JSON
    parser rejects everything `json.loads` rejects and reads every other document the same way,
    except integers longer than `sys.get_int_max_str_digits()` allows, which are sent to the normal
    path too. `tests/test_perf_paths.py` checks this against the normal path.
    """
    validate = _validate_json
    if validate is None:
        if not TextChunkEvent.__pydantic_complete__:
            return None
        validate = _text_validator()
    if '"event"' in data:
        return None
    try:
        event: TextChunkEvent = validate(data, strict=True)
    except Exception:  # any failure: the normal path decides
        return None
    fields = event.__dict__
    if fields["event"] is not None or "delta" not in event.__pydantic_fields_set__ or event.__pydantic_extra__:
        return None
    latency, length = fields["latency_ms"], fields["content_length"]
    if (latency is not None or length is not None) and (_long_int(latency) or _long_int(length)):
        return None
    return event


# `TextChunkEvent.__pydantic_validator__.validate_json`, taken once the schema is built: looking it
# up on the model class costs a fifth of the validation itself, per event.
_validate_json: Optional[Callable[..., Any]] = None


def _text_validator() -> Callable[..., Any]:
    global _validate_json
    _validate_json = TextChunkEvent.__pydantic_validator__.validate_json
    return _validate_json


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
        # Joined once, in one step, and kept as the only block: the pieces are freed as soon as the
        # whole exists, so reading the text (as the stream's end does, for the ledger) holds it
        # twice only for a moment, and reading it again costs nothing until more arrives.
        blocks = self.blocks
        recent = self.recent
        if recent:
            if not blocks:
                return "".join(recent)
            blocks.append("".join(recent))
            recent.clear()
        if len(blocks) > 1:
            blocks[:] = ["".join(blocks)]
        return blocks[0] if blocks else ""


class ChatAccumulator(Accumulator[ChatStreamEvent]):
    """Builds the text and the final `ChatCompletion` of a chat stream from its events."""

    def __init__(self) -> None:
        # Failover may stream part of an answer from a model that then fails: keep text per model
        # and report the answering model's.
        self._texts: dict[Optional[str], _Text] = {}
        self._current: Optional[str] = None
        # The current answer's text (`_texts[_current]`), or None to look it up on the next chunk.
        self._text: Optional[_Text] = None
        self.done: Optional[ChatDoneEvent] = None
        self.trace: Optional[TraceEvent] = None
        self.finish_reason: Optional[str] = None
        self.model: Optional[str] = None

    def add(self, event: ChatStreamEvent) -> None:
        # `type(...) is` first: an exact class check is several times cheaper than isinstance()
        # against a pydantic model class, and this runs for every event of a stream.
        if type(event) is TextChunkEvent:
            # Nearly every event: the branch below, without its MeshChunkEvent part.
            model = event.model
            text = self._text
            if text is None or (model != self._current and model is not None):
                text = self._switch(model)
            delta = event.delta
            if delta and type(delta) is str:
                recent = text.recent
                recent.append(delta)
                if len(recent) >= _BLOCK:
                    text.blocks.append("".join(recent))
                    recent.clear()
        elif isinstance(event, (TextChunkEvent, MeshChunkEvent)):
            model = event.model
            text = self._text
            if text is None or (model != self._current and model is not None):
                text = self._switch(model)
            delta = event.delta
            if delta and type(delta) is str:
                recent = text.recent
                recent.append(delta)
                if len(recent) >= _BLOCK:
                    text.blocks.append("".join(recent))
                    recent.clear()
            if type(event) is not TextChunkEvent and isinstance(event, MeshChunkEvent):
                finish_reason = event.finish_reason
                if finish_reason and isinstance(finish_reason, str):
                    self.finish_reason = finish_reason
        elif isinstance(event, RouteEvent):
            model = event.model
            if event.status == "trying" and isinstance(model, str):
                # A new attempt starts from nothing.
                self._texts[model] = _Text()
                self._current = model
                self._text = None
        elif isinstance(event, TraceEvent):
            self.trace = event
            final = event.final_model
            if final and isinstance(final, str):
                self._current = final
                self._text = None
        elif isinstance(event, ChatDoneEvent):
            self.done = event

    def _switch(self, model: Any) -> _Text:
        """The text a chunk of `model` goes to: the current answer's when it names none (or names
        it with something other than a string), else that model's, which becomes current."""
        if not isinstance(model, str):
            model = self._current
        text = self._texts.get(model)
        if text is None:
            # The first model named takes over the text that came before any name.
            orphan = self._texts.pop(None, None) if model is not None and self._current is None else None
            text = self._texts[model] = orphan if orphan is not None else _Text()
        self._current = model
        self._text = text
        if model:
            self.model = model
        return text

    @staticmethod
    def delta(event: ChatStreamEvent) -> Optional[str]:
        """The text an event adds, if any."""
        if type(event) is TextChunkEvent or isinstance(event, (TextChunkEvent, MeshChunkEvent)):
            delta = event.delta
            return delta if delta and type(delta) is str else None
        return None

    @property
    def text(self) -> str:
        text = self._text if self._text is not None else self._texts.get(self._current)
        return "" if text is None else text.value()

    def completion(self) -> ChatCompletion:
        """The final result, as the non-streaming call would have returned it."""
        data: dict[str, Any] = self.done.to_dict() if self.done is not None else {}
        data.pop("event", None)
        trace = self.trace
        if trace is not None:
            data.setdefault("final_model", trace.final_model)
            attempts = trace.attempts
            if isinstance(attempts, list):
                data["attempts"] = [a.to_dict() if isinstance(a, BaseModel) else a for a in attempts]
            elif attempts is None:
                data["attempts"] = None
        if not isinstance(data.get("model"), str):
            for answered in (data.get("resolved_model"), data.get("final_model"), self.model):
                if isinstance(answered, str) and answered:
                    data["model"] = answered
                    break
        if not data.get("finish_reason"):
            data["finish_reason"] = self.finish_reason
        data["content"] = self.text
        return ChatCompletion.from_api(data)


# <async>
class AsyncChatStream(AsyncStream[ChatStreamEvent]):
    """A chat stream: iterate typed events, or use `text_stream` and `get_final_completion()`."""

    def __init__(self, client: AsyncAPIClient, op: Operation[Any]) -> None:
        super().__init__(client, op, parse_chat_event, ChatAccumulator, parse_chat_text)

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """Only the text, piece by piece, as it arrives."""
        return self._iter_text()

    async def _iter_text(self) -> AsyncIterator[str]:
        async for event in self:
            delta = ChatAccumulator.delta(event)
            if delta:
                yield delta

    async def get_final_completion(self) -> ChatCompletion:
        """Read to the end and return the `ChatCompletion` the non-streaming call would have returned."""
        await self.until_done()
        accumulator: Any = self._state.accumulator
        completion: ChatCompletion = accumulator.completion()
        return completion
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class ChatStream(Stream[ChatStreamEvent]):
    """A chat stream: iterate typed events, or use `text_stream` and `get_final_completion()`."""

    def __init__(self, client: APIClient, op: Operation[Any]) -> None:
        super().__init__(client, op, parse_chat_event, ChatAccumulator, parse_chat_text)

    @property
    def text_stream(self) -> Iterator[str]:
        """Only the text, piece by piece, as it arrives."""
        return self._iter_text()

    def _iter_text(self) -> Iterator[str]:
        for event in self:
            delta = ChatAccumulator.delta(event)
            if delta:
                yield delta

    def get_final_completion(self) -> ChatCompletion:
        """Read to the end and return the `ChatCompletion` the non-streaming call would have returned."""
        self.until_done()
        accumulator: Any = self._state.accumulator
        completion: ChatCompletion = accumulator.completion()
        return completion
# </sync>
