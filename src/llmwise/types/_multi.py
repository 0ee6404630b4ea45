"""What compare, blend and judge share: per-model stream events, live per-model views, per-model
results, and the accumulator that builds views and results from the events.

The three endpoints stream the same per-model frames (contract §4.4-4.6): text chunks and a
completion frame per model, carrying `model` but no `event` key, and an error frame for a model that
failed. One failing model does not end the stream: its error is an event like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional, Union

from typing_extensions import Required, TypedDict

from .._models import BaseModel
from .._streaming import Accumulator
from .shared import ErrorEvent, MessageParam, Number, StreamEventBase, UnknownEvent

__all__ = [
    "MultiModelParams",
    "ModelChunkEvent",
    "ModelDoneEvent",
    "ModelErrorEvent",
    "PerModelEvent",
    "ModelView",
    "ModelResponse",
    "MultiModelAccumulator",
    "event_parser",
]


class MultiModelParams(TypedDict, total=False):
    """The body fields compare, blend and judge share (without `stream`, which the method sets)."""

    messages: Required[list[MessageParam]]
    """The conversation so far, OpenAI-style; every model answers it."""
    temperature: float
    """Sampling temperature, 0 to 2."""
    max_tokens: int
    """Most tokens each model generates, 1 to 128000."""
    semantic_memory: bool
    """Recall relevant past exchanges (server default: true)."""
    semantic_top_k: int
    """How many memories to recall, 1 to 12."""
    semantic_min_score: float
    """Least similarity (0 to 1) for a memory to be recalled."""
    conversation_id: str
    """Attach the exchange to a conversation."""


# --- per-model stream events -----------------------------------------------------------------------


class ModelChunkEvent(StreamEventBase):
    """A piece of one model's answer (the other models stream alongside)."""

    model: str
    """The model (for blend: the source or synthesizer) this text comes from."""
    delta: str = ""
    """The new text."""
    done: bool = False


class ModelDoneEvent(StreamEventBase):
    """One model finished its answer; the others may still be streaming."""

    model: str
    delta: str = ""
    """Normally empty; any text here belongs to the model's answer."""
    done: bool = True
    latency_ms: Optional[Number] = None
    """How long the model took."""
    content_length: Optional[int] = None
    """Characters in the model's answer."""
    completion_tokens: Optional[int] = None
    """Tokens the model generated."""


class ModelErrorEvent(StreamEventBase):
    """One model failed. It is yielded, not raised: the other models carry on."""

    model: str
    error: Optional[str] = None
    """What went wrong."""
    status_code: Optional[int] = None
    """The upstream status of the failure (429, 503, ...)."""
    done: bool = True


PerModelEvent = Union[ModelChunkEvent, ModelDoneEvent, ModelErrorEvent]
"""A frame about one model: text, completion or failure."""

PER_MODEL_EVENTS = (ModelChunkEvent, ModelDoneEvent, ModelErrorEvent)
"""The per-model event classes, for `isinstance`."""


def event_parser(
    kinds: Mapping[str, type[StreamEventBase]],
    *,
    chunk: type[ModelChunkEvent] = ModelChunkEvent,
    done: type[ModelDoneEvent] = ModelDoneEvent,
    error: type[ModelErrorEvent] = ModelErrorEvent,
) -> Callable[[dict[str, Any]], StreamEventBase]:
    """A parser for one endpoint's stream: `kinds` maps `event` values to classes.

    Frames without `event` are per-model frames only when they name their `model` (an error frame
    without one is the terminal error of older servers). Anything else, an unknown `event` included,
    becomes `UnknownEvent`: never the first class that happens to validate.
    """

    def parse(data: dict[str, Any]) -> StreamEventBase:
        kind = data.get("event")
        if kind is None:
            has_model = isinstance(data.get("model"), str)
            if data.get("error") is not None:
                return (error if has_model else ErrorEvent).from_api(data)
            if has_model and data.get("done") is True:
                return done.from_api(data)
            if has_model and isinstance(data.get("delta"), str):
                return chunk.from_api(data)
            return UnknownEvent.from_api(data)
        cls = kinds.get(kind) if isinstance(kind, str) else None
        return (cls or UnknownEvent).from_api(data)

    return parse


# --- live views ----------------------------------------------------------------------------------


@dataclass(eq=False)
class ModelView:
    """What one model (for blend: one source) has streamed so far, updated as the stream is read."""

    label: str
    """The key of this view in `stream.models`: the model id (blend: `model#layer2`, `model#sample3`)."""
    model: str
    """The model id."""
    done: bool = False
    """Whether the model has finished, successfully or not."""
    latency_ms: Optional[Number] = None
    """How long the model took (known once it is done)."""
    tokens: Optional[int] = None
    """Tokens the model generated (known once it is done)."""
    content_length: Optional[int] = None
    """Characters in the model's answer (known once it is done)."""
    error: Optional[str] = None
    """Why the model failed, if it did."""
    status_code: Optional[int] = None
    """The upstream status of the failure, if it failed."""
    phase: Optional[str] = None
    """Blend: `gather`, `layer`, `sample` or `synthesis`."""
    layer: Optional[int] = None
    """Blend `moa`: the layer (1 to 3) this source answered in."""
    sample: Optional[int] = None
    """Blend `self_moa`: the candidate number (1 to N)."""
    _pieces: list[str] = field(default_factory=list, init=False, repr=False)

    @property
    def text(self) -> str:
        """The model's text so far."""
        if len(self._pieces) > 1:
            # Join once and keep the result, so reading `text` while streaming stays linear.
            self._pieces[:] = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    @property
    def status(self) -> str:
        """`streaming`, `ok` or `error`."""
        if self.error is not None or self.status_code is not None:
            return "error"
        return "ok" if self.done else "streaming"

    def add(self, event: PerModelEvent) -> None:
        """Take in one of this model's events."""
        if isinstance(event, ModelErrorEvent):
            self.done = True
            self.error = event.error or "The model failed"
            self.status_code = event.status_code
            return
        if event.delta:
            self._pieces.append(event.delta)
        if isinstance(event, ModelDoneEvent):
            self.done = True
            self.latency_ms = event.latency_ms
            self.content_length = event.content_length
            self.tokens = event.completion_tokens

    def response_data(self) -> dict[str, Any]:
        """This view as a result entry (the shape of the non-streaming JSON's per-model objects)."""
        data: dict[str, Any] = {"model": self.model, "content": self.text}
        for key, value in (
            ("latency_ms", self.latency_ms),
            ("completion_tokens", self.tokens),
            ("layer", self.layer),
            ("sample", self.sample),
            ("error", self.error),
            ("status_code", self.status_code),
        ):
            if value is not None:
                data[key] = value
        data["status"] = self.status
        return data


# --- results -------------------------------------------------------------------------------------


class ModelResponse(BaseModel):
    """One model's answer in a compare result (and a contestant's in a judge result)."""

    model: Optional[str] = None
    """The model id."""
    content: str = ""
    """The answer's text (for a failed model: what arrived before the failure, if anything)."""
    status: Optional[str] = None
    """`ok` or `error` (the vocabulary may grow)."""
    latency_ms: Optional[Number] = None
    completion_tokens: Optional[int] = None
    prompt_tokens: Optional[int] = None
    cost: Optional[Number] = None
    """Upstream cost in USD."""
    error: Optional[str] = None
    """Why the model failed, if it did."""
    status_code: Optional[int] = None
    """The upstream status of the failure, if it failed."""

    @property
    def ok(self) -> bool:
        """Whether the model answered without failing."""
        return self.status != "error" and self.error is None


def by_model(items: Iterable[ModelResponse]) -> dict[str, ModelResponse]:
    """Answers keyed by model id."""
    return {item.model: item for item in items if item.model is not None}


def event_data(event: StreamEventBase | None) -> dict[str, Any]:
    """An event's payload without its `event` key (the fields a result takes over)."""
    if event is None:
        return {}
    data = event.to_dict()
    data.pop("event", None)
    return data


# --- the accumulator -----------------------------------------------------------------------------


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

    def label(self, event: PerModelEvent) -> Optional[str]:
        """The view an event belongs to; None for the stream's main text."""
        return event.model

    def add(self, event: Any) -> None:
        if isinstance(event, PER_MODEL_EVENTS):
            label = self.label(event)
            view = self.main if label is None else self.views.get(label)
            if view is None:
                view = self._open(label, event)
            view.add(event)
        elif event.stream_kind == "done":
            self.done = event
        else:
            self.on_event(event)

    def on_event(self, event: Any) -> None:
        """Take in an event that is neither per-model nor `done` (summary, verdict, unknown)."""

    def _open(self, label: Optional[str], event: PerModelEvent) -> ModelView:
        view = ModelView(
            label if label is not None else event.model,
            event.model,
            phase=getattr(event, "phase", None),
            layer=getattr(event, "layer", None),
            sample=getattr(event, "sample", None),
        )
        if label is None:
            self.main = view
        else:
            self.views[label] = view
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
