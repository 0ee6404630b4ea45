"""Credits of the orchestration endpoints: a reserve up front, then settlement against token usage.

The contract (§6.4) says the mode's charge is reserved up front and settled against actual token
usage, extra charged and unused refunded, each a separate transaction; it does not say how tokens
map to credits. The sandbox's rule, deterministic so that tests can predict every number:

* **Reserve**: chat (and auto, mesh) 1, compare 2, blend 4, judge 5 credits (:data:`CREDIT_COSTS`),
  taken before the request runs; a balance below it is a 402. Ledger: one ``charge``,
  ``"<mode> request: reserve"``.
* **Usage**: the tokens of every model run that succeeded: ``prompt_tokens + completion_tokens``
  (a model that reads other models' answers, i.e. a chain step, a moa layer after the first, the
  synthesizer and the judge, has them in its prompt). Failed runs are not billed; a failover
  request bills only the model that answered (the contract settles "once, after the final
  successful model"). Credits used = ``ceil(tokens / TOKENS_PER_CREDIT)`` (100 tokens per credit),
  at least 1 (contract: "minimum 1 credit per request unless BYOK").
* **Settlement**: used minus reserve. More is charged as a second ``charge`` (``"<mode> request:
  settlement, N extra (T tokens)"``), capped at the balance so that it never goes negative; less
  is refunded as a ``refund`` (``"... settlement, N unused refunded (T tokens)"``); equal moves
  nothing. ``credits_charged`` on results, ``done`` events and the history is the settled total
  (reserve + extra - refund); ``credits_remaining`` the balance after it (and after an auto top-up).
* **Failure**: a request that fails as a whole (a terminal error) is refunded in full, one
  ``refund`` ``"refund: <mode> request failed"``, and reports ``refunded: true``.
* **BYOK** (``_byok``): runs of models covered by a saved provider key are not billed. A request
  answered only by covered models costs 0 and reports ``byok: true``; when every model it could
  run is covered, not even the reserve is taken (it works with 0 credits).
* A scripted ``next_reply(credits_charged=N)`` makes N the settled total, whatever the tokens.

A plain sandbox answer (25-55 words to a short prompt) settles a chat at its 1-credit reserve;
compare, blend and judge usually settle below their reserve and get the rest back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._byok import covered
from ._http import ApiError
from ._state import InsufficientCredits, SandboxState

if TYPE_CHECKING:
    from ._engine import Generation

CREDIT_COSTS: dict[str, int] = {"chat": 1, "auto": 1, "mesh": 1, "compare": 2, "blend": 4, "judge": 5}
"""The reserve of each mode (contract §6.4)."""

TOKENS_PER_CREDIT = 100
"""Prompt plus completion tokens one credit pays for, when a request is settled."""


def credits_for_tokens(tokens: int) -> int:
    """Credits a request using ``tokens`` tokens costs: ``ceil(tokens / 100)``, at least 1."""
    return max(1, math.ceil(max(0, tokens) / TOKENS_PER_CREDIT))


@dataclass
class Billing:
    """The credits of one orchestration request, from reserve to settlement (or refund)."""

    state: SandboxState
    request_id: str
    mode: str
    charged: int = 0
    """Credits taken so far: the reserve, then the settled total."""
    refunded: bool = False
    byok: bool = False
    """Whether the request was answered only by models covered by a provider key (set by settle)."""
    scripted: int | None = None
    """The settled total a scripted reply set (``ModelScript.next_reply(credits_charged=...)``)."""

    @property
    def reserve_cost(self) -> int:
        """The mode's reserve."""
        return CREDIT_COSTS[self.mode]

    @property
    def remaining(self) -> int:
        """The balance now."""
        return self.state.ledger.balance

    def reserve(self, models: Iterable[str]) -> None:
        """Take the reserve (402 when the balance is short), unless a provider key covers every
        model in ``models`` (those the request may run)."""
        candidates = list(models)
        if candidates and all(covered(self.state, model) for model in candidates):
            return
        try:
            self.state.ledger.charge(self.reserve_cost, request_id=self.request_id, mode=self.mode)
        except InsufficientCredits as exc:
            raise ApiError(
                402, str(exc), extra={"credits_required": exc.cost, "credits_balance": exc.balance}
            ) from None
        self.charged = self.reserve_cost

    def script_charge(self, credits: int) -> None:
        """Settle at ``credits`` instead of the token rule."""
        self.scripted = credits

    def settle(self, runs: Iterable[Generation]) -> None:
        """Settle against the successful ``runs`` (every model run the request bills)."""
        succeeded = [gen for gen in runs if not gen.failed]
        billed = [gen for gen in succeeded if not covered(self.state, gen.model)]
        self.byok = bool(succeeded) and not billed
        tokens = sum(gen.prompt_tokens + gen.completion_tokens for gen in billed)
        if self.scripted is not None:
            used, reason = self.scripted, "scripted charge"
        elif not billed:
            used, reason = 0, "BYOK: not billed"
        else:
            used, reason = credits_for_tokens(tokens), f"{tokens} tokens"
        difference = used - self.charged
        if difference > 0 and self.scripted is None:
            difference = min(difference, max(0, self.state.ledger.balance))
        if difference:
            self.state.ledger.settle(difference, request_id=self.request_id, mode=self.mode, reason=reason)
            self.charged += difference

    def refund(self) -> None:
        """Give back everything taken (the request failed as a whole)."""
        if self.charged:
            self.state.ledger.refund(self.charged, request_id=self.request_id, mode=self.mode)
        self.charged = 0
        self.refunded = True

    def fields(self) -> dict[str, int]:
        """``credits_charged`` and ``credits_remaining``."""
        return {"credits_charged": self.charged, "credits_remaining": self.remaining}
