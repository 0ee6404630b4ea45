"""Budgets: a ceiling on the credits the calls made in a scope may spend (`client.budget(...)`).

    with client.budget(max_credits=50) as budget:       # `async with` (or `with`) in async code
        client.chat.create(model="auto", messages=...)
    print(budget.spent, budget.remaining, budget.calls)

How it counts. LLMWise reserves credits when a call starts, by mode (`DEFAULT_RESERVES`: chat 1,
compare 2, blend 4, judge 5), and settles the charge on tokens when it ends (`credits_charged`, on
every result and stream `done`). A budget does the same on the client side:

- Before a billable call (chat, compare, blend, judge; streamed or not) is sent, its mode's reserve
  is held. If `spent + held + reserve` would exceed `max_credits`, `BudgetExceededError` is raised
  instead and nothing is sent.
- When the call ends, the reserve is released and the charge added to `spent`: the server's
  `credits_charged` when it sent one; nothing when the server refused the call (an HTTP error
  status) or refunded it (an error frame with `refunded: true`); the reserve itself when the charge
  is unknown (a connection lost after sending, a stream closed before its end, a server stream error
  without a refund).
- The budget decides only whether a call starts: a stream that runs past it is not cut, and
  `spent` may then exceed `max_credits`.

Scope. The budget is held in a context variable: it covers the calls made inside the `with` block
by the client it came from (and that client's `with_options()` copies), in that thread or task and
in the threads and tasks a fan-out (`chat.create_many`) starts from it; concurrent tasks can each
have their own. Budgets nest: a call must fit every enclosing budget of its client and is counted
in each. A budget is thread-safe; one object may be entered again after its block ended (it keeps
counting), but not while it is active.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from contextvars import ContextVar, Token
from types import MappingProxyType
from typing import Any, Optional

from ._exceptions import BudgetExceededError

__all__ = ["Budget", "DEFAULT_RESERVES", "BUDGET", "hold", "settle", "precheck"]

DEFAULT_RESERVES: Mapping[str, float] = MappingProxyType({"chat": 1, "compare": 2, "blend": 4, "judge": 5})
"""Credits a call of each mode reserves when it starts (LLMWise's published starting reserves).
`client.budget(reserves={...})` overrides some of them for one budget."""

BUDGET: ContextVar[Optional[Budget]] = ContextVar("llmwise_budget", default=None)
"""The innermost active budget of the current context (each links to the one it is nested in)."""


def _credits(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number of credits >= 0, got {value!r}")
    return value


class Budget:
    """A ceiling on the credits of the calls made while it is active (see the module docstring).

    Made by `client.budget(max_credits=..., reserves=...)`; use it as `with` (sync or async code) or
    `async with`.
    """

    def __init__(
        self, max_credits: float, *, reserves: Mapping[str, float] | None = None, family: object = None
    ) -> None:
        self.max_credits: float = _credits("max_credits", max_credits)
        """The most the calls in this budget may spend."""
        table = dict(DEFAULT_RESERVES)
        for mode, value in (reserves or {}).items():
            if mode not in DEFAULT_RESERVES:
                raise ValueError(f"reserves: unknown mode {mode!r} (the modes are {', '.join(DEFAULT_RESERVES)})")
            table[mode] = _credits(f"reserves[{mode!r}]", value)
        self.reserves: Mapping[str, float] = MappingProxyType(table)
        """Credits held by a call of each mode while it runs (and counted when its charge is unknown)."""
        # Whose calls this budget covers: the client it was made from and its with_options() copies.
        self._family = family
        self._lock = threading.Lock()
        self._spent: float = 0
        self._held: float = 0
        self._calls = 0
        self._parent: Budget | None = None
        self._token: Token[Budget | None] | None = None

    @property
    def spent(self) -> float:
        """Credits charged to the calls that ended (see the module docstring for what is counted)."""
        return self._spent

    @property
    def held(self) -> float:
        """Credits reserved by calls still running."""
        return self._held

    @property
    def remaining(self) -> float:
        """`max_credits` minus what is spent and held (never below 0)."""
        with self._lock:
            return max(0, self.max_credits - self._spent - self._held)

    @property
    def calls(self) -> int:
        """Billable calls this budget let start."""
        return self._calls

    def __enter__(self) -> Budget:
        if self._token is not None:
            raise RuntimeError("This budget is already active; make another with client.budget(...)")
        self._parent = BUDGET.get()
        self._token = BUDGET.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        token, self._token = self._token, None
        if token is not None:
            BUDGET.reset(token)

    async def __aenter__(self) -> Budget:
        return self.__enter__()

    async def __aexit__(self, *exc_info: object) -> None:
        self.__exit__()

    def __repr__(self) -> str:
        return (
            f"Budget(max_credits={self.max_credits:g}, spent={self._spent:g}, held={self._held:g}, "
            f"calls={self._calls})"
        )

    def _refusal(self, mode: str, reserve: float, count: int = 1) -> BudgetExceededError:
        what = f"a {mode} call reserves" if count == 1 else f"{count} {mode} calls reserve"
        return BudgetExceededError(
            f"Budget exceeded, so nothing was sent: {what} {reserve * count:g} credits, and "
            f"{self._spent:g} spent + {self._held:g} held of max_credits={self.max_credits:g} "
            f"leave {max(0, self.max_credits - self._spent - self._held):g}",
            budget=self,
            mode=mode,
            reserve=reserve * count,
        )


def _covering(budget: Budget | None, family: object) -> list[Budget]:
    found = []
    while budget is not None:
        if budget._family is family:
            found.append(budget)
        budget = budget._parent
    return found


def hold(budget: Budget, family: object, mode: str) -> tuple[tuple[Budget, float], ...]:
    """Reserve a call of `mode` in every budget of `family` from `budget` outwards, or raise
    `BudgetExceededError` (holding nothing) if one of them cannot take it."""
    held: list[tuple[Budget, float]] = []
    for each in _covering(budget, family):
        reserve = each.reserves[mode]
        with each._lock:
            if each._spent + each._held + reserve > each.max_credits:
                error = each._refusal(mode, reserve)
            else:
                each._held += reserve
                each._calls += 1
                held.append((each, reserve))
                continue
        settle(tuple(held), None, started=False)
        raise error
    return tuple(held)


def settle(held: tuple[tuple[Budget, float], ...], charged: float | None, *, started: bool = True) -> None:
    """Release the reserves `hold` took; add `charged` to each budget (its reserve when None)."""
    for budget, reserve in held:
        with budget._lock:
            budget._held -= reserve
            if started:
                budget._spent += reserve if charged is None else charged
            else:
                budget._calls -= 1


def precheck(family: object, mode: str, count: int) -> None:
    """Raise `BudgetExceededError` now if `count` calls of `mode` cannot all fit the active budgets
    (for operations made of several calls, which should not start when they cannot finish)."""
    for budget in _covering(BUDGET.get(), family):
        reserve = budget.reserves[mode]
        with budget._lock:
            if budget._spent + budget._held + reserve * count > budget.max_credits:
                raise budget._refusal(mode, reserve, count)
