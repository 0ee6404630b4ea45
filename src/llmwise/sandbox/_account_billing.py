"""Credits (balance, wallet, transactions, packs, checkout, auto top-up), usage and API keys.

Wire shapes: ``docs/account-wire.md``. Transactions are the sandbox's credit ledger (every charge and
refund of an orchestration request, purchases, and balance adjustments made by tests); usage is
computed from the same history the ``/history`` endpoints list.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._account_data import MODES
from ._account_util import (
    bad,
    body_bool,
    body_number,
    body_str,
    iso,
    newest_first,
    not_found,
    now,
    optional_body,
    page,
    q_days,
    q_enum,
    q_limit,
    q_offset,
    within_days,
)
from ._http import ApiError, RequestContext, SandboxResponse, json_response
from ._orchestration import AFTER_RECORD, BEFORE_CHARGE
from ._routing import API_ROUTES
from ._state import HistoryEntry, SandboxState, Transaction, new_id
from ._validation import CommonParams

API_KEY_PREFIX = "mm_sk_"
#: Dashboard session tokens are JWTs; their base64url header always starts with ``eyJ`` (``{"``).
SESSION_TOKEN_PREFIX = "eyJ"
CREDITS_PER_USD = 100
MIN_TOP_UP_USD = 3.0
MAX_TOP_UP_USD = 10_000.0


# -- API keys -------------------------------------------------------------------------------------


class ApiKeys:
    """Which ``mm_sk_`` key the sandbox accepts.

    Before any generation every ``mm_sk_`` key works (or only ``Sandbox(api_key=...)`` when given);
    after ``POST /keys/generate`` only the generated key does; after ``DELETE /keys/revoke`` none
    does until the next generation. Session tokens (``eyJ...``) are accepted independently of this.
    """

    def __init__(self) -> None:
        self.generated: str | None = None
        self.generated_at: float | None = None
        self.revoked = False
        self.last_used_at: float | None = None
        self.started_at = now()
        # Without a configured key: the last mm_sk_ key that authenticated, and when it was first seen.
        self.seen: str | None = None
        self.seen_at: float | None = None

    def current(self, configured: str | None) -> str | None:
        """The key the account holds now (None after a revoke)."""
        if self.generated is not None:
            return self.generated
        if self.revoked:
            return None
        return configured or self.seen

    def created_at(self, configured: str | None) -> float | None:
        if self.generated is not None:
            return self.generated_at
        if self.revoked:
            return None
        return self.started_at if configured else self.seen_at

    def use(self, token: str, configured: str | None) -> bool:
        """Whether ``token`` (an API key) is accepted; records the use."""
        if self.generated is not None:
            accepted = token == self.generated
        elif self.revoked:
            accepted = False
        elif configured is not None:
            accepted = token == configured
        else:
            accepted = token.startswith(API_KEY_PREFIX) and len(token) > len(API_KEY_PREFIX)
            if accepted and token != self.seen:
                self.seen, self.seen_at = token, now()
        if accepted:
            self.last_used_at = now()
        return accepted

    def generate(self) -> str:
        self.generated = API_KEY_PREFIX + secrets.token_hex(32)
        self.generated_at = now()
        self.revoked = False
        self.last_used_at = None
        return self.generated

    def revoke(self) -> None:
        self.generated = self.generated_at = self.last_used_at = None
        self.revoked = True


def bearer_token(ctx: RequestContext) -> str:
    """The token of the ``Authorization: Bearer ...`` header ("" when absent)."""
    scheme, _, token = ctx.request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def is_session_token(token: str) -> bool:
    """Whether ``token`` looks like a dashboard session JWT (``eyJ...``)."""
    return token.startswith(SESSION_TOKEN_PREFIX) and len(token) > len(SESSION_TOKEN_PREFIX)


@API_ROUTES.route("GET", "/keys/info")
def keys_info(ctx: RequestContext) -> SandboxResponse:
    """``GET /keys/info``."""
    keys = ctx.state.component(ApiKeys)
    configured = ctx.state.api_key
    key = keys.current(configured)
    return json_response(
        {
            "has_key": key is not None,
            "key_prefix": key[:10] if key else None,
            "created_at": iso(keys.created_at(configured)),
            "last_used_at": iso(keys.last_used_at) if key else None,
        }
    )


@API_ROUTES.route("POST", "/keys/generate")
def generate_key(ctx: RequestContext) -> SandboxResponse:
    """``POST /keys/generate``: needs a session token; replaces the previous key."""
    optional_body(ctx)
    if not is_session_token(bearer_token(ctx)):
        raise ApiError(
            403,
            "Generating an API key needs a dashboard session token (a JWT, 'Bearer eyJ...'), not an API key",
        )
    keys = ctx.state.component(ApiKeys)
    key = keys.generate()
    return json_response({"api_key": key, "key_prefix": key[:10], "created_at": iso(keys.generated_at)})


@API_ROUTES.route("DELETE", "/keys/revoke")
def revoke_key(ctx: RequestContext) -> SandboxResponse:
    """``DELETE /keys/revoke``: the current key stops working."""
    ctx.state.component(ApiKeys).revoke()
    return json_response({"revoked": True})


# -- wallet ---------------------------------------------------------------------------------------

PACKS: tuple[dict[str, Any], ...] = (
    {"id": "pack_starter", "name": "Starter", "credits": 500, "price_usd": 5.0},
    {"id": "pack_builder", "name": "Builder", "credits": 2000, "price_usd": 20.0},
    {"id": "pack_scale", "name": "Scale", "credits": 10000, "price_usd": 100.0},
)


@dataclass
class AutoTopup:
    enabled: bool = False
    threshold_credits: int = 300
    amount_usd: float = 10
    monthly_cap_usd: float = 200

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "threshold_credits": self.threshold_credits,
            "amount_usd": self.amount_usd,
            "monthly_cap_usd": self.monthly_cap_usd,
        }


@dataclass
class CheckoutSession:
    id: str
    amount_usd: float
    credits: int
    pack_id: str | None
    metadata: dict[str, str]
    status: str = "pending"


@dataclass
class Wallet:
    has_payment_method: bool = False
    lifetime_purchased_usd: float = 0.0
    purchased_credits: int = 0
    auto_topup: AutoTopup = field(default_factory=AutoTopup)
    auto_topup_spent_usd: float = 0.0
    sessions: dict[str, CheckoutSession] = field(default_factory=dict)

    def buy(self, state: SandboxState, amount_usd: float, credits: int, description: str) -> None:
        state.ledger.purchase(credits, description)
        self.purchased_credits += credits
        self.lifetime_purchased_usd = round(self.lifetime_purchased_usd + amount_usd, 2)


def _money(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def balance_dict(state: SandboxState) -> dict[str, int]:
    """Paid credits are spent last: paid = min(balance, credits ever bought)."""
    balance = state.ledger.balance
    paid = max(0, min(balance, state.component(Wallet).purchased_credits))
    return {"credits": balance, "paid_credits": paid, "free_credits": balance - paid}


def maybe_top_up(state: SandboxState) -> None:
    """Buy ``amount_usd`` when auto top-up is on, the balance is under the threshold and the cap allows."""
    wallet = state.component(Wallet)
    config = wallet.auto_topup
    if not config.enabled or state.ledger.balance >= config.threshold_credits:
        return
    if wallet.auto_topup_spent_usd + config.amount_usd > config.monthly_cap_usd:
        return
    wallet.auto_topup_spent_usd += config.amount_usd
    credits = round(config.amount_usd * CREDITS_PER_USD)
    wallet.buy(state, config.amount_usd, credits, f"auto top-up (${_money(config.amount_usd)})")


def _before_charge(ctx: RequestContext, common: CommonParams) -> None:
    maybe_top_up(ctx.state)


def _after_record(ctx: RequestContext, entry: HistoryEntry) -> None:
    maybe_top_up(ctx.state)


BEFORE_CHARGE.append(_before_charge)
AFTER_RECORD.append(_after_record)


@API_ROUTES.route("GET", "/credits/balance")
def credits_balance(ctx: RequestContext) -> SandboxResponse:
    """``GET /credits/balance``."""
    return json_response(balance_dict(ctx.state))


@API_ROUTES.route("GET", "/credits/wallet")
def credits_wallet(ctx: RequestContext) -> SandboxResponse:
    """``GET /credits/wallet``."""
    wallet = ctx.state.component(Wallet)
    return json_response(
        {
            **balance_dict(ctx.state),
            "has_payment_method": wallet.has_payment_method,
            "lifetime_purchased_usd": _money(wallet.lifetime_purchased_usd),
            "auto_topup": wallet.auto_topup.to_dict(),
        }
    )


def transaction_dict(txn: Transaction) -> dict[str, Any]:
    """A ledger movement on the wire."""
    data: dict[str, Any] = {
        "id": txn.id,
        "type": txn.kind,
        "amount": txn.amount,
        "balance_after": txn.balance_after,
    }
    if txn.request_id is not None:
        data["request_id"] = txn.request_id
    if txn.mode is not None:
        data["mode"] = txn.mode
    data["description"] = txn.description
    data["created_at"] = iso(txn.created_at)
    return data


@API_ROUTES.route("GET", "/credits/transactions")
def credits_transactions(ctx: RequestContext) -> SandboxResponse:
    """``GET /credits/transactions?limit=50&offset=0``: a JSON array, newest first."""
    limit, offset = q_limit(ctx, 50), q_offset(ctx)
    items = page(newest_first(ctx.state.ledger.transactions), limit, offset)
    return json_response([transaction_dict(t) for t in items])


@API_ROUTES.route("GET", "/credits/packs")
def credits_packs(ctx: RequestContext) -> SandboxResponse:
    """``GET /credits/packs``: a JSON array."""
    return json_response([dict(pack) for pack in PACKS])


@API_ROUTES.route("POST", "/credits/purchase")
def credits_purchase(ctx: RequestContext) -> SandboxResponse:
    """``POST /credits/purchase``: open a (simulated) checkout session."""
    body = ctx.json_object()
    amount = body_number(body, "amount_usd", MIN_TOP_UP_USD, MAX_TOP_UP_USD)
    pack_id = body_str(body, "pack_id")
    metadata: dict[str, str] = {}
    for key, value in body.items():
        if key in ("amount_usd", "pack_id"):
            continue
        if not isinstance(value, str):
            raise bad(f"'{key}': extra purchase fields must be strings, got {type(value).__name__}")
        metadata[key] = value
    if pack_id is not None:
        pack = next((p for p in PACKS if p["id"] == pack_id), None)
        if pack is None:
            raise not_found("Credit pack", pack_id)
        if amount is not None and amount != pack["price_usd"]:
            raise bad(
                f"'amount_usd' ({amount:g}) does not match the price of {pack_id!r} ({pack['price_usd']:g})"
            )
        amount, credits = float(pack["price_usd"]), int(pack["credits"])
    elif amount is not None:
        credits = round(amount * CREDITS_PER_USD)
    else:
        raise bad("'amount_usd' or 'pack_id' is required")
    session = CheckoutSession(new_id("cs"), amount, credits, pack_id, metadata)
    ctx.state.component(Wallet).sessions[session.id] = session
    return json_response(
        {
            "session_id": session.id,
            "checkout_url": f"https://checkout.llmwise.sandbox/pay/{session.id}",
            "amount_usd": _money(amount),
            "credits": credits,
            "status": "pending",
        }
    )


@API_ROUTES.route("POST", "/credits/confirm-checkout")
def credits_confirm_checkout(ctx: RequestContext) -> SandboxResponse:
    """``POST /credits/confirm-checkout``: complete a session once (adds credits, saves the card)."""
    session_id = body_str(ctx.json_object(), "session_id", required=True)
    assert session_id is not None
    wallet = ctx.state.component(Wallet)
    session = wallet.sessions.get(session_id)
    if session is None:
        raise not_found("Checkout session", session_id)
    added = 0
    if session.status != "completed":
        session.status = "completed"
        added = session.credits
        label = session.pack_id or f"${_money(session.amount_usd)}"
        wallet.buy(ctx.state, session.amount_usd, session.credits, f"purchase {label} ({session.id})")
        wallet.has_payment_method = True
    return json_response(
        {
            "session_id": session.id,
            "status": "completed",
            "credits_added": added,
            "credits": ctx.state.ledger.balance,
        }
    )


@API_ROUTES.route("PUT", "/credits/auto-topup")
def credits_auto_topup(ctx: RequestContext) -> SandboxResponse:
    """``PUT /credits/auto-topup``: ``enabled`` is required, other fields keep their value when omitted."""
    body = ctx.json_object()
    wallet = ctx.state.component(Wallet)
    enabled = body_bool(body, "enabled")
    if enabled is None:
        raise bad("'enabled' is required")
    threshold = body.get("threshold_credits")
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0
    ):
        raise bad(f"'threshold_credits' must be an integer of at least 0, got {threshold!r}")
    amount = body_number(body, "amount_usd", MIN_TOP_UP_USD, MAX_TOP_UP_USD)
    cap = body_number(body, "monthly_cap_usd", MIN_TOP_UP_USD, 1_000_000)
    config = wallet.auto_topup
    new_amount = config.amount_usd if amount is None else amount
    new_cap = config.monthly_cap_usd if cap is None else cap
    if new_cap < new_amount:
        raise bad(f"'monthly_cap_usd' ({new_cap:g}) must be at least 'amount_usd' ({new_amount:g})")
    if enabled and not wallet.has_payment_method:
        raise bad("'enabled': auto top-up needs a saved payment method; complete a checkout first")
    config.enabled = enabled
    config.threshold_credits = config.threshold_credits if threshold is None else threshold
    config.amount_usd = _money(new_amount)
    config.monthly_cap_usd = _money(new_cap)
    return json_response({"auto_topup": config.to_dict()})


# -- usage ----------------------------------------------------------------------------------------


def models_used(entry: HistoryEntry) -> list[str]:
    """The models a request counts for: its ``models``, or for auto/mesh the model that answered."""
    if entry.mode in ("auto", "mesh") and entry.resolved_model:
        return [entry.resolved_model]
    return list(dict.fromkeys(entry.models))


def _recent(state: SandboxState, days: int) -> list[HistoryEntry]:
    moment = now()
    return [e for e in state.history if within_days(e.created_at, days, moment)]


def _bump(table: dict[str, dict[str, int]], key: str, credits: int) -> None:
    row = table.setdefault(key, {"requests": 0, "credits": 0})
    row["requests"] += 1
    row["credits"] += credits


def usage_summary_dict(entries: Sequence[HistoryEntry], days: int) -> dict[str, Any]:
    by_mode: dict[str, dict[str, int]] = {}
    by_model: dict[str, dict[str, int]] = {}
    for entry in entries:
        _bump(by_mode, entry.mode, entry.credits_charged)
        for model in models_used(entry):
            _bump(by_model, model, entry.credits_charged)
    return {
        "days": days,
        "requests": len(entries),
        "credits_used": sum(e.credits_charged for e in entries),
        "by_mode": by_mode,
        "by_model": by_model,
    }


@API_ROUTES.route("GET", "/usage/summary")
def usage_summary(ctx: RequestContext) -> SandboxResponse:
    """``GET /usage/summary?days=7``."""
    days = q_days(ctx, 7)
    return json_response(usage_summary_dict(_recent(ctx.state, days), days))


@API_ROUTES.route("GET", "/usage/recent")
def usage_recent(ctx: RequestContext) -> SandboxResponse:
    """``GET /usage/recent?limit=20&offset=0&days=30&mode=``: a JSON array, newest first."""
    limit, offset, days = q_limit(ctx, 20), q_offset(ctx), q_days(ctx, 30)
    mode = q_enum(ctx, "mode", MODES)
    entries = [e for e in newest_first(_recent(ctx.state, days)) if mode is None or e.mode == mode]
    return json_response(
        [
            {
                "id": e.id,
                "mode": e.mode,
                "models": list(e.models),
                "credits_charged": e.credits_charged,
                "latency_ms": e.latency_ms,
                "status": e.status,
                "created_at": iso(e.created_at),
            }
            for e in page(entries, limit, offset)
        ]
    )
