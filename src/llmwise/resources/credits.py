"""`client.credits`: balance, wallet, ledger, credit packs, checkout and auto top-up."""

from __future__ import annotations

import builtins
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

from typing_extensions import Unpack

from .._lazy import LazyModule
from .._pagination import AsyncPaginator, Page, paginate
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from ._params import api_operation, list_of, page_request, require_id, tracking_fields

if TYPE_CHECKING:
    from ..types import credits as _types
    from ..types.credits import (
        AutoTopupResult,
        CheckoutConfirmation,
        CheckoutSession,
        CreditBalance,
        CreditPack,
        Transaction,
        Wallet,
    )
else:
    # Imported by the first call that needs them: pydantic models (see `llmwise._lazy`).
    _types = LazyModule("llmwise.types.credits")

__all__ = ["Credits", "AsyncCredits"]


def _read_pack(entry: Any) -> CreditPack:
    # A function, not `_types.CreditPack.from_api`: that would import the model with this module.
    return _types.CreditPack.from_api(entry)


_parse_packs = list_of(_read_pack, "packs")


# <async>
class AsyncCredits(AsyncAPIResource):
    """Credits: $1 buys 100; requests are charged once they settle, and refunded when they fail."""

    @cached_property
    def with_raw_response(self) -> AsyncCreditsWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncCreditsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncCreditsWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncCreditsWithStreamingResponse(self)

    async def balance(self, **options: Unpack[RequestOptions]) -> CreditBalance:
        """Get the credit balance (`GET /credits/balance`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/credits/balance", options=options, parse=_types.CreditBalance.from_api)
        )

    async def wallet(self, **options: Unpack[RequestOptions]) -> Wallet:
        """Get the balance with payment and auto top-up details (`GET /credits/wallet`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/credits/wallet", options=options, parse=_types.Wallet.from_api)
        )

    def transactions(
        self, *, limit: int = 50, offset: int = 0, **options: Unpack[RequestOptions]
    ) -> AsyncPaginator[Transaction]:
        """List credit movements, newest first (`GET /credits/transactions`).

        Charges, refunds, purchases and bonuses. `await client.credits.transactions()` is the first page (`.data`); `async for`
        over `client.credits.transactions()` (or over a page) yields every transaction, fetching the
        following pages as needed.

        Args:
            limit: Page size (default 50).
            offset: How many transactions to skip (default 0).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        request = page_request(
            "/credits/transactions",
            {"limit": limit, "offset": offset},
            options,
            "transactions",
            _types.Transaction.from_api,
        )
        return paginate(self._client, request)

    async def packs(self, **options: Unpack[RequestOptions]) -> builtins.list[CreditPack]:
        """List the credit packs for sale (`GET /credits/packs`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation("GET", "/credits/packs", options=options, parse=_parse_packs)
        )

    async def purchase(
        self, /, amount_usd: float | None = None, pack_id: str | int | None = None, **tracking: Any
    ) -> CheckoutSession:
        """Start a checkout for credits (`POST /credits/purchase`): send the user to `checkout_url`.

        Args:
            amount_usd: How much to buy, in USD ($3 to $10,000); or give `pack_id`.
            pack_id: A pack's `id` from `packs()` (an integer id is sent in decimal, as a string).
            **tracking: Extra string fields sent with the purchase (e.g. `utm_source="docs"`); the
                per-call request options (extra_headers, timeout, ...) are accepted here too.
        """
        fields, options = tracking_fields("credits.purchase", tracking)
        pack = None if pack_id is None else require_id("pack_id", pack_id)
        body = {"amount_usd": amount_usd, "pack_id": pack, **fields}
        return await self._client.request(
            api_operation(
                "POST", "/credits/purchase", body=body, options=options, parse=_types.CheckoutSession.from_api
            )
        )

    async def confirm_checkout(
        self, session_id: str | int, **options: Unpack[RequestOptions]
    ) -> CheckoutConfirmation:
        """Confirm a paid checkout and add its credits (`POST /credits/confirm-checkout`).

        Args:
            session_id: The `session_id` returned by `purchase()` (an integer is sent in decimal).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {"session_id": require_id("session_id", session_id)}
        return await self._client.request(
            api_operation(
                "POST",
                "/credits/confirm-checkout",
                body=body,
                options=options,
                parse=_types.CheckoutConfirmation.from_api,
            )
        )

    async def update_auto_topup(
        self,
        enabled: bool,
        *,
        threshold_credits: int = 300,
        amount_usd: int = 10,
        monthly_cap_usd: int = 200,
        **options: Unpack[RequestOptions],
    ) -> AutoTopupResult:
        """Turn automatic top-up on or off (`PUT /credits/auto-topup`).

        Turning it on needs a saved payment method: one completed checkout.

        Args:
            enabled: Whether to top up automatically.
            threshold_credits: Top up when the balance falls below this (default 300).
            amount_usd: How much each top-up buys, in USD (default 10).
            monthly_cap_usd: The most auto top-up may spend in a month, in USD (default 200).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {
            "enabled": enabled,
            "threshold_credits": threshold_credits,
            "amount_usd": amount_usd,
            "monthly_cap_usd": monthly_cap_usd,
        }
        return await self._client.request(
            api_operation(
                "PUT", "/credits/auto-topup", body=body, options=options, parse=_types.AutoTopupResult.from_api
            )
        )


class AsyncCreditsWithRawResponse(ResourceView):
    """`client.credits.with_raw_response`: the methods of `client.credits`, returning the HTTP response."""

    balance: Final = async_to_raw_response_wrapper(AsyncCredits.balance)
    wallet: Final = async_to_raw_response_wrapper(AsyncCredits.wallet)
    transactions: Final = async_to_raw_response_wrapper(AsyncCredits.transactions)
    packs: Final = async_to_raw_response_wrapper(AsyncCredits.packs)
    purchase: Final = async_to_raw_response_wrapper(AsyncCredits.purchase)
    confirm_checkout: Final = async_to_raw_response_wrapper(AsyncCredits.confirm_checkout)
    update_auto_topup: Final = async_to_raw_response_wrapper(AsyncCredits.update_auto_topup)


class AsyncCreditsWithStreamingResponse(ResourceView):
    """`client.credits.with_streaming_response`: the methods of `client.credits` as context managers
    that read the body only when asked."""

    balance: Final = async_to_streamed_response_wrapper(AsyncCredits.balance)
    wallet: Final = async_to_streamed_response_wrapper(AsyncCredits.wallet)
    transactions: Final = async_to_streamed_response_wrapper(AsyncCredits.transactions)
    packs: Final = async_to_streamed_response_wrapper(AsyncCredits.packs)
    purchase: Final = async_to_streamed_response_wrapper(AsyncCredits.purchase)
    confirm_checkout: Final = async_to_streamed_response_wrapper(AsyncCredits.confirm_checkout)
    update_auto_topup: Final = async_to_streamed_response_wrapper(AsyncCredits.update_auto_topup)


# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Credits(APIResource):
    """Credits: $1 buys 100; requests are charged once they settle, and refunded when they fail."""

    @cached_property
    def with_raw_response(self) -> CreditsWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return CreditsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CreditsWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return CreditsWithStreamingResponse(self)

    def balance(self, **options: Unpack[RequestOptions]) -> CreditBalance:
        """Get the credit balance (`GET /credits/balance`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/credits/balance", options=options, parse=_types.CreditBalance.from_api)
        )

    def wallet(self, **options: Unpack[RequestOptions]) -> Wallet:
        """Get the balance with payment and auto top-up details (`GET /credits/wallet`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/credits/wallet", options=options, parse=_types.Wallet.from_api)
        )

    def transactions(
        self, *, limit: int = 50, offset: int = 0, **options: Unpack[RequestOptions]
    ) -> Page[Transaction]:
        """List credit movements, newest first (`GET /credits/transactions`).

        Charges, refunds, purchases and bonuses. `client.credits.transactions()` is the first page (`.data`); `for`
        over `client.credits.transactions()` (or over a page) yields every transaction, fetching the
        following pages as needed.

        Args:
            limit: Page size (default 50).
            offset: How many transactions to skip (default 0).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        request = page_request(
            "/credits/transactions",
            {"limit": limit, "offset": offset},
            options,
            "transactions",
            _types.Transaction.from_api,
        )
        return paginate(self._client, request)

    def packs(self, **options: Unpack[RequestOptions]) -> builtins.list[CreditPack]:
        """List the credit packs for sale (`GET /credits/packs`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation("GET", "/credits/packs", options=options, parse=_parse_packs)
        )

    def purchase(
        self, /, amount_usd: float | None = None, pack_id: str | int | None = None, **tracking: Any
    ) -> CheckoutSession:
        """Start a checkout for credits (`POST /credits/purchase`): send the user to `checkout_url`.

        Args:
            amount_usd: How much to buy, in USD ($3 to $10,000); or give `pack_id`.
            pack_id: A pack's `id` from `packs()` (an integer id is sent in decimal, as a string).
            **tracking: Extra string fields sent with the purchase (e.g. `utm_source="docs"`); the
                per-call request options (extra_headers, timeout, ...) are accepted here too.
        """
        fields, options = tracking_fields("credits.purchase", tracking)
        pack = None if pack_id is None else require_id("pack_id", pack_id)
        body = {"amount_usd": amount_usd, "pack_id": pack, **fields}
        return self._client.request(
            api_operation(
                "POST", "/credits/purchase", body=body, options=options, parse=_types.CheckoutSession.from_api
            )
        )

    def confirm_checkout(
        self, session_id: str | int, **options: Unpack[RequestOptions]
    ) -> CheckoutConfirmation:
        """Confirm a paid checkout and add its credits (`POST /credits/confirm-checkout`).

        Args:
            session_id: The `session_id` returned by `purchase()` (an integer is sent in decimal).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {"session_id": require_id("session_id", session_id)}
        return self._client.request(
            api_operation(
                "POST",
                "/credits/confirm-checkout",
                body=body,
                options=options,
                parse=_types.CheckoutConfirmation.from_api,
            )
        )

    def update_auto_topup(
        self,
        enabled: bool,
        *,
        threshold_credits: int = 300,
        amount_usd: int = 10,
        monthly_cap_usd: int = 200,
        **options: Unpack[RequestOptions],
    ) -> AutoTopupResult:
        """Turn automatic top-up on or off (`PUT /credits/auto-topup`).

        Turning it on needs a saved payment method: one completed checkout.

        Args:
            enabled: Whether to top up automatically.
            threshold_credits: Top up when the balance falls below this (default 300).
            amount_usd: How much each top-up buys, in USD (default 10).
            monthly_cap_usd: The most auto top-up may spend in a month, in USD (default 200).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {
            "enabled": enabled,
            "threshold_credits": threshold_credits,
            "amount_usd": amount_usd,
            "monthly_cap_usd": monthly_cap_usd,
        }
        return self._client.request(
            api_operation(
                "PUT", "/credits/auto-topup", body=body, options=options, parse=_types.AutoTopupResult.from_api
            )
        )


class CreditsWithRawResponse(ResourceView):
    """`client.credits.with_raw_response`: the methods of `client.credits`, returning the HTTP response."""

    balance: Final = to_raw_response_wrapper(Credits.balance)
    wallet: Final = to_raw_response_wrapper(Credits.wallet)
    transactions: Final = to_raw_response_wrapper(Credits.transactions)
    packs: Final = to_raw_response_wrapper(Credits.packs)
    purchase: Final = to_raw_response_wrapper(Credits.purchase)
    confirm_checkout: Final = to_raw_response_wrapper(Credits.confirm_checkout)
    update_auto_topup: Final = to_raw_response_wrapper(Credits.update_auto_topup)


class CreditsWithStreamingResponse(ResourceView):
    """`client.credits.with_streaming_response`: the methods of `client.credits` as context managers
    that read the body only when asked."""

    balance: Final = to_streamed_response_wrapper(Credits.balance)
    wallet: Final = to_streamed_response_wrapper(Credits.wallet)
    transactions: Final = to_streamed_response_wrapper(Credits.transactions)
    packs: Final = to_streamed_response_wrapper(Credits.packs)
    purchase: Final = to_streamed_response_wrapper(Credits.purchase)
    confirm_checkout: Final = to_streamed_response_wrapper(Credits.confirm_checkout)
    update_auto_topup: Final = to_streamed_response_wrapper(Credits.update_auto_topup)


# </sync>
