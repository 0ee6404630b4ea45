"""Mutable sandbox state shared by every endpoint module.

Endpoint modules (the orchestration endpoints here, account endpoints added later) receive the
:class:`SandboxState` through ``ctx.state``. Everything is guarded by ``state.lock``; the sandbox
holds it for the whole of each ``handle()`` call, so handlers need no locking of their own.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ._catalogue import AUTO, CatalogueModel
from ._faults import Fault, ModelBehaviour
from ._idempotency import DEFAULT_TTL as DEFAULT_IDEMPOTENCY_TTL
from ._idempotency import IdempotencyStore

T = TypeVar("T")

# Contract §6.3: requests per 60 s window, by bucket (base tier).
RATE_LIMITS: dict[str, int] = {
    "chat": 90,
    "compare": 45,
    "blend": 30,
    "judge": 30,
    "upload": 30,
    "copilot": 30,
    "default": 180,
}
RATE_WINDOW_SECONDS = 60.0

DEFAULT_POLICY: dict[str, Any] = {"max_fallbacks": 0}


def new_id(prefix: str) -> str:
    """``<prefix>_<24 hex>``, e.g. ``req_9f2c...``."""
    return f"{prefix}_{secrets.token_hex(12)}"


@dataclass
class RecordedRequest:
    """One request the sandbox received under ``/api/v1``.

    ``path`` is relative to ``/api/v1`` (``"/chat"``); the ``authorization`` header value is
    replaced by ``"REDACTED"``. Fields are also readable as ``record["json"]``.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    request_id: str
    status: int | None = None
    timestamp: float = field(default_factory=time.time)

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON view (as listed by ``GET /_sandbox/requests``)."""
        return {
            "method": self.method,
            "path": self.path,
            "query": dict(self.query),
            "headers": dict(self.headers),
            "json": self.json,
            "request_id": self.request_id,
            "status": self.status,
            "timestamp": self.timestamp,
        }


TransactionKind = Literal["charge", "refund", "adjustment", "purchase"]


@dataclass(frozen=True)
class Transaction:
    """One credit ledger movement; ``amount`` is negative for charges."""

    id: str
    kind: TransactionKind
    amount: int
    balance_after: int
    description: str
    request_id: str | None = None
    mode: str | None = None
    created_at: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        """A JSON view."""
        return {
            "id": self.id,
            "type": self.kind,
            "amount": self.amount,
            "balance_after": self.balance_after,
            "description": self.description,
            "request_id": self.request_id,
            "mode": self.mode,
            "created_at": self.created_at,
        }


class SandboxClock:
    """The sandbox's sense of time (monotonic seconds): a source plus whatever :meth:`advance` added.

    Everything time-based reads it: the circuit breaker, rate-limit windows, idempotency keys. The
    source is real time (``time.monotonic``) unless ``Sandbox(clock=...)`` injects another one
    (``lambda: 0.0`` freezes time), so a test moves time with :meth:`advance` instead of sleeping.
    """

    def __init__(self, source: Callable[[], float] | None = None) -> None:
        self._source: Callable[[], float] = source if source is not None else time.monotonic
        #: Seconds added by :meth:`advance` so far.
        self.offset = 0.0

    def __call__(self) -> float:
        return float(self._source()) + self.offset

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (>= 0); returns the new time."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds):
            raise ValueError("seconds must be a finite number")
        if seconds < 0:
            raise ValueError("time only moves forward: seconds must be >= 0")
        self.offset += float(seconds)
        return self()


class InsufficientCredits(Exception):
    """Raised by :meth:`CreditLedger.charge` when the balance is below the cost."""

    def __init__(self, cost: int, balance: int) -> None:
        super().__init__(f"Insufficient credits: this request needs {cost} credits, balance is {balance}")
        self.cost = cost
        self.balance = balance


class CreditLedger:
    """The credit balance and its transaction list (every charge, refund and adjustment)."""

    def __init__(self, balance: int) -> None:
        self.balance = balance
        self.transactions: list[Transaction] = []

    def charge(self, cost: int, *, request_id: str, mode: str) -> Transaction:
        """Reserve ``cost`` credits up front; raises :class:`InsufficientCredits`."""
        if self.balance < cost:
            raise InsufficientCredits(cost, self.balance)
        return self._move("charge", -cost, f"{mode} request: reserve", request_id, mode)

    def settle(self, amount: int, *, request_id: str, mode: str, reason: str) -> Transaction:
        """One settlement movement of a request: ``amount`` > 0 charges extra usage, < 0 refunds
        unused reserve (``reason`` says why, e.g. the token count)."""
        if amount > 0:
            return self._move(
                "charge", -amount, f"{mode} request: settlement, {amount} extra ({reason})", request_id, mode
            )
        return self._move(
            "refund", -amount, f"{mode} request: settlement, {-amount} unused refunded ({reason})", request_id, mode
        )

    def refund(self, amount: int, *, request_id: str, mode: str) -> Transaction:
        """Give ``amount`` credits back (a failed request)."""
        return self._move("refund", amount, f"refund: {mode} request failed", request_id, mode)

    def purchase(self, amount: int, description: str) -> Transaction:
        """Add bought credits (a completed checkout or an auto top-up)."""
        return self._move("purchase", amount, description, None, None)

    def set_balance(self, balance: int, description: str = "balance set by sandbox") -> Transaction:
        """Set the balance directly, recorded as an adjustment."""
        return self._move("adjustment", balance - self.balance, description, None, None)

    def _move(
        self, kind: TransactionKind, amount: int, description: str, request_id: str | None, mode: str | None
    ) -> Transaction:
        self.balance += amount
        txn = Transaction(new_id("txn"), kind, amount, self.balance, description, request_id, mode)
        self.transactions.append(txn)
        return txn


@dataclass
class HistoryEntry:
    """One orchestration request (chat/compare/blend/judge) that passed validation."""

    id: str
    mode: str
    models: list[str]
    prompt: str
    messages: list[dict[str, Any]]
    content: str | None
    status: Literal["ok", "error"] = "ok"
    status_code: int = 200
    error: str | None = None
    resolved_model: str | None = None
    responses: dict[str, str] = field(default_factory=dict)
    credits_charged: int = 0
    refunded: bool = False
    conversation_id: str | None = None
    latency_ms: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    created_at: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        """A JSON view."""
        return {
            "id": self.id,
            "mode": self.mode,
            "models": list(self.models),
            "resolved_model": self.resolved_model,
            "prompt": self.prompt,
            "messages": self.messages,
            "content": self.content,
            "responses": dict(self.responses),
            "status": self.status,
            "status_code": self.status_code,
            "error": self.error,
            "credits_charged": self.credits_charged,
            "refunded": self.refunded,
            "conversation_id": self.conversation_id,
            "latency_ms": self.latency_ms,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost": self.cost,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class RateLimitInfo:
    """The values of the ``X-RateLimit-*`` headers for one request."""

    limit: int
    remaining: int
    reset_seconds: int
    exceeded: bool


class RateLimiter:
    """Per-bucket request counters in fixed 60 s windows (contract §6.3, base tier).

    Counting always happens (the headers are always sent); refusing requests over the limit only
    happens when ``enforce`` is true, so loops in user tests are not throttled by surprise.
    """

    def __init__(self, *, enforce: bool = False, clock: Callable[[], float] = time.monotonic) -> None:
        self.enforce = enforce
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        # The sandbox calls hit() under its state lock, but the limiter is usable on its own.
        self._lock = threading.Lock()

    def hit(self, bucket: str) -> RateLimitInfo:
        """Count one request in ``bucket``."""
        limit = RATE_LIMITS.get(bucket, RATE_LIMITS["default"])
        with self._lock:
            # Read the clock under the lock: a `now` older than the window's start (taken by a
            # thread that lost the race) would give a reset beyond the window.
            now = self._clock()
            start, count = self._windows.get(bucket, (now, 0))
            if now - start >= RATE_WINDOW_SECONDS:
                start, count = now, 0
            count += 1
            self._windows[bucket] = (start, count)
        # `start + WINDOW - now` can round to 60.000000000001 when now == start (then ceil is 61):
        # subtract the elapsed time from the window instead, and clamp to it.
        elapsed = max(0.0, now - start)
        reset = min(int(RATE_WINDOW_SECONDS), max(0, math.ceil(RATE_WINDOW_SECONDS - elapsed)))
        return RateLimitInfo(limit, max(0, limit - count), reset, self.enforce and count > limit)


class SandboxState:
    """Everything the sandbox remembers; ``reset()`` returns to the constructor's values."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        credits: int = 1000,
        api_key: str | None = None,
        catalogue: Iterable[CatalogueModel] = (),
        enforce_rate_limits: bool = False,
        idempotency_ttl: float = DEFAULT_IDEMPOTENCY_TTL,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        #: The sandbox's time; ``reset()`` keeps it (time never goes back).
        self.clock = SandboxClock(clock)
        self.idempotency_ttl = idempotency_ttl
        self.latency = latency
        self.initial_credits = credits
        self.api_key = api_key
        self.enforce_rate_limits = enforce_rate_limits
        self._initial_catalogue = list(catalogue)
        self.reset()

    def reset(self) -> None:
        """Forget requests, history, faults, model behaviours, policy, idempotency keys and components;
        refill credits."""
        with self.lock:
            self.catalogue: dict[str, CatalogueModel] = {m.id: m for m in self._initial_catalogue}
            self.ledger = CreditLedger(self.initial_credits)
            self.policy: dict[str, Any] = dict(DEFAULT_POLICY)
            self.history: list[HistoryEntry] = []
            self.requests: list[RecordedRequest] = []
            self.models: dict[str, ModelBehaviour] = {}
            self.faults: list[Fault] = []
            self.rate_limiter = RateLimiter(enforce=self.enforce_rate_limits, clock=self.clock)
            #: Answers to POSTs sent with an ``Idempotency-Key`` (see ``_idempotency``).
            self.idempotency = IdempotencyStore(self.idempotency_ttl, clock=self.clock)
            self._components: dict[Callable[[], Any], Any] = {}

    # -- models ---------------------------------------------------------------------------------

    def is_known_model(self, model_id: str) -> bool:
        """Whether ``model_id`` is in the catalogue (``auto`` included)."""
        return model_id in self.catalogue

    def behaviour(self, model_id: str) -> ModelBehaviour:
        """The model's configured behaviour (defaults when never set)."""
        return self.models.get(model_id) or ModelBehaviour()

    def latency_for(self, model_id: str) -> float:
        """Seconds between chunks for ``model_id``."""
        latency = self.behaviour(model_id).latency
        return self.latency if latency is None else float(latency)

    def set_model(self, model_id: str, behaviour: ModelBehaviour) -> None:
        """Replace the behaviour of a catalogue model."""
        if model_id == AUTO:
            raise ValueError("'auto' is a router, not a model; configure the models it routes to")
        if model_id not in self.catalogue:
            raise ValueError(f"unknown model {model_id!r}; add it first with add_model()")
        self.models[model_id] = behaviour

    def add_model(self, model: CatalogueModel) -> None:
        """Add (or replace) a catalogue entry; ``GET /models`` lists it from now on."""
        self.catalogue[model.id] = model

    # -- faults ---------------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> Fault:
        """Queue ``fault`` behind the faults already queued."""
        self.faults.append(fault)
        return fault

    def peek_fault(self, api_path: str, *, streaming: bool) -> Fault | None:
        """The first queued fault this request can consume (stream faults only when streaming)."""
        for fault in self.faults:
            if fault.matches(api_path) and (streaming or not fault.is_stream_fault):
                return fault
        return None

    def consume_fault(self, fault: Fault) -> None:
        """Use one of the fault's ``times``; it leaves the queue at zero."""
        fault.times -= 1
        if fault.times <= 0 and fault in self.faults:
            self.faults.remove(fault)

    # -- extension point ------------------------------------------------------------------------

    def component(self, factory: Callable[[], T]) -> T:
        """Per-sandbox state owned by another module, created on first use and dropped by reset().

        An account module keeps e.g. its conversations with
        ``store = ctx.state.component(ConversationStore)``.
        """
        try:
            existing: T = self._components[factory]
        except KeyError:
            existing = self._components[factory] = factory()
        return existing
