"""Where budgets, the ledger and tracing meet the transport: one `Meter` per observed call.

The transport calls `start(client, op)` before it sends anything and tells the meter how the call
ended (`ok`, `failed`, or for a stream `streaming` and later, from the stream, its end). A call
nothing watches costs one dictionary look-up, one context-variable read and one attribute check:
`start` then returns None and the transport does nothing more.

- Budgets (`llmwise._budget`): a billable call holds its mode's reserve in the active budgets
  before it is sent (or is refused with `BudgetExceededError`) and settles when it ends.
- The ledger (`llmwise._ledger`): a billable call is recorded when it ends.
- Tracing (`llmwise._otel`): every call is a span while the application uses OpenTelemetry.
"""

from __future__ import annotations

import time
import weakref
from typing import TYPE_CHECKING, Any, Optional

from . import _otel
from ._budget import BUDGET, hold, settle
from ._exceptions import APIStatusError, IncompleteStreamError, ServerStreamError
from ._ledger import LedgerEntry, Outcome

if TYPE_CHECKING:
    from ._base_client import BaseClient, Operation

__all__ = ["Meter", "start", "BILLABLE"]

BILLABLE = {"/chat": "chat", "/compare": "compare", "/blend": "blend", "/judge": "judge"}
"""The paths of billable calls (all POST), and their modes."""

# Where a multi-model result lists its per-model answers.
_PER_MODEL = ("responses", "sources", "contestants")


def start(client: BaseClient, op: Operation[Any]) -> Optional[Meter]:
    """A meter for `op`, or None when nothing watches it. Raises `BudgetExceededError` (holding
    nothing) when a budget refuses the call."""
    mode = BILLABLE.get(op.path) if op.method == "POST" else None
    tracer = _otel.tracer(client) if client._tracing else None
    if mode is None:
        if tracer is None:
            return None
        return Meter(client, op, None, (), tracer)
    budget = BUDGET.get()
    held = hold(budget, client._family, mode) if budget is not None else ()
    if not held and tracer is None and client._record is None:
        return None
    return Meter(client, op, mode, held, tracer)


class _Facts:
    """What a result (or a stream's `done` event) says about the call."""

    __slots__ = (
        "completion_tokens",
        "credits_charged",
        "credits_remaining",
        "finish_reason",
        "model",
        "prompt_tokens",
        "request_id",
        "text",
    )

    def __init__(self) -> None:
        self.request_id: Optional[str] = None
        self.credits_charged: Optional[float] = None
        self.credits_remaining: Optional[float] = None
        self.prompt_tokens: Optional[int] = None
        self.completion_tokens: Optional[int] = None
        self.model: Optional[str] = None
        self.finish_reason: Optional[str] = None
        self.text: Optional[str] = None


# Exact type checks: they run for every call, and leave out bools (and inf, nan) as they must.
def _number(value: Any) -> Optional[float]:
    kind = type(value)
    return value if kind is int or (kind is float and value - value == 0.0) else None


def _int(value: Any) -> Optional[int]:
    return value if type(value) is int else None


def _str(value: Any) -> Optional[str]:
    return value if type(value) is str and value else None


def _reader(obj: Any) -> Any:
    if isinstance(obj, dict):
        return obj.get
    # A result model or event: pydantic keeps declared fields in `__dict__` (a plain dict read is
    # several times cheaper than getattr on a model, and this runs once per call).
    fields = getattr(obj, "__dict__", None)
    if isinstance(fields, dict):
        return fields.get
    return lambda key: getattr(obj, key, None)


def facts_of(obj: Any, mode: Optional[str]) -> _Facts:
    """The facts of a result model, a `done` event, or a raw JSON object."""
    facts = _Facts()
    if obj is None:
        return facts
    get = _reader(obj)
    facts.request_id = _str(get("id"))
    facts.credits_charged = _number(get("credits_charged"))
    facts.credits_remaining = _number(get("credits_remaining"))
    if mode == "chat":
        model = get("model")
        facts.model = model if type(model) is str and model else _str(get("resolved_model")) or _str(get("final_model"))
        facts.prompt_tokens = _int(get("prompt_tokens"))
        facts.completion_tokens = _int(get("completion_tokens"))
        facts.finish_reason = _str(get("finish_reason"))
        facts.text = _str(get("content"))
        return facts
    if mode == "blend":
        facts.model = _str(get("synthesizer"))
        facts.text = _str(get("content"))
    elif mode == "judge":
        facts.model = _str(get("judge"))
    for key in _PER_MODEL:
        entries = get(key)
        if isinstance(entries, list):
            prompt = completion = 0
            seen = False
            for entry in entries:
                read = _reader(entry)
                p, c = _int(read("prompt_tokens")), _int(read("completion_tokens"))
                if p is not None or c is not None:
                    seen = True
                    prompt += p or 0
                    completion += c or 0
            if seen:
                facts.prompt_tokens = prompt or None
                facts.completion_tokens = completion
            break
    return facts


def requested_models(mode: str, body: Any) -> tuple[str, ...]:
    """The models a request names (chat: the model and its fallbacks; judge: contestants, judge)."""
    if not isinstance(body, dict):
        return ()
    if mode == "chat":
        routing = body.get("routing")
        if routing is None:
            model = body.get("model")
            return (model,) if isinstance(model, str) else ()
        fallback = routing.get("fallback") if isinstance(routing, dict) else None
        names = [body.get("model"), *(fallback if isinstance(fallback, list) else ())]
    elif mode == "judge":
        contestants = body.get("contestants")
        names = [*(contestants if isinstance(contestants, list) else ()), body.get("judge")]
    else:
        models = body.get("models")
        names = list(models) if isinstance(models, list) else []
    return tuple(name for name in names if isinstance(name, str))


def _describe(error: BaseException) -> str:
    message = getattr(error, "message", None)
    if not isinstance(message, str):
        message = str(error)
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


class Meter:
    """One observed call, from before it is sent to its end."""

    __slots__ = ("client", "ended", "held", "mode", "op", "span", "started", "token", "wall")

    def __init__(
        self, client: BaseClient, op: Operation[Any], mode: Optional[str], held: tuple[Any, ...], tracer: Any = None
    ) -> None:
        self.client = client
        self.op = op
        self.mode = mode
        self.held = held
        self.wall = time.time()
        self.started = time.monotonic()
        self.span: Any = None
        self.token: Any = None
        self.ended = False
        if tracer is not None:
            try:
                self.span, self.token = _otel.start_span(tracer, client, op, mode)
            except Exception:  # tracing must never break a call
                _otel.log.debug("Could not start a span", exc_info=True)

    # -- how a call ends -----------------------------------------------------------------------

    def ok(self, result: Any, response: Any) -> None:
        """A non-streamed call succeeded with `result` (a model, or an `APIResponse` when raw)."""
        mode = self.mode
        if mode is None:
            self._end("ok", None, None, getattr(response, "status_code", None))
            return
        if "http_response" in getattr(result, "__dict__", ()):  # an APIResponse: read the body's fields
            try:
                import json

                result = json.loads(response.content)
            except Exception:  # not JSON, or (with_streaming_response) a body not read yet
                result = None
        facts = facts_of(result, mode)
        if facts.request_id is None and response is not None:
            facts.request_id = response.headers.get("x-request-id")
        self._end("ok", facts, None, response.status_code if response is not None else None)

    def failed(self, error: BaseException, stream: Any = None) -> None:
        """The call failed (`stream`: the stream it failed in, after its first event)."""
        facts = _Facts()
        outcome: Outcome = "error"
        status = getattr(error, "status_code", None)
        facts.request_id = getattr(error, "request_id", None)
        if stream is not None:
            if facts.request_id is None:
                facts.request_id = stream.request_id
            if stream.response is not None:  # the HTTP status (an error frame's is on the error)
                status = stream.response.status_code
        if isinstance(error, APIStatusError):
            # The server answered with an error status: it ran nothing, or refunded what it ran.
            facts.credits_charged = 0
            body = error.body
            if isinstance(body, dict) and body.get("refunded") is True:
                outcome = "refunded"
        elif isinstance(error, ServerStreamError):
            if error.refunded:
                outcome = "refunded"
                facts.credits_charged = 0
            elif isinstance(error.body, dict):
                facts.credits_charged = _number(error.body.get("credits_charged"))
        self._end(outcome, facts, error, status)

    def streaming(self, stream: Any) -> None:
        """A stream was opened and its first event has arrived; it reports its end to `_ended`."""
        if self.span is not None:
            _otel.first_event(self.span, time.monotonic() - self.started)
        stream._on_end = self._ended
        # A stream dropped unfinished is collected without ending: record it then (the finalizer
        # holds the meter, not the stream).
        weakref.finalize(stream, self._dropped)

    def _dropped(self) -> None:
        if not self.ended:
            from ._exceptions import IncompleteStreamError

            self.failed(IncompleteStreamError("The stream was dropped before it ended."))

    def _ended(self, stream: Any, error: BaseException | None) -> None:
        state = stream._state
        if error is None and (state.done_seen or state.finished):
            accumulator = state.accumulator
            done = getattr(accumulator, "done", None)
            facts = facts_of(done, self.mode)
            if facts.request_id is None:
                facts.request_id = stream.request_id
            # The answer's text is only for a span that records content: building it joins the
            # whole stream's text, which would make a long stream's memory peak at its end.
            wants_text = self.span is not None and self.client._trace_content
            if self.mode == "chat":
                facts.model = facts.model or _str(getattr(accumulator, "model", None))
                if wants_text:
                    facts.text = accumulator.text
            else:
                views = getattr(accumulator, "views", None)
                if facts.completion_tokens is None and isinstance(views, dict):
                    tokens = [t for t in (_int(getattr(v, "tokens", None)) for v in views.values()) if t is not None]
                    if tokens:
                        facts.completion_tokens = sum(tokens)
                if self.mode == "blend" and wants_text:
                    facts.text = accumulator.text
            self._end("ok", facts, None, stream.response.status_code if stream.response is not None else None)
            return
        if error is None or isinstance(error, GeneratorExit):
            error = IncompleteStreamError("The stream was closed before its end.")
        self.failed(error, stream)

    def _end(self, outcome: Outcome, facts: Optional[_Facts], error: BaseException | None, status: Any) -> None:
        if self.ended:
            return
        self.ended = True
        latency = time.monotonic() - self.started
        charged = facts.credits_charged if facts is not None else None
        if self.held:
            settle(self.held, charged)
        mode = self.mode
        record = self.client._record
        if mode is not None and record is not None:
            assert facts is not None
            record(
                LedgerEntry(
                    self.wall,
                    mode,
                    requested_models(mode, self.op.body),
                    facts.model,
                    facts.request_id,
                    charged,
                    facts.credits_remaining,
                    facts.prompt_tokens,
                    facts.completion_tokens,
                    latency,
                    outcome,
                    None if error is None else _describe(error),
                    self.op.stream,
                    self.op.retries,
                )
            )
        if self.span is not None:
            try:
                _otel.end_span(self, outcome, facts, error, status)
            except Exception:  # tracing must never break a call
                _otel.log.debug("Could not end a span", exc_info=True)
