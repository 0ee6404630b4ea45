"""Credits (`client.credits`): balance, wallet, ledger, packs, checkout and auto top-up.

Documented: the transactions and packs listings are JSON arrays, and a pack has an id usable as
`pack_id`. Every response key is assumed (the contract leaves them unknown): credit amounts are
numbers that may be fractional, ids strings or integers, timestamps ISO 8601 or epoch numbers, and
a field the server sends as `null` reads as None.
"""

from __future__ import annotations

from typing import Optional

from .._models import BaseModel
from .shared import Id, Number, Timestamp

__all__ = [
    "CreditBalance",
    "AutoTopup",
    "Wallet",
    "Transaction",
    "CreditPack",
    "CheckoutSession",
    "CheckoutConfirmation",
    "AutoTopupResult",
]


class CreditBalance(BaseModel):
    """The credit balance ($1 buys 100 credits). Assumed shape: `{credits, paid_credits, free_credits}`."""

    credits: Optional[Number] = None
    """Credits available now (paid plus free)."""
    paid_credits: Optional[Number] = None
    """Credits bought."""
    free_credits: Optional[Number] = None
    """Bonus credits."""


class AutoTopup(BaseModel):
    """Automatic top-up settings. Assumed shape (the request fields of `PUT /credits/auto-topup`)."""

    enabled: Optional[bool] = None
    """Whether a top-up runs when the balance falls below `threshold_credits`."""
    threshold_credits: Optional[Number] = None
    """The balance that triggers a top-up."""
    amount_usd: Optional[Number] = None
    """How much each top-up buys, in USD."""
    monthly_cap_usd: Optional[Number] = None
    """The most auto top-up may spend in a month, in USD."""


class Wallet(CreditBalance):
    """The balance plus payment and auto top-up details. Assumed shape."""

    has_payment_method: Optional[bool] = None
    """Whether a payment method is saved (auto top-up needs one: one completed checkout)."""
    lifetime_purchased_usd: Optional[Number] = None
    """Everything bought so far, in USD."""
    auto_topup: Optional[AutoTopup] = None
    """The auto top-up settings."""


class Transaction(BaseModel):
    """One movement on the credit ledger. Assumed shape."""

    id: Optional[Id] = None
    """The transaction id (`txn_...`, or an integer)."""
    type: Optional[str] = None
    """`charge`, `refund`, `purchase` or `bonus` (the vocabulary may grow)."""
    amount: Optional[Number] = None
    """Credits moved: negative for charges."""
    balance_after: Optional[Number] = None
    """The balance once it was applied."""
    request_id: Optional[Id] = None
    """The request charged or refunded, if any."""
    mode: Optional[str] = None
    """The request's mode (`chat`, `compare`, ...), if any."""
    description: Optional[str] = None
    """What it was for, in words."""
    created_at: Optional[Timestamp] = None
    """When it happened (read from ISO 8601 or epoch seconds)."""


class CreditPack(BaseModel):
    """A credit pack for sale (`credits.purchase(pack_id=...)`). Assumed shape, but for the id."""

    id: Optional[Id] = None
    """The pack id, e.g. `pack_starter` (or an integer); pass it as `pack_id=`."""
    name: Optional[str] = None
    """Display name."""
    credits: Optional[Number] = None
    """Credits it adds."""
    price_usd: Optional[Number] = None
    """Its price in USD."""


class CheckoutSession(BaseModel):
    """A checkout started by `credits.purchase()`: send the user to `checkout_url`. Assumed shape."""

    session_id: Optional[Id] = None
    """The checkout session id (`cs_...`), for `credits.confirm_checkout()`."""
    checkout_url: Optional[str] = None
    """Where the user pays."""
    amount_usd: Optional[Number] = None
    """What it costs, in USD."""
    credits: Optional[Number] = None
    """Credits it adds once paid."""
    status: Optional[str] = None
    """`pending` until confirmed."""


class CheckoutConfirmation(BaseModel):
    """The answer to `credits.confirm_checkout()`. Assumed shape."""

    session_id: Optional[Id] = None
    """The checkout session id."""
    status: Optional[str] = None
    """`completed` once paid."""
    credits_added: Optional[Number] = None
    """Credits this confirmation added (0 when it was already confirmed)."""
    credits: Optional[Number] = None
    """The balance afterwards."""


class AutoTopupResult(BaseModel):
    """The answer to `credits.update_auto_topup()`. Assumed shape: `{auto_topup: {...}}`."""

    auto_topup: Optional[AutoTopup] = None
    """The settings now in force (None when the server did not echo them)."""
