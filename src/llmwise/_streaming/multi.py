"""What the compare, blend and judge streams share: the frame parser, the accumulator that keeps the
per-model views, and the stream classes with per-model text streams.

The reading rules are in the package docstring (`llmwise._streaming`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any, ClassVar, Optional, TypeVar, Union

from ..types._multi import PER_MODEL_EVENTS, ModelChunkEvent, ModelDoneEvent, ModelErrorEvent, ModelView
from ..types.shared import StreamEventBase, UnknownEvent
from ._core import Accumulator, AsyncStream, Stream
from ._frames import (
    error_text,
    int_or_none,
    is_error_kind,
    number_or_none,
    read_error_event,
    says_error,
    status_of,
    str_or_none,
)

__all__ = [
    "MultiModelStream",
    "AsyncMultiModelStream",
    "MultiModelAccumulator",
    "event_parser",
    "update_view",
    "view_data",
    "event_data",
]

EventT = TypeVar("EventT")


def event_parser(
    kinds: Mapping[str, type[StreamEventBase]],
    *,
    chunk: type[ModelChunkEvent] = ModelChunkEvent,
    done: type[ModelDoneEvent] = ModelDoneEvent,
    error: type[ModelErrorEvent] = ModelErrorEvent,
) -> Callable[[dict[str, Any]], StreamEventBase]:
    """A parser for one endpoint's stream: `kinds` maps its `event` values to classes.

    Frames without `event` (or of a kind not in `kinds`) are per-model frames: a failure when they
    name their `model` and carry an `error` (without a model, that is the stream's error), a model's
    completion when they name it with `done: true`, text when they have a `delta`. Anything else
    becomes `UnknownEvent`, never the first class that happens to validate.
    """

    def parse(data: dict[str, Any]) -> StreamEventBase:
        kind = data.get("event")
        if kind is not None:
            cls = kinds.get(kind) if isinstance(kind, str) else None
            if cls is not None:
                if cls.stream_kind == "done" and says_error(data.get("error")):
                    return read_error_event(data)
                return cls.from_api(data)
            if is_error_kind(kind):
                return read_error_event(data)
        named = isinstance(data.get("model"), str)
        if says_error(data.get("error")):
            return error.from_api(data) if named else read_error_event(data)
        if named and data.get("done") is True:
            return done.from_api(data)
        if isinstance(data.get("delta"), str) or (kind is None and "delta" in data):
            return chunk.from_api(data)
        return UnknownEvent.from_api(data)

    return parse


def update_view(view: ModelView, event: Any) -> None:
    """Take one of a model's events into its view (odd values are read as what they must be, or
    left out: the event keeps them as sent)."""
    # `type(...) is` first: an exact class check is several times cheaper than isinstance() against
    # a pydantic model class, and this runs for every event of a stream.
    chunk = type(event) is ModelChunkEvent
    if not chunk and isinstance(event, ModelErrorEvent):
        view.done = True
        view.error = error_text(event.error) or "The model failed"
        view.status_code = status_of(event.status_code, event.get("status"), event.get("code"))
        return
    delta = event.delta
    if delta and type(delta) is str:
        view._pieces.append(delta)
    if not chunk and isinstance(event, ModelDoneEvent):
        view.done = True
        view.latency_ms = number_or_none(event.latency_ms)
        view.content_length = int_or_none(event.content_length)
        view.tokens = int_or_none(event.completion_tokens)
    elif event.done is True:
        view.done = True


def view_data(view: ModelView) -> dict[str, Any]:
    """A view as a result entry (the shape of the non-streaming JSON's per-model objects)."""
    data: dict[str, Any] = {"model": view.model, "content": view.text}
    for key, value in (
        ("latency_ms", view.latency_ms),
        ("completion_tokens", view.tokens),
        ("layer", view.layer),
        ("sample", view.sample),
        ("error", view.error),
        ("status_code", view.status_code),
    ):
        if value is not None:
            data[key] = value
    data["status"] = view.status
    return data


def event_data(event: Optional[StreamEventBase]) -> dict[str, Any]:
    """An event's payload without its `event` key (the fields a result takes over)."""
    if event is None:
        return {}
    data = event.to_dict()
    data.pop("event", None)
    return data


class _Continue:
    """The key of a frame that names no model: it continues the view of the frame before it."""


CONTINUE = _Continue()

Key = Union[str, None, _Continue]
"""Which view a frame goes to: a label, None for the main text (blend's synthesis), or `CONTINUE`."""


class MultiModelAccumulator(Accumulator[Any]):
    """Builds the per-model views of a compare, blend or judge stream from its events.

    Subclasses add the endpoint's closing events (summary, verdict) and build its result.
    """

    order_key: ClassVar[str] = "models"
    """The request field listing the models, whose order results follow."""

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        requested = (params or {}).get(self.order_key) or ()
        self._rank = {model: i for i, model in enumerate(requested) if isinstance(model, str)}
        self.views: dict[str, ModelView] = {}
        """Per-model views by label, in order of first appearance."""
        self.main: Optional[ModelView] = None
        """The view whose text is the stream's own text (blend: the synthesis)."""
        self.done: Optional[StreamEventBase] = None
        """The `done` event, once it arrived."""
        self.last: Optional[ModelView] = None
        """The view the last per-model event went to."""
        self.last_key: Union[str, _Continue, None] = CONTINUE
        """That view's key (None: the main text); `CONTINUE` before any per-model event."""

    def key(self, event: Any) -> Key:
        """The view an event belongs to: its label, None for the main text, `CONTINUE` for the view
        of the frame before it."""
        model = event.model
        return model if isinstance(model, str) else CONTINUE

    def add(self, event: Any) -> None:
        if type(event) is ModelChunkEvent or isinstance(event, PER_MODEL_EVENTS):
            key = self.key(event)
            view: Optional[ModelView]
            if type(key) is str:
                view = self.views.get(key)
                if view is None:
                    view = self._open(key, event)
            elif key is CONTINUE:
                view, key = self.last, self.last_key
                if view is None:  # text before any model was named
                    key = ""
                    view = self.views.get(key) or self._open(key, event)
            elif isinstance(key, str):  # a subclass of str
                view = self.views.get(key)
                if view is None:
                    view = self._open(key, event)
            else:
                view = self.main
                if view is None:
                    view = self._open(key, event)
            self.last, self.last_key = view, key
            update_view(view, event)
        elif event.stream_kind == "done":
            self.done = event
        else:
            self.on_event(event)

    def on_event(self, event: Any) -> None:
        """Take in an event that is neither per-model nor `done` (summary, verdict, unknown)."""

    def _open(self, key: Key, event: Any) -> ModelView:
        model = event.model if isinstance(event.model, str) else ""
        view = ModelView(
            key if isinstance(key, str) else model,
            model,
            phase=str_or_none(getattr(event, "phase", None)),
            layer=int_or_none(getattr(event, "layer", None)),
            sample=int_or_none(getattr(event, "sample", None)),
        )
        if key is None:
            self.main = view
        elif isinstance(key, str):
            self.views[key] = view
        return view

    def ordered(self) -> list[ModelView]:
        """The views in result order: by layer, then sample, then the request's model order."""
        unknown = len(self._rank)
        # sorted() is stable: models the request did not list keep their order of appearance.
        return sorted(
            self.views.values(), key=lambda v: (v.layer or 0, v.sample or 0, self._rank.get(v.model, unknown))
        )

    @property
    def text(self) -> str:
        """The main text; without one (compare, judge), every model's text under its label."""
        if self.main is not None:
            return self.main.text
        return "\n\n".join(f"{view.label}:\n{view.text}" for view in self.views.values() if view.text)


def _accumulator(state: Any) -> MultiModelAccumulator:
    accumulator: MultiModelAccumulator = state.accumulator
    return accumulator


def _handed_out(state: Any, label: Optional[str]) -> tuple[str, bool]:
    """The text of the view `label` handed out so far, and whether that view has ended."""
    accumulator = _accumulator(state)
    view = accumulator.main if label is None else accumulator.views.get(label)
    if view is None:
        return "", False
    return view.text, view.done


# <async>
class AsyncMultiModelStream(AsyncStream[EventT]):
    """A stream of several models at once: per-model views while streaming, per-model text streams."""

    @property
    def models(self) -> dict[str, ModelView]:
        """Live per-model views (text so far, done, latency, tokens, error), by model id.

        For blend the keys are source labels: the model id (gather strategies), `model#layer<k>`
        (moa) or `model#sample<i>` (self_moa). The views update as the stream is read.
        """
        return dict(_accumulator(self._state).views)

    def model_text_stream(self, model: str) -> AsyncIterator[str]:
        """One model's text (blend: one source, by its key in `models`), piece by piece, until that
        model finishes or fails.

        Text of the model that was already handed out (while iterating events, or by another
        text stream) comes first as one piece, so the pieces always join into the model's whole
        text. Other models' events are still read and update their views, and the stream stays
        open for the rest (`get_final_result()`, more events); leave it with `with` or `close()`.
        """
        return self._iter_text(model, to_end=False)

    async def _iter_text(self, label: Optional[str], *, to_end: bool) -> AsyncIterator[str]:
        accumulator = _accumulator(self._state)
        before, ended = _handed_out(self._state, label)
        if before:
            yield before
        # A text stream that stops when its model finishes must leave the rest of the stream
        # readable: the stream's own `__anext__` keeps its event generator alive. One that reads to
        # the end holds the generator itself, so abandoning it releases the connection, like `break`.
        events: AsyncIterator[EventT] = self.__aiter__() if to_end else self
        while to_end or not ended:
            try:
                event = await events.__anext__()
            except StopAsyncIteration:
                return
            # The event was taken in before it was handed out: `last_key` is its view's.
            if ended or not isinstance(event, PER_MODEL_EVENTS) or accumulator.last_key != label:
                continue
            delta = event.delta if not isinstance(event, ModelErrorEvent) else None
            if delta and type(delta) is str:
                yield delta
            if accumulator.last is not None and accumulator.last.done:
                ended = True
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class MultiModelStream(Stream[EventT]):
    """A stream of several models at once: per-model views while streaming, per-model text streams."""

    @property
    def models(self) -> dict[str, ModelView]:
        """Live per-model views (text so far, done, latency, tokens, error), by model id.

        For blend the keys are source labels: the model id (gather strategies), `model#layer<k>`
        (moa) or `model#sample<i>` (self_moa). The views update as the stream is read.
        """
        return dict(_accumulator(self._state).views)

    def model_text_stream(self, model: str) -> Iterator[str]:
        """One model's text (blend: one source, by its key in `models`), piece by piece, until that
        model finishes or fails.

        Text of the model that was already handed out (while iterating events, or by another
        text stream) comes first as one piece, so the pieces always join into the model's whole
        text. Other models' events are still read and update their views, and the stream stays
        open for the rest (`get_final_result()`, more events); leave it with `with` or `close()`.
        """
        return self._iter_text(model, to_end=False)

    def _iter_text(self, label: Optional[str], *, to_end: bool) -> Iterator[str]:
        accumulator = _accumulator(self._state)
        before, ended = _handed_out(self._state, label)
        if before:
            yield before
        # A text stream that stops when its model finishes must leave the rest of the stream
        # readable: the stream's own `__next__` keeps its event generator alive. One that reads to
        # the end holds the generator itself, so abandoning it releases the connection, like `break`.
        events: Iterator[EventT] = self.__iter__() if to_end else self
        while to_end or not ended:
            try:
                event = events.__next__()
            except StopIteration:
                return
            # The event was taken in before it was handed out: `last_key` is its view's.
            if ended or not isinstance(event, PER_MODEL_EVENTS) or accumulator.last_key != label:
                continue
            delta = event.delta if not isinstance(event, ModelErrorEvent) else None
            if delta and type(delta) is str:
                yield delta
            if accumulator.last is not None and accumulator.last.done:
                ended = True
# </sync>
