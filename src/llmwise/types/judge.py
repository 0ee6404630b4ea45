"""Judge: 2 to 4 contestants answer, then a judge model ranks them (`POST /judge`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Optional, Union, cast

from pydantic import field_validator
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
    "JudgeCreateParams",
    "JudgeScore",
    "Verdict",
    "WinnerResponse",
    "ModelResponse",
    "JudgeResult",
    "ModelChunkEvent",
    "ModelDoneEvent",
    "ModelErrorEvent",
    "VerdictEvent",
    "JudgeDoneEvent",
    "JudgeStreamEvent",
    "ModelView",
    "JudgeAccumulator",
    "parse_judge_event",
]


class JudgeCreateParams(MultiModelParams, total=False):
    """The body of `POST /judge` (without `stream`, which the method sets)."""

    contestants: Required[list[str]]
    """2 to 4 distinct model ids that answer the messages."""
    judge: Required[str]
    """The model that ranks the answers; it must not be a contestant."""
    criteria: list[str]
    """What the judge weighs, e.g. `["accuracy", "brevity"]` (free-form)."""


class JudgeScore(BaseModel):
    """The judge's assessment of one contestant."""

    model: Optional[str] = None
    rank: Optional[int] = None
    """1 is best."""
    score: Optional[Number] = None
    """0 to 10."""
    reasoning: Optional[str] = None
    """Why the judge scored it so."""


class Verdict(BaseModel):
    """The judge's ranking of the contestants."""

    winner: Optional[str] = None
    """The best contestant's model id."""
    scores: list[JudgeScore] = []
    """Every contestant's score, best rank first."""
    overall: Optional[str] = None
    """The judge's summary."""

    @field_validator("scores")
    @classmethod
    def _by_rank(cls, scores: list[JudgeScore]) -> list[JudgeScore]:
        # The contract does not promise the order; ranks do. Unranked entries go last, in the
        # server's order (sorted() is stable).
        return sorted(scores, key=lambda s: (s.rank is None, s.rank or 0))

    @property
    def ranking(self) -> list[str]:
        """Contestant model ids, best first."""
        return [s.model for s in self.scores if s.model is not None]

    def score_of(self, model: str) -> Optional[JudgeScore]:
        """The score of one contestant, if the judge scored it."""
        return next((s for s in self.scores if s.model == model), None)


class WinnerResponse(BaseModel):
    """The winning contestant's answer."""

    model: Optional[str] = None
    content: str = ""


class JudgeResult(BaseModel):
    """The verdict of a judge call (and what `JudgeStream.get_final_result()` builds)."""

    id: Optional[str] = None
    """The request id (usable with `client.history.retrieve`)."""
    verdict: Optional[Verdict] = None
    """The ranking, scores and the judge's summary."""
    winner_response: Optional[WinnerResponse] = None
    """The winning answer."""
    contestants: list[ModelResponse] = []
    """Every contestant's answer, in request order; failed contestants included."""
    judge: Optional[str] = None
    """The judging model."""
    credits_charged: Optional[Number] = None
    credits_remaining: Optional[Number] = None
    latency_ms: Optional[Number] = None
    conversation_id: Optional[str] = None
    semantic_memory_used: Optional[bool] = None
    semantic_memory_hits: Optional[int] = None

    @property
    def winner(self) -> Optional[str]:
        """The winning contestant's model id."""
        if self.verdict is not None and self.verdict.winner is not None:
            return self.verdict.winner
        return self.winner_response.model if self.winner_response is not None else None

    @property
    def by_model(self) -> dict[str, ModelResponse]:
        """The contestants' answers keyed by model id."""
        return by_model(self.contestants)


class VerdictEvent(Verdict, StreamEventBase):
    """Sent after every contestant has finished: the judge's ranking."""

    event: Literal["verdict"] = "verdict"


class JudgeDoneEvent(DoneEventBase):
    """The end of a judge stream, with billing."""

    judge: Optional[str] = None


JudgeStreamEvent = Union[
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    VerdictEvent,
    JudgeDoneEvent,
    ErrorEvent,
    UnknownEvent,
]
"""Any event of a judge stream; tell them apart with `isinstance` (or `match`)."""

_parse = event_parser({"verdict": VerdictEvent, "done": JudgeDoneEvent, "error": ErrorEvent})


def parse_judge_event(data: dict[str, Any]) -> JudgeStreamEvent:
    """The typed event for one judge stream payload; unknown kinds become `UnknownEvent`."""
    return cast(JudgeStreamEvent, _parse(data))


class JudgeAccumulator(MultiModelAccumulator):
    """Builds the contestants' views and the final `JudgeResult` of a judge stream."""

    order_key: ClassVar[str] = "contestants"

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(params)
        self.verdict: Optional[VerdictEvent] = None

    def on_event(self, event: Any) -> None:
        if isinstance(event, VerdictEvent):
            self.verdict = event

    def result(self) -> JudgeResult:
        """The final result, as the non-streaming call would have returned it."""
        data = event_data(self.done)
        data["contestants"] = [view.response_data() for view in self.ordered()]
        if self.verdict is not None:
            data["verdict"] = event_data(self.verdict)
            winner = self.views.get(self.verdict.winner or "")
            if winner is not None:
                data["winner_response"] = {"model": winner.model, "content": winner.text}
        return JudgeResult.from_api(data)
