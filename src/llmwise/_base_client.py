"""The transport core: build a request, send it, retry, map errors, parse.

Decisions (which URL, which headers, should this retry, how long to wait, which error) are plain
functions shared by both clients; only the I/O loop exists twice, and its sync twin is generated
from the async code by `scripts/unasync.py`.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import random
import re
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    IncompleteStreamError,
    LLMWiseError,
    RateLimitInfo,
    make_status_error,
    parse_retry_after,
)
from ._types import REQUEST_OPTION_KEYS, RequestOptions
from ._version import __version__

if TYPE_CHECKING:
    from ._streaming import AsyncStream, Stream

__all__ = ["DEFAULT_BASE_URL", "Operation", "APIResponse", "AsyncAPIClient", "APIClient"]

R = TypeVar("R")

DEFAULT_BASE_URL = "https://llmwise.ai/api/v1"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server asking for a longer wait than this is not waited for: the error is raised instead.
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 409, 429})

log = logging.getLogger("llmwise")

# Set by `.with_raw_response`: the next request returns an APIResponse instead of the parsed model.
_RAW_RESPONSE: ContextVar[bool] = ContextVar("llmwise_raw_response", default=False)


# ------------------------------------------------------------------------------------------------
# Pure decisions, shared by both clients.


def normalize_base_url(value: str | None) -> str:
    """Resolve the API base URL: argument, else `LLMWISE_BASE_URL`, else the default.

    A bare origin gets `/api/v1` appended, as the 0.1 client did.
    """
    raw = value if value is not None else os.environ.get("LLMWISE_BASE_URL", "")
    if not isinstance(raw, str):
        raise TypeError(f"base_url must be a string, got {type(raw).__name__}")
    url = raw.strip().rstrip("/")
    if not url:
        return DEFAULT_BASE_URL
    if "mm_sk_" in url:
        # An API key given as base_url (the positional order is api_key, base_url): never echo it.
        raise LLMWiseError("Invalid base_url: it contains an API key (mm_sk_...); pass the key as api_key")
    # The URL as error messages may show it: without its credentials, if it has any.
    shown = re.sub(r"//[^/?#]*@", "//***@", url)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise LLMWiseError(f"Invalid base_url {shown!r}: {exc}") from None
    if parsed.userinfo:
        # Credentials in a URL end up in logs and error messages; the key goes in api_key.
        raise LLMWiseError("Invalid base_url: it must not contain credentials (user:password@); pass api_key")
    if parsed.scheme not in ("http", "https"):
        raise LLMWiseError(f"Invalid base_url {shown!r}: the scheme must be http or https")
    if not parsed.host:
        raise LLMWiseError(f"Invalid base_url {shown!r}: it has no host")
    if not url.endswith("/api/v1"):
        url += "/api/v1"
    return url


def resolve_api_key(value: str | None) -> str:
    """The API key from the argument, else `LLMWISE_API_KEY`; a clear error when neither is set."""
    if value is None:
        value = os.environ.get("LLMWISE_API_KEY", "").strip() or None
    if value is None:
        raise LLMWiseError(
            "No API key given: pass api_key='mm_sk_...' to the client, "
            "or set the LLMWISE_API_KEY environment variable."
        )
    if not isinstance(value, str):
        raise TypeError(f"api_key must be a string, got {type(value).__name__}")
    value = value.strip()
    if not value:
        raise LLMWiseError("The API key is empty: pass api_key='mm_sk_...' or set LLMWISE_API_KEY.")
    if not (value.isascii() and value.isprintable()):
        # httpx would fail on it later with an error quoting the whole Authorization header (or a
        # UnicodeEncodeError): say so now, without showing the key.
        raise LLMWiseError(
            "The API key contains a character that cannot be sent in an HTTP header (a line break, "
            "control or non-ASCII character, often picked up when copying it): check the key."
        )
    return value


def _platform_user_agent() -> str:
    return f"llmwise-python-sdk/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"


USER_AGENT = _platform_user_agent()


def should_retry_status(status: int) -> bool:
    """Whether a response status is worth retrying: 408, 409, 429 and every 5xx."""
    return status in RETRY_STATUSES or status >= 500


def retry_delay(retries_done: int, headers: Mapping[str, str] | None) -> float:
    """Seconds to wait before the next attempt.

    `Retry-After` / `retry-after-ms` win when present and at most `MAX_RETRY_AFTER`; otherwise
    exponential backoff from 0.5 s doubling to 8 s, with up to 25 % jitter so that many clients
    retrying together do not hit the server in lockstep.
    """
    if headers is not None:
        asked = parse_retry_after(headers)
        if asked is not None and asked <= MAX_RETRY_AFTER:
            return asked
    base = min(INITIAL_RETRY_DELAY * (2.0**retries_done), MAX_RETRY_DELAY)
    return base * (1.0 - 0.25 * random.random())


def is_retryable(error: LLMWiseError) -> bool:
    """Whether a failed attempt may be retried."""
    if isinstance(error, APIStatusError):
        if error.retry_after is not None and error.retry_after > MAX_RETRY_AFTER:
            return False
        return should_retry_status(error.status_code)
    return isinstance(error, APIConnectionError)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers with every credential replaced, for logging."""
    secret = {"authorization", "cookie", "x-api-key", "proxy-authorization"}
    return {k: ("<redacted>" if k.lower() in secret else v) for k, v in headers.items()}


def setup_logging() -> None:
    """Honour `LLMWISE_LOG=debug|info` by sending the `llmwise` logger to stderr."""
    level = os.environ.get("LLMWISE_LOG", "").strip().lower()
    if level not in ("debug", "info"):
        return
    log.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
    if not any(getattr(h, "_llmwise", False) for h in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        handler._llmwise = True  # type: ignore[attr-defined]
        log.addHandler(handler)


def _drop_none(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def split_options(kwargs: Mapping[str, Any]) -> tuple[dict[str, Any], RequestOptions]:
    """Split a method's keyword arguments into API parameters and per-call request options."""
    params: dict[str, Any] = {}
    options: dict[str, Any] = {}
    for key, value in kwargs.items():
        (options if key in REQUEST_OPTION_KEYS else params)[key] = value
    return params, cast(RequestOptions, options)


class Operation(Generic[R]):
    """One API call, described: method, path, query, body, options and how to parse the answer."""

    __slots__ = ("body", "method", "options", "parse", "path", "query", "stream")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        parse: Callable[[Any], R],
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.options: RequestOptions = options if options is not None else {}
        self.parse = parse
        self.stream = stream


class APIResponse(Generic[R]):
    """A raw HTTP response with its parsed value one call away (see `.with_raw_response`)."""

    def __init__(self, http_response: httpx.Response, parse: Callable[[], R], retries_taken: int) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        """How many retries were needed before this response."""
        self._parse = parse
        self._parsed: list[R] = []

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's request id (`X-Request-Id`)."""
        value: str | None = self.http_response.headers.get("x-request-id")
        return value

    @property
    def rate_limit(self) -> RateLimitInfo:
        """The `X-RateLimit-*` headers."""
        return RateLimitInfo.from_headers(self.http_response.headers)

    @property
    def text(self) -> str:
        """The body as text."""
        return self.http_response.text

    def parse(self) -> R:
        """The typed value the normal method would have returned (parsed once, then cached)."""
        if not self._parsed:
            self._parsed.append(self._parse())
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.http_response.request.method} {self.http_response.url}>"


def parse_json_body(op: Operation[R], response: httpx.Response, strict: bool = False) -> R:
    """Decode a read 2xx response and parse it into the operation's result type.

    `strict`: read the body in strict mode (see `llmwise._models`), raising on any value that does
    not fit instead of keeping it as sent.
    """
    if op.parse is _text_result:
        return op.parse(response.text)
    try:
        data = json.loads(response.content) if response.content else None
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the json module goes
        raise _with_response(
            APIResponseValidationError(
                f"Expected a JSON body from {op.method} {op.path}, got: {response.text[:200]!r}",
                body=response.text,
                errors=[{"type": "json_invalid", "loc": (), "msg": "The body is not JSON"}],
            ),
            response,
        ) from None
    if strict:
        # Imported here: `_models` needs pydantic, which `from llmwise import LLMWise` does not load.
        from ._models import STRICT_RESPONSES

        token = STRICT_RESPONSES.set(True)
        try:
            return _parse_data(op, data, response)
        finally:
            STRICT_RESPONSES.reset(token)
    return _parse_data(op, data, response)


def _parse_data(op: Operation[R], data: Any, response: httpx.Response) -> R:
    try:
        return op.parse(data)
    except APIResponseValidationError as exc:
        exc.message = f"{exc.message} ({op.method} {op.path})"
        exc.args = (exc.message,)
        raise _with_response(exc, response) from None
    except LLMWiseError:
        raise
    except (ValueError, TypeError) as exc:
        from pydantic import ValidationError

        from ._models import describe_validation_error

        if isinstance(exc, ValidationError):
            # A model read without `from_api` (an SDK bug): still never quote the values.
            error = APIResponseValidationError(
                f"Unexpected response shape from {op.method} {op.path}: {describe_validation_error(exc)}",
                body=data,
                errors=exc.errors(include_url=False, include_input=False, include_context=False),
            )
        else:
            error = APIResponseValidationError(
                f"Unexpected response shape from {op.method} {op.path}: {exc}", body=data
            )
        raise _with_response(error, response) from None


def _with_response(error: APIResponseValidationError, response: httpx.Response) -> APIResponseValidationError:
    error.status_code = response.status_code
    error.request = response.request
    error.response = response
    error.headers = dict(response.headers)
    error.request_id = response.headers.get("x-request-id")
    return error


def _text_result(text: Any) -> str:
    return str(text)


TEXT = _text_result
"""Pass as `Operation(parse=TEXT)` for endpoints that answer plain text (CSV)."""


def uuid4_hex(raw: bytes) -> str:
    """`uuid.UUID(bytes=raw, version=4).hex` (so `uuid4_hex(os.urandom(16))` is `uuid.uuid4().hex`),
    without building a UUID object, which cost ~4 us of every POST."""
    n = int.from_bytes(raw, "big")
    # RFC 4122 variant and version 4, exactly as uuid.UUID.__init__ sets them.
    n = (n & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 4 << 76
    return f"{n:032x}"


# `json.dumps(body, separators=..., ensure_ascii=False)` builds this encoder on every call.
_encode_json = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

# Headers of the connection pools the clients make themselves, so that requests need not carry them.
POOL_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}
_POOL_HEADER_NAMES = frozenset(name.lower() for name in POOL_HEADERS)


def _names_pool_header(headers: Mapping[str, str]) -> bool:
    # Whether the caller sets a header the pool also sets (in any spelling): the request then
    # carries every header itself, exactly as when the pool sets none.
    return any(name.lower() in _POOL_HEADER_NAMES for name in headers) if headers else False


class BaseClient:
    """Configuration and request building shared by `LLMWise` and `AsyncLLMWise`."""

    # Whether `_http` is a pool this client made with POOL_HEADERS (not one passed in).
    _pool_headers = False

    _api_key: str
    base_url: str
    timeout: float | httpx.Timeout
    max_retries: int
    default_headers: dict[str, str]
    strict_responses: bool
    """Raise `APIResponseValidationError` on any response value that does not fit its model, instead
    of keeping it as sent (see `response_issues`)."""

    def _configure(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None,
        default_headers: Mapping[str, str] | None,
        strict_responses: bool | None = None,
    ) -> None:
        setup_logging()
        self._api_key = resolve_api_key(api_key)
        self.base_url = normalize_base_url(base_url)
        if timeout is None:
            timeout = DEFAULT_TIMEOUT
        if not isinstance(timeout, (int, float, httpx.Timeout)) or isinstance(timeout, bool):
            raise TypeError(f"timeout must be a number of seconds or an httpx.Timeout, got {timeout!r}")
        self.timeout = timeout
        if max_retries is None:
            max_retries = DEFAULT_MAX_RETRIES
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise TypeError(f"max_retries must be an int >= 0, got {max_retries!r}")
        self.max_retries = max_retries
        self.default_headers = dict(default_headers or {})
        if strict_responses is None:
            strict_responses = os.environ.get("LLMWISE_STRICT_RESPONSES", "").strip().lower() in (
                "1", "true", "yes", "on",
            )
        if not isinstance(strict_responses, bool):
            raise TypeError(f"strict_responses must be a bool, got {type(strict_responses).__name__}")
        self.strict_responses = strict_responses

    @property
    def api_key(self) -> str:
        """The API key in use (never shown in the client's repr)."""
        return self._api_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def _build_request(
        self, client: httpx.Client | httpx.AsyncClient, op: Operation[Any], idempotency_key: str | None
    ) -> httpx.Request:
        options = op.options
        extra_headers = options.get("extra_headers")
        if (
            self._pool_headers
            and not op.stream
            and not _names_pool_header(self.default_headers)
            and not (extra_headers and _names_pool_header(extra_headers))
        ):
            # The pool we made already sends our User-Agent and `Accept: application/json`: httpx
            # replacing a pool header with a request's costs ~15 us a call (see benchmarks/).
            headers = {**self.default_headers, "Authorization": f"Bearer {self._api_key}"}
        else:
            headers = {
                "User-Agent": USER_AGENT,
                "Accept": "text/event-stream" if op.stream else "application/json",
                **self.default_headers,
                "Authorization": f"Bearer {self._api_key}",
            }
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        if extra_headers:
            headers.update(extra_headers)
        query: dict[str, Any] | None = None
        if op.query is not None or options.get("extra_query"):
            query = _drop_none({**(op.query or {}), **(options.get("extra_query") or {})})
        content: bytes | None = None
        if op.body is not None or options.get("extra_body"):
            body = {**_drop_none(op.body or {}), **(options.get("extra_body") or {})}
            content = _encode_json(body).encode()
            headers["Content-Type"] = "application/json"
        timeout = options.get("timeout", self.timeout)
        return client.build_request(
            op.method,
            self.base_url + op.path,
            params=query,
            content=content,
            headers=headers,
            timeout=timeout,
        )

    def _idempotency_key(self, op: Operation[Any]) -> str | None:
        if op.method != "POST":
            return None
        return op.options.get("idempotency_key") or f"llmwise-{uuid4_hex(os.urandom(16))}"

    def _max_retries(self, op: Operation[Any]) -> int:
        value = op.options.get("max_retries", self.max_retries)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise TypeError(f"max_retries must be an int >= 0, got {value!r}")
        return value


def _transport_error(
    exc: httpx.TransportError | httpx.DecodingError, request: httpx.Request
) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out: {request.method} {request.url}", request=request)
    # Many httpx errors have no message (a reset connection is `ReadError('')`): name the type then.
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.DecodingError):
        detail = f"the response body could not be decoded ({detail})"
    return APIConnectionError(f"Connection error on {request.method} {request.url}: {detail}", request=request)


def _log_request(request: httpx.Request, attempt: int) -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "Request %s %s (attempt %d) headers=%s",
            request.method,
            request.url,
            attempt + 1,
            redact_headers(request.headers),
        )


def _log_retry(request: httpx.Request, error: LLMWiseError, delay: float, retries_left: int) -> None:
    log.info(
        "Retrying %s %s in %.2fs (%d retries left) after: %s",
        request.method,
        request.url,
        delay,
        retries_left,
        error.message,
    )


def _sleep(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


async def _async_sleep(seconds: float) -> None:
    if seconds <= 0:
        return
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        # Not asyncio: httpx also runs under trio.
        import trio

        await trio.sleep(seconds)
        return
    await asyncio.sleep(seconds)


# <async>
class AsyncAPIClient(BaseClient):
    """The async I/O loop: send, retry, hand back a parsed value or an open stream."""

    _http: httpx.AsyncClient
    _owns_http: bool

    def _init_http(self, http_client: httpx.AsyncClient | None) -> None:
        if http_client is None:
            self._http = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, headers=POOL_HEADERS)
            self._owns_http = True
            self._pool_headers = True
        elif isinstance(http_client, httpx.AsyncClient):
            self._http = http_client
            self._owns_http = False
        else:
            raise TypeError(f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}")

    async def request(self, op: Operation[R]) -> R:
        """Send `op` (with retries) and return its parsed result."""
        response, retries = await self._send(op, None)
        if _RAW_RESPONSE.get():
            return cast(
                R, APIResponse(response, lambda: parse_json_body(op, response, self.strict_responses), retries)
            )
        return parse_json_body(op, response, self.strict_responses)

    async def open_stream(self, op: Operation[Any], stream: AsyncStream[Any]) -> None:
        """Send `op` (with retries) and attach the response to `stream`, primed with its first event."""
        await self._send(op, stream)

    async def _send(self, op: Operation[Any], stream: AsyncStream[Any] | None) -> tuple[httpx.Response, int]:
        max_retries = self._max_retries(op)
        idempotency_key = self._idempotency_key(op)
        retries = 0
        while True:
            request = self._build_request(self._http, op, idempotency_key)
            _log_request(request, retries)
            error: LLMWiseError
            try:
                response = await self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                error = _transport_error(exc, request)
                headers = None
            else:
                headers = response.headers
                try:
                    if response.is_success:
                        if stream is None:
                            try:
                                await response.aread()
                            finally:
                                await response.aclose()
                            log.info("%s %s -> %d", request.method, request.url, response.status_code)
                            return response, retries
                        # Retrying is only safe before any event has reached the caller: priming
                        # reads up to the first event, so a cut before it is retried here.
                        await stream._attach(response)
                        log.info("%s %s -> %d (stream)", request.method, request.url, response.status_code)
                        return response, retries
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
                    error = make_status_error(response)
                    log.info("%s %s -> %d", request.method, request.url, response.status_code)
                except IncompleteStreamError as exc:
                    error = exc
                except (httpx.TransportError, httpx.DecodingError) as exc:
                    # DecodingError: a body that does not match its Content-Encoding.
                    await response.aclose()
                    error = _transport_error(exc, request)
            if retries >= max_retries or not is_retryable(error):
                raise error
            delay = retry_delay(retries, headers)
            _log_retry(request, error, delay, max_retries - retries)
            await _async_sleep(delay)
            retries += 1

    async def aclose(self) -> None:
        """Close the connection pool (unless it was passed in as `http_client`)."""
        if self._owns_http:
            await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        """Whether the underlying connection pool is closed."""
        return self._http.is_closed
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class APIClient(BaseClient):
    """The async I/O loop: send, retry, hand back a parsed value or an open stream."""

    _http: httpx.Client
    _owns_http: bool

    def _init_http(self, http_client: httpx.Client | None) -> None:
        if http_client is None:
            self._http = httpx.Client(timeout=self.timeout, follow_redirects=False, headers=POOL_HEADERS)
            self._owns_http = True
            self._pool_headers = True
        elif isinstance(http_client, httpx.Client):
            self._http = http_client
            self._owns_http = False
        else:
            raise TypeError(f"http_client must be an httpx.Client, got {type(http_client).__name__}")

    def request(self, op: Operation[R]) -> R:
        """Send `op` (with retries) and return its parsed result."""
        response, retries = self._send(op, None)
        if _RAW_RESPONSE.get():
            return cast(
                R, APIResponse(response, lambda: parse_json_body(op, response, self.strict_responses), retries)
            )
        return parse_json_body(op, response, self.strict_responses)

    def open_stream(self, op: Operation[Any], stream: Stream[Any]) -> None:
        """Send `op` (with retries) and attach the response to `stream`, primed with its first event."""
        self._send(op, stream)

    def _send(self, op: Operation[Any], stream: Stream[Any] | None) -> tuple[httpx.Response, int]:
        max_retries = self._max_retries(op)
        idempotency_key = self._idempotency_key(op)
        retries = 0
        while True:
            request = self._build_request(self._http, op, idempotency_key)
            _log_request(request, retries)
            error: LLMWiseError
            try:
                response = self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                error = _transport_error(exc, request)
                headers = None
            else:
                headers = response.headers
                try:
                    if response.is_success:
                        if stream is None:
                            try:
                                response.read()
                            finally:
                                response.close()
                            log.info("%s %s -> %d", request.method, request.url, response.status_code)
                            return response, retries
                        # Retrying is only safe before any event has reached the caller: priming
                        # reads up to the first event, so a cut before it is retried here.
                        stream._attach(response)
                        log.info("%s %s -> %d (stream)", request.method, request.url, response.status_code)
                        return response, retries
                    try:
                        response.read()
                    finally:
                        response.close()
                    error = make_status_error(response)
                    log.info("%s %s -> %d", request.method, request.url, response.status_code)
                except IncompleteStreamError as exc:
                    error = exc
                except (httpx.TransportError, httpx.DecodingError) as exc:
                    # DecodingError: a body that does not match its Content-Encoding.
                    response.close()
                    error = _transport_error(exc, request)
            if retries >= max_retries or not is_retryable(error):
                raise error
            delay = retry_delay(retries, headers)
            _log_retry(request, error, delay, max_retries - retries)
            _sleep(delay)
            retries += 1

    def close(self) -> None:
        """Close the connection pool (unless it was passed in as `http_client`)."""
        if self._owns_http:
            self._http.close()

    @property
    def is_closed(self) -> bool:
        """Whether the underlying connection pool is closed."""
        return self._http.is_closed
# </sync>
