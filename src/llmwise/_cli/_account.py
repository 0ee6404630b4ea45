"""`llmwise models` and `llmwise credits`."""

from __future__ import annotations

import argparse
from typing import Optional

from .._client import LLMWise
from .._exceptions import NotFoundError, PermissionDeniedError
from ..types.credits import AutoTopup, CreditBalance, Wallet
from ._console import Console
from ._render import number, table

__all__ = ["models", "credits"]


def _yes(value: Optional[bool]) -> str:
    return "" if value is None else ("yes" if value else "no")


def models(client: LLMWise, args: argparse.Namespace, console: Console) -> int:
    """`llmwise models`: the catalogue as a table."""
    catalogue = client.models.list()
    if console.json:
        console.emit([model.to_dict() for model in catalogue])
        return 0
    rows = [(m.id or "?", m.provider or "", _yes(m.vision), _yes(m.is_free)) for m in catalogue]
    console.lines(table(["id", "provider", "vision", "free"], rows))
    return 0


def credits(client: LLMWise, args: argparse.Namespace, console: Console) -> int:
    """`llmwise credits`: the balance, plus the wallet's details where the API offers them."""
    wallet: Optional[Wallet]
    try:
        wallet = client.credits.wallet()
    except (NotFoundError, PermissionDeniedError):
        wallet = None  # the balance alone is still worth showing
    balance: CreditBalance = wallet if wallet is not None else client.credits.balance()
    if console.json:
        console.emit(balance.to_dict())
        return 0
    console.line(
        f"balance: {number(balance.credits)} credits"
        f" (paid {number(balance.paid_credits)}, free {number(balance.free_credits)})"
    )
    if wallet is not None:
        console.line(f"payment method: {_yes(wallet.has_payment_method) or '?'}")
        console.line(f"lifetime purchased: ${number(wallet.lifetime_purchased_usd)}")
        console.line(f"auto top-up: {_auto_topup(wallet.auto_topup)}")
    return 0


def _auto_topup(topup: Optional[AutoTopup]) -> str:
    if topup is None:
        return "?"
    if not topup.enabled:
        return "off"
    return (
        f"on: ${number(topup.amount_usd)} when below {number(topup.threshold_credits)} credits,"
        f" at most ${number(topup.monthly_cap_usd)} a month"
    )
