"""llmwise: the typed Python SDK for the LLMWise multi-model LLM API.

    from llmwise import LLMWise

    client = LLMWise()  # reads LLMWISE_API_KEY
    answer = client.chat.create(model="auto", messages=[{"role": "user", "content": "Hi"}])
    print(answer.content)

Names load on first use, so `import llmwise` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._base_client import DEFAULT_BASE_URL
    from ._budget import DEFAULT_RESERVES, Budget
    from ._client import AsyncLLMWise, LLMWise
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BudgetExceededError,
        ClientClosedError,
        ConflictError,
        DeadlineExceededError,
        IncompleteStreamError,
        InsufficientCreditsError,
        InternalServerError,
        InvalidRequestError,
        LLMWiseError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RateLimitInfo,
        ResponseTooLargeError,
        ServerStreamError,
        StreamDeadlineExceededError,
        StreamError,
        StreamTimeoutError,
        StructuredOutputError,
        UnprocessableEntityError,
    )
    from ._ledger import Ledger, LedgerEntry, LedgerSummary
    from ._response import APIResponse, AsyncAPIResponse
    from ._streaming import AsyncStream, Stream

__all__ = [
    "__version__",
    "LLMWise",
    "AsyncLLMWise",
    "DEFAULT_BASE_URL",
    "APIResponse",
    "AsyncAPIResponse",
    "Stream",
    "AsyncStream",
    "Budget",
    "DEFAULT_RESERVES",
    "Ledger",
    "LedgerEntry",
    "LedgerSummary",
    "LLMWiseError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "InsufficientCreditsError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "RateLimitInfo",
    "InternalServerError",
    "StreamError",
    "ServerStreamError",
    "IncompleteStreamError",
    "StreamTimeoutError",
    "StructuredOutputError",
    "DeadlineExceededError",
    "StreamDeadlineExceededError",
    "InvalidRequestError",
    "ClientClosedError",
    "ResponseTooLargeError",
    "BudgetExceededError",
]

_LAZY = {
    "LLMWise": "._client",
    "AsyncLLMWise": "._client",
    "DEFAULT_BASE_URL": "._base_client",
    "APIResponse": "._response",
    "AsyncAPIResponse": "._response",
    "Stream": "._streaming",
    "AsyncStream": "._streaming",
    "Budget": "._budget",
    "DEFAULT_RESERVES": "._budget",
    "Ledger": "._ledger",
    "LedgerEntry": "._ledger",
    "LedgerSummary": "._ledger",
}


if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt name is an error there

    def __getattr__(name: str) -> Any:
        # PEP 562: httpx and pydantic are imported only when a name that needs them is first used.
        module = _LAZY.get(name)
        if module is None and name in __all__:
            module = "._exceptions"
        if module is None:
            raise AttributeError(f"module 'llmwise' has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(module, __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
