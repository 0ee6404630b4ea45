"""What ``llmwise.testing`` scripts beyond faults and model behaviour, kept per sandbox.

* **One-call model replies** (``ModelScript.next_reply``): the next time a model answers (chat,
  a compare/judge contestant, a blend source or synthesizer) it says this content, streamed in the
  usual 3-word deltas, and reports these numbers (``prompt_tokens``, ``completion_tokens``,
  ``cost``, ``finish_reason`` on its result or done event; ``credits_charged`` for the request,
  the balance moving accordingly). Queued per model, used in order, before the model's script.
* **Canned responses** (``Scenario.next_reply(path, json=...)``): the next matching request is
  answered with exactly this JSON body (or these SSE events) and status, before its endpoint runs:
  nothing is charged or recorded in the history. Queued faults still come first.
* **auto's pick** (``Scenario.auto_resolves_to``): the model ``model="auto"`` resolves to.
* **Strict mode**: a request nothing scripted answers gets HTTP 418 (a status no client retries
  or handles: the call fails at once) and is remembered, so the test can fail even if the code
  under test swallowed the error. Scripted means: a queued fault, a canned response, a path
  allowed with ``allow()``, or, for ``/chat``, ``/compare``, ``/blend`` and ``/judge``, every model
  the request makes answer has a script (a judge's verdict needs none). An unscripted model in a
  multi-model request fails alone, as a model failing with 418 does.

Everything lives in a state component (``state.component(Scripts)``), so ``reset()`` forgets it.
"""

from __future__ import annotations

import fnmatch
import json
import math
from dataclasses import dataclass, field
from typing import Any

from ._faults import ModelBehaviour, normalize_path
from ._http import ApiError, RequestContext, SandboxResponse, StreamFrame, json_response, sse_frame
from ._routing import API_ROUTES, Handler, Route
from ._state import SandboxState

UNSCRIPTED_STATUS = 418
"""What strict mode answers a request nothing scripted: no client retries it or mistakes it for
a real LLMWise answer."""

_DONE = b"data: [DONE]\n\n"


def _count(name: str, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name} must be an integer >= 0")


@dataclass
class ModelReply:
    """One scripted answer of a model, for the next request it answers."""

    content: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost: float | None = None
    credits_charged: int | None = None
    finish_reason: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.content, str):
            raise TypeError("the reply's content must be a string")
        _count("prompt_tokens", self.prompt_tokens)
        _count("completion_tokens", self.completion_tokens)
        _count("credits_charged", self.credits_charged)
        if self.cost is not None and (
            isinstance(self.cost, bool)
            or not isinstance(self.cost, (int, float))
            or not math.isfinite(self.cost)
            or self.cost < 0
        ):
            raise ValueError("cost must be a number >= 0 (USD)")
        if self.finish_reason is not None and not isinstance(self.finish_reason, str):
            raise TypeError("finish_reason must be a string")

    def describe(self) -> str:
        """``next_reply('Hello!', cost=0.5)`` for messages."""
        numbers = (
            ("prompt_tokens", self.prompt_tokens),
            ("completion_tokens", self.completion_tokens),
            ("cost", self.cost),
            ("credits_charged", self.credits_charged),
            ("finish_reason", self.finish_reason),
        )
        extra = "".join(f", {name}={value!r}" for name, value in numbers if value is not None)
        return f"next_reply({_short(self.content)!r}{extra})"


@dataclass
class CannedReply:
    """A response served as is to the next ``times`` requests matching ``path`` and ``method``."""

    path: str
    method: str | None = None
    status: int = 200
    body: Any = None
    events: list[Any] | None = None
    times: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.path, str) or not self.path.strip():
            raise ValueError("path must be an API path such as '/chat' (relative to /api/v1; globs allowed)")
        self.path = normalize_path(self.path)
        self.method = self.method.upper() if self.method else None
        if isinstance(self.status, bool) or not isinstance(self.status, int) or not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status (100-599)")
        if isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1:
            raise ValueError("times must be an integer >= 1")
        if self.events is not None:
            self.events = list(self.events)
            for event in self.events:
                json.dumps(event)  # fails early (TypeError) on what cannot go on the wire
        else:
            json.dumps(self.body)

    def matches(self, method: str, api_path: str) -> bool:
        """Whether this reply answers ``method api_path``."""
        if self.method is not None and self.method != method.upper():
            return False
        return fnmatch.fnmatchcase(api_path, self.path)

    def response(self) -> SandboxResponse:
        """The response: the JSON body, or the events as SSE frames ending with ``[DONE]``."""
        if self.events is None:
            return json_response(self.body, self.status)
        frames = [StreamFrame(sse_frame(event)) for event in self.events]
        frames.append(StreamFrame(_DONE))
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        return SandboxResponse(self.status, headers, frames=frames)

    def describe(self) -> str:
        """``next_reply('/credits/balance', json=...)`` for messages."""
        where = f"{self.path!r}" + (f", method={self.method!r}" if self.method else "")
        what = "events=[...]" if self.events is not None else "json=..."
        left = f" ({self.times} left)" if self.times > 1 else ""
        return f"next_reply({where}, {what}){left}"


@dataclass
class Scripts:
    """The per-sandbox script book (a state component)."""

    replies: dict[str, list[ModelReply]] = field(default_factory=dict)
    canned: list[CannedReply] = field(default_factory=list)
    auto_model: str | None = None
    strict: bool = False
    allowed: list[tuple[str, str | None]] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)
    """Models that answered (or were asked to) since the last reset."""
    unscripted: list[str] = field(default_factory=list)
    """Requests strict mode refused, described."""
    covered: bool = False
    """Whether the request being handled is answered by a fault or an allowed path (strict mode)."""

    def take_reply(self, model: str) -> ModelReply | None:
        """The model's next one-call reply, if any (used up)."""
        queue = self.replies.get(model)
        if not queue:
            return None
        reply = queue.pop(0)
        if not queue:
            del self.replies[model]
        return reply

    def is_allowed(self, method: str, api_path: str) -> bool:
        """Whether ``allow()`` lets this request through in strict mode."""
        return any(
            (wanted is None or wanted == method.upper()) and fnmatch.fnmatchcase(api_path, path)
            for path, wanted in self.allowed
        )


def scripts(state: SandboxState) -> Scripts:
    """The sandbox's script book (call with ``state.lock`` held)."""
    return state.component(Scripts)


def is_scripted(state: SandboxState, model: str) -> bool:
    """Whether the test scripted ``model`` (a behaviour other than the defaults, or queued replies)."""
    behaviour = state.models.get(model)
    return (behaviour is not None and behaviour != ModelBehaviour()) or bool(scripts(state).replies.get(model))


def unscripted_model(state: SandboxState, model: str, method: str, api_path: str) -> str:
    """Record a model strict mode refused; returns the error message the model fails with."""
    scripts(state).unscripted.append(f"{method} {api_path}: model {model!r} has no script")
    return (
        f"llmwise strict mode: nothing scripted for model {model!r} in {method} {api_path}; script it "
        f"(scenario.model({model!r}).replies(...) or .next_reply(...)) or allow the path "
        f"(scenario.allow({api_path!r}))"
    )


def _streaming(ctx: RequestContext, route: Route) -> bool:
    body = ctx.parsed_json
    return route.streaming and isinstance(body, dict) and body.get("stream", True) is not False


def middleware(ctx: RequestContext, route: Route, handler: Handler) -> SandboxResponse:
    """Runs before every ``/api/v1`` endpoint: canned replies first, then strict mode's check."""
    state = ctx.state
    book = scripts(state)
    method = ctx.request.method
    for reply in book.canned:
        if reply.matches(method, ctx.api_path):
            reply.times -= 1
            if reply.times <= 0:
                book.canned.remove(reply)
            return reply.response()
    if not book.strict:
        return handler(ctx)
    fault = state.peek_fault(ctx.api_path, streaming=_streaming(ctx, route))
    covered = book.is_allowed(method, ctx.api_path) or (fault is not None and fault.is_stream_fault)
    # The orchestration endpoints (the streaming ones) check model by model as their models run.
    if not covered and not route.streaming:
        book.unscripted.append(f"{method} {ctx.api_path}")
        raise ApiError(
            UNSCRIPTED_STATUS,
            f"llmwise strict mode: nothing scripted answers {method} {ctx.api_path}; queue a reply "
            f"(scenario.next_reply({ctx.api_path!r}, json=...)) or allow the path "
            f"(scenario.allow({ctx.api_path!r}))",
        )
    book.covered = covered
    try:
        return handler(ctx)
    finally:
        book.covered = False


def unused(state: SandboxState) -> list[str]:
    """Scripts the sandbox never used: queued faults, replies, model scripts never asked."""
    book = scripts(state)
    found = [f"fault never used: {_fault_text(fault.to_dict())}" for fault in state.faults]
    found += [f"reply never used: {reply.describe()}" for reply in book.canned]
    for model, replies in book.replies.items():
        found += [f"reply never used: model({model!r}).{reply.describe()}" for reply in replies]
    for model, behaviour in state.models.items():
        if behaviour != ModelBehaviour() and model not in book.asked and model not in book.replies:
            settings = {k: v for k, v in behaviour.to_dict().items() if v is not None}
            found.append(f"model script never used: model({model!r}) {settings}")
    return found


def _fault_text(data: dict[str, Any]) -> str:
    kind = data.pop("type")
    return f"{kind}(" + ", ".join(f"{k}={v!r}" for k, v in data.items() if v is not None) + ")"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_auto_model(state: SandboxState, model: str | None) -> None:
    """``ValueError`` unless ``model`` is a catalogue model ``auto`` may resolve to (or None)."""
    if model is None:
        return
    if not isinstance(model, str) or model == "auto":
        raise ValueError("auto resolves to a catalogue model id, not 'auto'")
    if not state.is_known_model(model):
        raise ValueError(f"unknown model {model!r}: add it first with add_model()")


API_ROUTES.middleware = middleware
