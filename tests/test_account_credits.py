"""`client.credits` against the sandbox: balance, ledger (charges and refunds), packs, checkout,
auto top-up."""

from __future__ import annotations

import pytest

from account_support import chat, every_item, every_page
from llmwise import BadRequestError, InternalServerError, LLMWiseError, NotFoundError
from llmwise.types.credits import (
    AutoTopupResult,
    CheckoutConfirmation,
    CheckoutSession,
    CreditBalance,
    CreditPack,
    Transaction,
    Wallet,
)
from support import SandboxEnv


def test_balance_and_wallet(env: SandboxEnv) -> None:
    balance = env.call(env.client.credits.balance())
    assert isinstance(balance, CreditBalance)
    assert balance.credits == env.sandbox.credits == 1000
    chat(env, "Hello")
    assert env.call(env.client.credits.balance()).credits == 999

    wallet = env.call(env.client.credits.wallet())
    assert isinstance(wallet, Wallet)
    assert wallet.credits == 999 and wallet.has_payment_method is False
    assert wallet.auto_topup is not None and wallet.auto_topup.enabled is False


def test_transactions_record_charges_and_refunds(env: SandboxEnv) -> None:
    answer = chat(env, "Hello")
    env.sandbox.set_model("claude-sonnet-4.5", fail_status=500)
    with pytest.raises(InternalServerError) as info:
        chat(env, "Hello again", model="claude-sonnet-4.5", max_retries=0)
    failed_request = info.value.request_id

    page = env.call(env.client.credits.transactions())
    assert env.sandbox.requests[-1].query == {"limit": "50", "offset": "0"}
    assert all(isinstance(t, Transaction) for t in page.data)
    refund, charge_failed, charge_ok = page.data
    assert (charge_ok.type, charge_ok.amount, charge_ok.request_id, charge_ok.mode) == (
        "charge",
        -1,
        answer.id,
        "chat",
    )
    assert charge_ok.balance_after == 999 and charge_ok.id and charge_ok.id.startswith("txn_")
    assert (charge_failed.type, charge_failed.amount) == ("charge", -1)
    assert (refund.type, refund.amount, refund.balance_after) == ("refund", 1, 999)
    assert refund.request_id == charge_failed.request_id == failed_request
    # A bare JSON array carries no total: the page is not full, so there is no next page.
    assert page.total is None and not page.has_next_page()


def test_transactions_page_by_full_pages(env: SandboxEnv) -> None:
    ids = [chat(env, f"Question {i}").id for i in range(4)]
    page = env.call(env.client.credits.transactions(limit=2))
    assert len(page.data) == 2 and page.has_next_page()  # a full page: maybe more
    assert [t.request_id for t in every_item(page)] == ids[::-1]
    # Without a total, the third page is fetched and comes back empty: that ends the listing.
    pages = every_page(page)
    assert [len(p.data) for p in pages] == [2, 2, 0]
    assert not pages[-1].has_next_page()
    with pytest.raises(LLMWiseError):
        env.call(pages[-1].get_next_page())


def test_packs(env: SandboxEnv) -> None:
    packs = env.call(env.client.credits.packs())
    assert all(isinstance(p, CreditPack) for p in packs)
    assert [(p.id, p.credits, p.price_usd) for p in packs] == [
        ("pack_starter", 500, 5),
        ("pack_builder", 2000, 20),
        ("pack_scale", 10000, 100),
    ]


def test_purchase_and_confirm(env: SandboxEnv) -> None:
    session = env.call(env.client.credits.purchase(amount_usd=12.5, utm_source="docs", campaign="spring"))
    assert isinstance(session, CheckoutSession)
    assert env.sandbox.requests[-1].json == {"amount_usd": 12.5, "utm_source": "docs", "campaign": "spring"}
    assert session.status == "pending" and session.credits == 1250 and session.amount_usd == 12.5
    assert session.session_id and session.checkout_url and str(session.session_id) in session.checkout_url

    confirmed = env.call(env.client.credits.confirm_checkout(session.session_id))
    assert isinstance(confirmed, CheckoutConfirmation)
    assert env.sandbox.requests[-1].json == {"session_id": session.session_id}
    assert (confirmed.status, confirmed.credits_added, confirmed.credits) == ("completed", 1250, 2250)
    again = env.call(env.client.credits.confirm_checkout(session_id=session.session_id))
    assert again.credits_added == 0 and again.credits == 2250

    purchase = env.call(env.client.credits.transactions()).data[0]
    assert (purchase.type, purchase.amount, purchase.balance_after) == ("purchase", 1250, 2250)
    wallet = env.call(env.client.credits.wallet())
    assert wallet.has_payment_method is True and wallet.lifetime_purchased_usd == 12.5


def test_purchase_a_pack(env: SandboxEnv) -> None:
    session = env.call(env.client.credits.purchase(pack_id="pack_builder"))
    assert env.sandbox.requests[-1].json == {"pack_id": "pack_builder"}
    assert (session.credits, session.amount_usd) == (2000, 20)
    with pytest.raises(NotFoundError):
        env.call(env.client.credits.purchase(pack_id="pack_missing"))


def test_purchase_errors(env: SandboxEnv) -> None:
    with pytest.raises(BadRequestError):
        env.call(env.client.credits.purchase())  # neither amount nor pack
    with pytest.raises(BadRequestError):
        env.call(env.client.credits.purchase(amount_usd=1))  # under the $3 minimum
    with pytest.raises(NotFoundError):
        env.call(env.client.credits.confirm_checkout("cs_missing"))
    before = len(env.sandbox.requests)
    with pytest.raises(TypeError, match="tracking field 'ref'"):
        env.call(env.client.credits.purchase(amount_usd=5, ref=7))
    with pytest.raises(ValueError, match="session_id"):
        env.call(env.client.credits.confirm_checkout(""))
    assert len(env.sandbox.requests) == before


def test_auto_topup(env: SandboxEnv) -> None:
    # Turning it on needs a saved payment method: one completed checkout.
    with pytest.raises(BadRequestError, match="payment method"):
        env.call(env.client.credits.update_auto_topup(True))
    assert env.sandbox.requests[-1].json == {
        "enabled": True,
        "threshold_credits": 300,
        "amount_usd": 10,
        "monthly_cap_usd": 200,
    }
    session = env.call(env.client.credits.purchase(pack_id="pack_starter"))
    env.call(env.client.credits.confirm_checkout(session.session_id))

    result = env.call(
        env.client.credits.update_auto_topup(enabled=True, threshold_credits=100, amount_usd=25)
    )
    assert isinstance(result, AutoTopupResult) and result.auto_topup is not None
    assert (result.auto_topup.enabled, result.auto_topup.threshold_credits, result.auto_topup.amount_usd) == (
        True,
        100,
        25,
    )
    assert result.auto_topup.monthly_cap_usd == 200
    wallet = env.call(env.client.credits.wallet())
    assert wallet.auto_topup == result.auto_topup


def test_purchase_takes_request_options_beside_tracking_fields(env: SandboxEnv) -> None:
    env.call(
        env.client.credits.purchase(5, None, extra_headers={"X-Client": "shop"}, timeout=5.0, ref="email")
    )
    sent = env.sandbox.requests[-1]
    assert sent.json == {"amount_usd": 5, "ref": "email"}
    assert sent.headers["x-client"] == "shop"
