"""Judge: 2 to 4 contestants answer, then a judge model ranks them (`POST /judge`).

Field types follow the contract (§3.4, §4.6, §5.4): documented fields have their documented type;
the others are marked *assumed* and admit the plausible shapes. The JSON answer's `verdict` has no
documented type: it is a `Verdict` when it comes as an object (the streamed verdict's shape), and the
judge's text, kept as a `str`, when it comes as a string. Data only: the stream logic is in
`llmwise._streaming.judge`.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import field_validator

from .._models import BaseModel
from ._multi import (
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    ModelResponse,
    ModelView,
    by_model,
)
from .params import JudgeCreateParams  # defined there, without pydantic
from .shared import DoneEventBase, Id, Number, StreamEventBase, UnknownEvent

__all__ = [
    "JudgeCreateParams",
    "JudgeScore",
    "Verdict",
    "WinnerResponse",
    "ModelResponse",
    "JudgeResult",
    "JudgeRun",
    "AggregatedJudgeResult",
    "ModelChunkEvent",
    "ModelDoneEvent",
    "ModelErrorEvent",
    "VerdictEvent",
    "JudgeDoneEvent",
    "JudgeStreamEvent",
    "ModelView",
]


class JudgeScore(BaseModel):
    """The judge's assessment of one contestant (documented: `model`, `rank`, `score`, `reasoning`)."""

    model: Optional[str] = None
    rank: Optional[int] = None
    """1 is best."""
    score: Optional[Number] = None
    """0 to 10."""
    reasoning: Optional[str] = None
    """Why the judge scored it so."""


def _rank_key(score: Any) -> tuple[int, Number]:
    # Ranked entries first, by rank; the rest (no rank, or one the server sent as something other
    # than a number) after them in the server's order (sorted() is stable).
    rank = getattr(score, "rank", None)
    if isinstance(rank, (int, float)) and not isinstance(rank, bool):
        return (0, rank)
    return (1, 0)


class Verdict(BaseModel):
    """The judge's ranking of the contestants (documented, §4.6)."""

    winner: Optional[str] = None
    """The best contestant's model id."""
    scores: Optional[list[JudgeScore]] = []
    """Every contestant's score, best rank first (None when the server sent null)."""
    overall: Optional[str] = None
    """The judge's summary."""

    @field_validator("scores")
    @classmethod
    def _by_rank(cls, scores: Optional[list[JudgeScore]]) -> Optional[list[JudgeScore]]:
        # The contract does not promise the order; ranks do.
        return None if scores is None else sorted(scores, key=_rank_key)

    def _scored(self) -> list[JudgeScore]:
        # The scores that are objects, best rank first (a list kept as sent is not sorted).
        scores = self.scores
        if not isinstance(scores, list):
            return []
        return sorted((s for s in scores if isinstance(s, JudgeScore)), key=_rank_key)

    @property
    def ranking(self) -> list[str]:
        """Contestant model ids, best first (entries without a model id are left out)."""
        return [s.model for s in self._scored() if isinstance(s.model, str)]

    def score_of(self, model: str) -> Optional[JudgeScore]:
        """The score of one contestant, if the judge scored it."""
        return next((s for s in self._scored() if s.model == model), None)


class WinnerResponse(BaseModel):
    """The winning contestant's answer (documented: `model`, `content`)."""

    model: Optional[str] = None
    content: Optional[str] = ""
    """The answer (None when the server sent null)."""


class JudgeResult(BaseModel):
    """The verdict of a judge call (and what `JudgeStream.get_final_result()` builds).

    Documented (§5.4): `id`, `verdict` (its type is not: see the module docstring),
    `winner_response`, `contestants`, the billing fields, `conversation_id` and the semantic-memory
    fields. Assumed: `judge` and `latency_ms`.
    """

    id: Optional[Id] = None
    """The request id (usable with `client.history.retrieve`)."""
    verdict: Union[Verdict, str, None] = None
    """The ranking, scores and the judge's summary; the judge's text (a `str`) when the server sent
    the verdict as a string."""
    winner_response: Optional[WinnerResponse] = None
    """The winning answer."""
    contestants: Optional[list[ModelResponse]] = []
    """Every contestant's answer, in request order; failed contestants included (None when the
    server sent null)."""
    judge: Optional[str] = None
    """The judging model (assumed)."""
    credits_charged: Optional[Number] = None
    credits_remaining: Optional[Number] = None
    latency_ms: Optional[Number] = None
    """Assumed."""
    conversation_id: Optional[Id] = None
    semantic_memory_used: Optional[bool] = None
    semantic_memory_hits: Optional[int] = None

    @property
    def winner(self) -> Optional[str]:
        """The winning contestant's model id (from the verdict, else from `winner_response`)."""
        verdict = self.verdict
        if isinstance(verdict, Verdict) and isinstance(verdict.winner, str):
            return verdict.winner
        response = self.winner_response
        if isinstance(response, WinnerResponse) and isinstance(response.model, str):
            return response.model
        return None

    @property
    def scores(self) -> list[JudgeScore]:
        """Every contestant's score, best rank first; empty when the verdict has none (or came as
        text: see `verdict`)."""
        verdict = self.verdict
        return verdict._scored() if isinstance(verdict, Verdict) else []

    @property
    def ranking(self) -> list[str]:
        """Contestant model ids, best first (empty when the verdict has no scores)."""
        verdict = self.verdict
        return verdict.ranking if isinstance(verdict, Verdict) else []

    @property
    def by_model(self) -> dict[str, ModelResponse]:
        """The contestants' answers keyed by model id (answers sent in another shape are left out)."""
        return by_model(self.contestants)


class JudgeRun(BaseModel):
    """One judge call of an `AggregatedJudgeResult`."""

    judge: Optional[str] = None
    """The judging model of this call."""
    contestants: list[str] = []
    """The contestants in the order this call sent them."""
    swapped: bool = False
    """Whether this call had the contestants in reverse order (`swap_positions=True`)."""
    result: JudgeResult
    """What the server answered."""

    @property
    def verdict(self) -> Union[Verdict, str, None]:
        """This call's verdict (a `Verdict`, or the judge's text when the server sent a string)."""
        return self.result.verdict


class AggregatedJudgeResult(JudgeResult):
    """One verdict made of several judge calls: `judge.create(swap_positions=True)` (the judge runs
    twice, the second time with the contestants in reverse order) and/or `judges=[...]` (a panel:
    each judge runs; with `swap_positions` too, each runs twice).

    `verdict` is the aggregate (how it is made: `llmwise.resources.judge.Judge.create`): `scores`,
    `ranking` and `winner` read it as for a single call. `runs` keeps every call with its own
    verdict; `calls` says how many there were and `credits_charged` what they cost together
    (`credits_remaining` is the balance after the last). `contestants` and `winner_response` are
    those of the first call (each call has the contestants answer anew).
    """

    runs: list[JudgeRun] = []
    """Every judge call, in the order made."""
    calls: int = 0
    """How many judge calls the server ran."""
    judges: list[str] = []
    """The judging models (one, unless a panel)."""
    swap_positions: bool = False
    """Whether each judge also ran with the contestants in reverse order."""
    same_winner: Optional[bool] = None
    """Whether every call named the same winner (for `swap_positions`: the same both ways). None
    when a call named no winner."""
    agreement: Optional[float] = None
    """The share of calls whose winner is the aggregate winner (1.0: unanimous)."""

    @property
    def verdicts(self) -> list[Union[Verdict, str, None]]:
        """Every call's own verdict, in the order made."""
        return [run.result.verdict for run in self.runs]


class VerdictEvent(Verdict, StreamEventBase):
    """Sent after every contestant has finished: the judge's ranking."""

    event: Literal["verdict"] = "verdict"


class JudgeDoneEvent(DoneEventBase):
    """The end of a judge stream, with billing."""

    judge: Optional[str] = None
    """The judging model (assumed)."""


JudgeStreamEvent = Union[
    ModelChunkEvent,
    ModelDoneEvent,
    ModelErrorEvent,
    VerdictEvent,
    JudgeDoneEvent,
    UnknownEvent,
]
"""Any event a judge stream yields; tell them apart with `isinstance` or an exhaustive `match`.

An error frame is never yielded: iterating raises `ServerStreamError` (its `body` is the frame)."""
