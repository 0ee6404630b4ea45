"""The errors the SDK raises: one base class, then connection, status and stream errors.

Every error keeps what a caller needs to act on it (status, server message, request id, body,
headers, and for streams the text received before the failure) and nothing that could leak the API
key: the httpx request (whose headers carry it) is kept on the instance but dropped when pickled.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ._http import Request, Response

__all__ = [
    "LLMWiseError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "DeadlineExceededError",
    "StreamDeadlineExceededError",
    "InvalidRequestError",
    "ClientClosedError",
    "BudgetExceededError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "InsufficientCreditsError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIResponseValidationError",
    "ResponseTooLargeError",
    "StreamError",
    "ServerStreamError",
    "IncompleteStreamError",
    "StreamTimeoutError",
    "StructuredOutputError",
    "RateLimitInfo",
]


class RateLimitInfo:
    """The `X-RateLimit-*` headers of a response (`reset` is seconds until the window resets)."""

    __slots__ = ("limit", "remaining", "reset")

    def __init__(self, limit: int | None, remaining: int | None, reset: float | None) -> None:
        self.limit: int | None = limit
        """The requests allowed in the window (`X-RateLimit-Limit`)."""
        self.remaining: int | None = remaining
        """The requests left in the window (`X-RateLimit-Remaining`)."""
        self.reset: float | None = reset
        """Seconds until the window resets (`X-RateLimit-Reset`)."""

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitInfo:
        """Read the rate-limit headers; absent or malformed values become None."""
        return cls(
            _int_or_none(headers.get("x-ratelimit-limit")),
            _int_or_none(headers.get("x-ratelimit-remaining")),
            _float_or_none(headers.get("x-ratelimit-reset")),
        )

    def __repr__(self) -> str:
        return f"RateLimitInfo(limit={self.limit}, remaining={self.remaining}, reset={self.reset})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RateLimitInfo):
            return NotImplemented
        return (self.limit, self.remaining, self.reset) == (other.limit, other.remaining, other.reset)

    __hash__: ClassVar[None] = None  # type: ignore[assignment]  # mutable, compared by value


class LLMWiseError(Exception):
    """Base class of every error raised by the llmwise SDK.

    `status_code`, `message` and `payload` are the attributes the 0.1 client's single error class
    had, so code written for it keeps working.
    """

    message: str
    """What went wrong, in words (the server's own message for HTTP errors)."""
    status_code: int | None
    """The HTTP (or in-stream) status code, when there is one."""
    body: Any
    """The parsed JSON error body (or its text) when the server sent one."""
    request_id: str | None
    """The server's request id (`X-Request-Id` header or `request_id` in the body), for support."""

    def __init__(
        self,
        message: str | int = "",
        *args: Any,
        status_code: int | None = None,
        body: Any = None,
        payload: Any = None,
        request: Request | None = None,
        response: Response | None = None,
        headers: Mapping[str, str] | None = None,
        request_id: str | None = None,
        partial_text: str = "",
        events: list[Any] | None = None,
        refunded: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        if isinstance(message, int) and not isinstance(message, bool):
            # The 0.1 class was a dataclass: LLMWiseError(status_code, message, payload).
            status_code = message if status_code is None else status_code
            message = str(args[0]) if args else ""
            args = args[1:]
            if args and payload is None:
                payload = args[0]
                args = args[1:]
        if args:
            raise TypeError(f"{type(self).__name__}() takes the message and keyword arguments only")
        if payload is not None and body is None:
            body = payload  # the 0.1 name of `body`
        super().__init__(message)
        self.message = str(message)
        self.status_code = status_code
        self.body = body
        self.request = request
        self.response = response
        self.headers: dict[str, str] = dict(headers) if headers is not None else {}
        self.request_id = request_id
        self.partial_text = partial_text
        self.events: list[Any] = events if events is not None else []
        self.refunded = refunded
        self.retry_after = retry_after

    @property
    def payload(self) -> Any:
        """The error body, under the name the 0.1 client used."""
        return self.body

    def __str__(self) -> str:
        parts = [self.message]
        if self.request_id:
            parts.append(f"(request_id: {self.request_id})")
        return " ".join(parts)

    def __repr__(self) -> str:
        fields = [repr(self.message)]
        if self.status_code is not None:
            fields.append(f"status_code={self.status_code}")
        if self.request_id:
            fields.append(f"request_id={self.request_id!r}")
        return f"{type(self).__name__}({', '.join(fields)})"

    def __reduce__(self) -> tuple[Any, ...]:
        # The httpx request/response carry the Authorization header: never pickle them.
        state = {k: v for k, v in self.__dict__.items() if k not in ("request", "response")}
        return (_rebuild_error, (type(self), self.message, state))


def _rebuild_error(cls: type[LLMWiseError], message: str, state: dict[str, Any]) -> LLMWiseError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    err.request = None
    err.response = None
    return err


class APIError(LLMWiseError):
    """An error talking to the API (as opposed to a bad argument caught before sending)."""


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke."""


class APITimeoutError(APIConnectionError):
    """The request (or a stream, between two chunks) timed out."""


class DeadlineExceededError(APITimeoutError):
    """The call's `deadline` passed (or a wait before the next retry would have passed it).

    `last_error` (also the `__cause__`) is the error of the last attempt, if one failed.
    """

    last_error: LLMWiseError | None

    def __init__(self, message: str, *, last_error: LLMWiseError | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.last_error = last_error


class InvalidRequestError(LLMWiseError, ValueError):
    """A request that cannot be sent as given, found before anything was sent (so never retried):
    a header name or value HTTP cannot carry (a line break, a control or non-ASCII character), a URL
    too long. The message names the setting, never the value (it may be a secret)."""


class ClientClosedError(LLMWiseError, RuntimeError):
    """A call on a client whose connection pool is closed (after `close()`, a `with` block's end,
    or closing the `http_client` given to it)."""


class BudgetExceededError(LLMWiseError):
    """A call refused by a budget (`client.budget(max_credits=...)`) before anything was sent: its
    mode's reserve (chat 1, compare 2, blend 4, judge 5 credits by default) would take the budget's
    spent and held credits past `max_credits`. Never retried; nothing was charged."""

    def __init__(self, message: str, *, budget: Any = None, mode: str = "", reserve: float = 0) -> None:
        super().__init__(message)
        self.budget = budget
        """The `Budget` that refused the call."""
        self.mode = mode
        """The refused call's mode: `chat`, `compare`, `blend` or `judge`."""
        self.reserve = reserve
        """The credits the call would have reserved."""


class APIResponseValidationError(APIError):
    """The server answered 2xx with a body the SDK cannot read: not JSON, a value of the wrong kind
    at the top (a string where an object belongs), a listing with no list in it; in strict mode
    (`strict_responses=True`), also any value that does not fit its model.

    `body` holds what arrived; `errors` lists where the shape differed (`loc`, `msg`, `type`), and,
    like the message, never repeats the values themselves.
    """

    def __init__(self, message: str, *, errors: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.errors: list[Any] = errors if errors is not None else []
        """pydantic's error entries without their input values (`loc`, `msg`, `type`)."""


class ResponseTooLargeError(APIError):
    """A response body (or one event of a stream) was larger than the client's limit once decoded
    (`max_response_bytes`, default 64 MiB; `max_event_bytes`, default 8 MiB). Not retried."""

    def __init__(self, message: str, *, limit: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit
        """The limit that was passed, in bytes."""


class APIStatusError(APIError):
    """The server answered with an HTTP error status (4xx or 5xx). `message` is the server's own
    message (as the 0.1 client gave it); `str(err)` reads `Error code: 402 - <message>`."""

    status_code: int

    def __str__(self) -> str:
        text = f"Error code: {self.status_code} - {self.message}"
        return f"{text} (request_id: {self.request_id})" if self.request_id else text

    @property
    def rate_limit(self) -> RateLimitInfo:
        """The `X-RateLimit-*` headers sent with this error."""
        return RateLimitInfo.from_headers(self.headers)


class BadRequestError(APIStatusError):
    """400: the request was invalid; `message` says which field and why."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, malformed or revoked."""


class InsufficientCreditsError(APIStatusError):
    """402: the account has too few credits (or no plan) for this request."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource (or endpoint)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """429: rate limited. `retry_after` says how long the server asked to wait, in seconds."""


class InternalServerError(APIStatusError):
    """5xx: the server (or every upstream model) failed."""


class StreamError(APIError):
    """A stream ended abnormally. `partial_text` and `events` hold what arrived before the failure."""


class ServerStreamError(StreamError):
    """The server sent an error event in the stream (`status_code`, `refunded` say what and whether
    the credits were given back)."""


class IncompleteStreamError(StreamError, APIConnectionError):
    """The connection broke, or the stream ended without its closing `done` event."""


class StreamTimeoutError(IncompleteStreamError, APITimeoutError):
    """No data arrived on a stream within the read timeout."""


class StreamDeadlineExceededError(StreamTimeoutError, DeadlineExceededError):
    """The call's `deadline` passed while a stream was being read; `partial_text` holds what arrived."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


class StructuredOutputError(LLMWiseError):
    """No answer matched the `response_format` of a `parse()` call, after every repair turn.

    Every attempt was a billed call: they are all in `attempts` (`ParseAttempt`: the model, the
    answer's text, its problems, what the call charged), and `total_credits_charged` adds them up.
    `raw_text` is the last answer as the model wrote it and `issues` why it was not accepted (paths
    and pydantic's messages, never the values). The message names the problems, not the answer.
    """

    def __init__(
        self,
        message: str,
        *,
        raw_text: str = "",
        issues: list[Any] | None = None,
        attempts: list[Any] | None = None,
        model: str | None = None,
        total_credits_charged: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.raw_text = raw_text
        """The last answer, as the model wrote it (unvalidated)."""
        self.issues: list[Any] = issues if issues is not None else []
        """Why the last answer was not accepted (`OutputIssue`: `path`, `message`, `type`)."""
        self.attempts: list[Any] = attempts if attempts is not None else []
        """Every answer read, first to last (`ParseAttempt`)."""
        self.model = model
        """The model whose answers these were."""
        self.total_credits_charged = total_credits_charged
        """What all the attempts charged together (None when no call reported a charge)."""


def status_error_class(status: int) -> type[APIStatusError]:
    """The error class for an HTTP status."""
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIStatusError)


def error_message(body: Any, fallback: str) -> str:
    """The server's message: body `error` (string or `{message}`), else `detail`, else the text."""
    if isinstance(body, Mapping):
        for key in ("error", "detail", "message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, Mapping) and isinstance(value.get("message"), str):
                return str(value["message"])
            if isinstance(value, list) and value:
                # FastAPI validation errors: a list of {loc, msg}.
                return "; ".join(_describe_detail(item) for item in value)
    if isinstance(body, str) and body.strip():
        return body.strip()[:1000]
    return fallback


def _describe_detail(item: Any) -> str:
    if isinstance(item, Mapping) and "msg" in item:
        raw = item.get("loc")
        # FastAPI sends a list; a server may send one name, a number or null instead.
        parts = raw if isinstance(raw, (list, tuple)) else [] if raw is None else [raw]
        loc = ".".join(str(p) for p in parts if p is not None and p != "body")
        return f"{loc}: {item['msg']}" if loc else str(item["msg"])
    return str(item)


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    ms = _float_or_none(headers.get("retry-after-ms"))
    if ms is not None and ms >= 0:
        return ms / 1000.0
    raw = headers.get("retry-after")
    if raw is None:
        return None
    seconds = _float_or_none(raw)
    if seconds is not None:
        return max(seconds, 0.0)
    try:
        parsed = email.utils.parsedate_tz(raw)
        if parsed is None:
            return None
        # A year or offset out of range (`... 10000 ...`) raises: such a date is no instruction.
        return max(email.utils.mktime_tz(parsed) - time.time(), 0.0)
    except (ValueError, OverflowError, OSError):
        return None


ERROR_BODY_LIMIT = 64 * 1024
"""An error body larger than this (in bytes) is kept only as an excerpt, on the error and on its
response: an error can live long (in a log, a retry loop's history, an error tracker)."""


def excerpt(text: str, limit: int = 2000) -> str:
    """`text`, or its start with a note of how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [cut: {len(text):,} characters in all]"


def make_status_error(response: Response) -> APIStatusError:
    """Build the status error for a response whose body has already been read."""
    body: Any
    if len(response.content) > ERROR_BODY_LIMIT:
        body = excerpt(response.content[:ERROR_BODY_LIMIT].decode("utf-8", "replace"))
        response._content = body.encode()
    else:
        text = response.text
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = text
    status = response.status_code
    headers = dict(response.headers)
    request_id = headers.get("x-request-id")
    if request_id is None and isinstance(body, Mapping) and isinstance(body.get("request_id"), str):
        request_id = body["request_id"]
    reason = response.reason_phrase or "HTTP error"
    message = error_message(body, reason)
    cls = status_error_class(status)
    return cls(
        message,
        status_code=status,
        body=body,
        request=response.request,
        response=response,
        headers=headers,
        request_id=request_id,
        retry_after=parse_retry_after(headers),
    )


def _int_or_none(value: str | None) -> int | None:
    number = _float_or_none(value)  # None for inf and nan too: int() of them raises
    return None if number is None else int(number)


def _float_or_none(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        result = float(value)
    except ValueError:
        return None
    return result if result == result and result not in (float("inf"), float("-inf")) else None
