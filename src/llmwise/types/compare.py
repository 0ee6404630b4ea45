"""Compare: 2 to 9 models answer the same prompt side by side (`POST /compare`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Optional, Union, cast

from typing_extensions import Required

from .._models import BaseModel
from ._multi import (
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    ModelResponse,
    ModelView,
    MultiModelAccumulator,
    MultiModelParams,
    by_model,
    event_data,
    event_parser,
)
from .shared import DoneEventBase, ErrorEvent, Number, StreamEventBase, UnknownEvent

__all__ = [
    "CompareCreateParams",
    "ModelStats",
    "CompareSummary",
    "ModelResponse",
    "CompareResult",
    "ModelChunkEvent",
    "ModelDoneEvent",
    "ModelErrorEvent",
    "CompareSummaryEvent",
    "CompareDoneEvent",
    "CompareStreamEvent",
    "ModelView",
    "CompareAccumulator",
    "parse_compare_event",
]


class CompareCreateParams(MultiModelParams, total=False):
    """The body of `POST /compare` (without `stream`, which the method sets)."""

    models: Required[list[str]]
    """2 to 9 distinct model ids, run concurrently on the same messages."""


class ModelStats(BaseModel):
    """One model's numbers in a compare summary."""

    latency_ms: Optional[Number] = None
    tokens: Optional[int] = None
    """Tokens the model generated."""
    content_length: Optional[int] = None
    """Characters in the model's answer."""
    status: Optional[str] = None
    """`ok` or `error` (the vocabulary may grow)."""
    status_code: Optional[int] = None
    """The upstream status, for a model that failed."""


class CompareSummary(BaseModel):
    """Which model was fastest and which wrote the most, plus every model's numbers."""

    fastest: Optional[str] = None
    """The successful model with the lowest latency."""
    longest: Optional[str] = None
    """The successful model with the longest answer."""
    models: dict[str, ModelStats] = {}
    """Per-model numbers, by model id."""


class CompareResult(BaseModel):
    """The answers of a compare call (and what `CompareStream.get_final_result()` builds)."""

    id: Optional[str] = None
    """The request id (usable with `client.history.retrieve`)."""
    responses: list[ModelResponse] = []
    """Every model's answer, in the order the request listed the models; failed models included."""
    summary: Optional[CompareSummary] = None
    """Fastest, longest and per-model numbers."""
    credits_charged: Optional[Number] = None
    credits_remaining: Optional[Number] = None
    latency_ms: Optional[Number] = None
    """Wall time of the whole comparison."""
    conversation_id: Optional[str] = None
    semantic_memory_used: Optional[bool] = None
    semantic_memory_hits: Optional[int] = None

    @property
    def by_model(self) -> dict[str, ModelResponse]:
        """The answers keyed by model id: `result.by_model["gpt-5.2"].content`."""
        return by_model(self.responses)


class CompareSummaryEvent(CompareSummary, StreamEventBase):
    """Sent after every model has finished: fastest, longest and per-model numbers."""

    event: Literal["summary"] = "summary"


class CompareDoneEvent(DoneEventBase):
    """The end of a compare stream, with billing."""



CompareStreamEvent = Union[
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    CompareSummaryEvent,
    CompareDoneEvent,
    ErrorEvent,
    UnknownEvent,
]
"""Any event of a compare stream; tell them apart with `isinstance` (or `match`)."""

_parse = event_parser({"summary": CompareSummaryEvent, "done": CompareDoneEvent, "error": ErrorEvent})


def parse_compare_event(data: dict[str, Any]) -> CompareStreamEvent:
    """The typed event for one compare stream payload; unknown kinds become `UnknownEvent`."""
    return cast(CompareStreamEvent, _parse(data))


class CompareAccumulator(MultiModelAccumulator):
    """Builds the per-model views and the final `CompareResult` of a compare stream."""

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.summary: Optional[CompareSummaryEvent] = None

    def on_event(self, event: Any) -> None:
        if isinstance(event, CompareSummaryEvent):
            self.summary = event

    def result(self) -> CompareResult:
        """The final result, as the non-streaming call would have returned it."""
        data = event_data(self.done)
        data["responses"] = [view.response_data() for view in self.ordered()]
        if self.summary is not None:
            data["summary"] = event_data(self.summary)
        return CompareResult.from_api(data)
