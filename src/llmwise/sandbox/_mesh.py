"""Mesh failover: the per-model circuit breaker and the routing strategies that order a chain.

Circuit breaker (contract §3.1, D-mesh)
---------------------------------------
Each model has a breaker, kept in memory per sandbox and read on the sandbox clock
(``Sandbox(clock=...)``, ``Sandbox.advance_clock``), so tests move time instead of sleeping:

* **closed**: the model is tried. :data:`FAILURE_THRESHOLD` (3) failures in a row open it.
* **open** for :data:`OPEN_SECONDS` (30 s): a failover chain skips the model, with
  ``{"event":"route","model","status":"skipped","reason":"circuit_open","retry_in_ms"}`` (and the
  same entry in the trace's attempts), without calling it.
* **half-open** once the 30 s have passed: the next chain tries the model once, as a probe (its
  ``trying`` route event has ``"reason":"circuit_half_open"``). Success closes the breaker; failure
  opens it again for 30 s.

A failure is a model run ending with a retryable upstream status (408, 409, 425, 429, 500, 502,
503, 504): the statuses that fail over. Other statuses (a 400, strict mode's 418) say nothing
about the model's health and leave the breaker alone; a success resets the count. Every model run counts, whatever the
endpoint (chat, a failover attempt, compare and judge contestants, blend sources and synthesizer,
the judge), since the breaker guards the model, not the request. Only failover chains skip an open
model: a request naming one model, or compare/blend/judge, has no other model to go to and calls it
anyway (its outcome still counts: a success closes the breaker).

Routing strategies (``routing.strategy``, contract §3.1)
--------------------------------------------------------
The chain is the primary then ``routing.fallback`` (duplicates dropped). The contract gives each
strategy one line; the sandbox reads them as follows, deterministically:

* no strategy: the chain as given.
* ``rate-limit`` ("prefer fallback when quota/429 hits"): as given, except that models that
  answered 429 within the last :data:`RATE_LIMIT_MEMORY` seconds (the 60 s rate-limit window of
  contract §6.3) move to the end of the chain (primary included, relative order kept), so the next
  request goes straight to a model that is not rate limited.
* ``latency`` ("prefer lower latency path"): the primary first, then the fallbacks fastest first:
  by the time the model would take to answer this request (its per-chunk latency times its chunks;
  ties: the per-chunk latency, then the given order).
* ``cost`` ("prefer cheaper path"): the primary first, then the fallbacks cheapest first: by the
  ``cost`` (USD) of the answer the model would give to this request (``is_free`` models cost 0;
  a queued ``next_reply(cost=...)`` counts; ties: the given order).
* ``round-robin`` ("cycle across fallbacks"): the whole chain, primary included, rotates by one
  position per request with that same chain (request 1 starts with the primary, request 2 with the
  first fallback, ...), spreading load over every model of the chain.

The primary stays first for ``latency`` and ``cost`` because the caller named it: the fallbacks
are what the strategy orders. A real router estimates latency and cost from its history; the
sandbox knows what each model would answer, so it orders by the true values for this request.
Open breakers are skipped after ordering, wherever their model lands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ._state import SandboxState

FAILURE_THRESHOLD = 3
"""Failures in a row that open a model's breaker."""
OPEN_SECONDS = 30.0
"""How long an open breaker skips its model before the half-open probe."""
RATE_LIMIT_MEMORY = 60.0
"""How long ``rate-limit`` remembers a model's 429 (the rate-limit window, contract §6.3)."""
RETRYABLE_STATUSES: frozenset[int] = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
"""Upstream statuses that fail over to the next model and count as breaker failures."""

BreakerStateName = Literal["closed", "open", "half_open"]


def is_failure(status: int | None) -> bool:
    """Whether a run ending with ``status`` (None: success) counts against the model's health."""
    return status is not None and status in RETRYABLE_STATUSES


@dataclass
class Breaker:
    """One model's breaker and recent health (times are on the sandbox clock)."""

    model: str
    failures: int = 0
    opened_at: float | None = None
    trips: int = 0
    last_status: int | None = None
    rate_limited_at: float | None = None

    def state(self, now: float) -> BreakerStateName:
        """``closed``, ``open`` (skipped) or ``half_open`` (one probe allowed)."""
        if self.opened_at is None:
            return "closed"
        return "open" if now - self.opened_at < OPEN_SECONDS else "half_open"

    def retry_in(self, now: float) -> float:
        """Seconds until an open breaker lets a probe through (0 unless open)."""
        if self.opened_at is None:
            return 0.0
        return max(0.0, OPEN_SECONDS - (now - self.opened_at))

    def view(self, now: float) -> dict[str, Any]:
        """The JSON view (``GET /_sandbox/breakers``)."""
        return {
            "model": self.model,
            "state": self.state(now),
            "consecutive_failures": self.failures,
            "retry_in": round(self.retry_in(now), 3),
            "trips": self.trips,
            "last_failure_status": self.last_status,
        }


@dataclass(frozen=True)
class BreakerState:
    """A snapshot of one model's circuit breaker (``Sandbox.breaker(model)``)."""

    model: str
    state: BreakerStateName
    """``closed`` (tried), ``open`` (skipped by failover chains) or ``half_open`` (one probe)."""
    consecutive_failures: int
    """Failures in a row so far (a success resets it)."""
    retry_in: float
    """Seconds until an open breaker half-opens (0 unless open)."""
    trips: int
    """How many times the breaker opened (re-opening after a failed probe included)."""
    last_failure_status: int | None
    """The status of the model's last failure."""

    @property
    def is_open(self) -> bool:
        """Whether failover chains skip the model now."""
        return self.state == "open"

    @classmethod
    def from_view(cls, data: dict[str, Any]) -> BreakerState:
        """From the JSON view."""
        return cls(
            model=data["model"],
            state=data["state"],
            consecutive_failures=data["consecutive_failures"],
            retry_in=data["retry_in"],
            trips=data["trips"],
            last_failure_status=data["last_failure_status"],
        )


@dataclass
class Health:
    """Breakers by model, and the round-robin positions by chain (a state component)."""

    breakers: dict[str, Breaker] = field(default_factory=dict)
    rotations: dict[tuple[str, ...], int] = field(default_factory=dict)

    def breaker(self, model: str) -> Breaker:
        found = self.breakers.get(model)
        if found is None:
            found = self.breakers[model] = Breaker(model)
        return found


def health(state: SandboxState) -> Health:
    """The sandbox's model health (call with ``state.lock`` held)."""
    return state.component(Health)


def record(state: SandboxState, model: str, status: int | None) -> None:
    """Count one run of ``model``: ``status`` None for a success, else the status it failed with."""
    if status is not None and not is_failure(status):
        return
    now = state.clock()
    if status is None:
        found = health(state).breakers.get(model)
        if found is not None:
            found.failures = 0
            found.opened_at = None
        return
    breaker = health(state).breaker(model)
    breaker.failures += 1
    breaker.last_status = status
    if status == 429:
        breaker.rate_limited_at = now
    # A failed probe (or a failure while open) opens the breaker for another 30 s.
    if breaker.opened_at is not None or breaker.failures >= FAILURE_THRESHOLD:
        breaker.opened_at = now
        breaker.trips += 1


def breaker_state(state: SandboxState, model: str) -> BreakerStateName:
    """The state of ``model``'s breaker now."""
    found = health(state).breakers.get(model)
    return "closed" if found is None else found.state(state.clock())


def trip(state: SandboxState, model: str) -> None:
    """Open ``model``'s breaker now (as if it had just failed :data:`FAILURE_THRESHOLD` times)."""
    breaker = health(state).breaker(model)
    breaker.failures = max(breaker.failures, FAILURE_THRESHOLD)
    breaker.opened_at = state.clock()
    breaker.trips += 1


def reset_breakers(state: SandboxState, model: str | None = None) -> None:
    """Close and forget one model's breaker (its 429 memory too), or every breaker."""
    breakers = health(state).breakers
    if model is None:
        breakers.clear()
    else:
        breakers.pop(model, None)


def view(state: SandboxState, model: str) -> dict[str, Any]:
    """The JSON view of ``model``'s breaker (a closed one when it never ran)."""
    found = health(state).breakers.get(model) or Breaker(model)
    return found.view(state.clock())


def views(state: SandboxState) -> dict[str, Any]:
    """Every breaker that has seen a failure or was tripped, with the thresholds."""
    now = state.clock()
    return {
        "failure_threshold": FAILURE_THRESHOLD,
        "open_seconds": OPEN_SECONDS,
        "breakers": [b.view(now) for _, b in sorted(health(state).breakers.items())],
    }


# -- strategies -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """What a model would cost and take for this request (for ``latency`` and ``cost``)."""

    duration: float
    latency: float
    cost: float


def order_chain(
    state: SandboxState,
    chain: Sequence[str],
    strategy: str | None,
    estimate: Callable[[str], Estimate],
) -> list[str]:
    """The order in which a failover chain (primary first) is tried under ``strategy``."""
    models = list(chain)
    if strategy is None or len(models) < 2:
        return models
    if strategy == "rate-limit":
        now = state.clock()
        breakers = health(state).breakers

        def limited(model: str) -> bool:
            at = breakers[model].rate_limited_at if model in breakers else None
            return at is not None and now - at < RATE_LIMIT_MEMORY

        return [m for m in models if not limited(m)] + [m for m in models if limited(m)]
    if strategy == "round-robin":
        rotations = health(state).rotations
        key = tuple(models)
        turn = rotations.get(key, 0)
        rotations[key] = turn + 1
        shift = turn % len(models)
        return models[shift:] + models[:shift]
    primary, fallbacks = models[0], models[1:]
    estimates = {model: estimate(model) for model in fallbacks}
    if strategy == "latency":
        fallbacks.sort(key=lambda m: (estimates[m].duration, estimates[m].latency))
    elif strategy == "cost":
        fallbacks.sort(key=lambda m: estimates[m].cost)
    return [primary, *fallbacks]
