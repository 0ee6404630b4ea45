"""The transport core: build a request, send it, retry, map errors, parse.

Decisions (which URL, which headers, should this retry, how long to wait, which error) are plain
functions shared by both clients; only the I/O loop exists twice, and its sync twin is generated
from the async code by `scripts/unasync.py`.

Whatever goes wrong while sending surfaces as an `LLMWiseError` subclass (or, for a bad argument, a
clear error raised before anything is sent); a `deadline` bounds a whole call; connections a forked
child inherited are dropped in the child (see `_forget_inherited_connections`).
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import platform
import random
import re
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from . import _http as net
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    DeadlineExceededError,
    IncompleteStreamError,
    InvalidRequestError,
    LLMWiseError,
    ResponseTooLargeError,
    excerpt,
    make_status_error,
    parse_retry_after,
)
from ._meter import start as _start_meter
from ._response import RESPONSE_CAPTURE, APIResponse, AsyncAPIResponse, ResponseCapture, body_consumed_error
from ._types import REQUEST_OPTION_KEYS, RequestOptions
from ._version import __version__

if TYPE_CHECKING:
    from ._ledger import Ledger
    from ._streaming import AsyncStream, Stream

__all__ = ["DEFAULT_BASE_URL", "Operation", "APIResponse", "AsyncAPIClient", "APIClient"]

R = TypeVar("R")

DEFAULT_BASE_URL = "https://llmwise.ai/api/v1"
DEFAULT_TIMEOUT = net.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server asking for a longer wait than this is not waited for: the error is raised instead.
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 409, 429})
# What a response may weigh, decoded: JSON answers are kilobytes; the limits stop a compression
# bomb or a runaway body from exhausting memory (see `max_response_bytes` / `max_event_bytes`).
# LLM streams are long-lived: with httpx's default of 100 connections, the 101st concurrent stream
# waits for one to end. 1,000 connections (100 kept alive when idle), as the openai and anthropic
# SDKs have. A pool passed as `http_client` keeps its own limits.
DEFAULT_CONNECTION_LIMITS = net.Limits(max_connections=1000, max_keepalive_connections=100)
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024

log = logging.getLogger("llmwise")

# Set by a fan-out (`chat.create_many`): told of every wait before a retry, so that a 429 pauses
# the fan-out's other calls too. Called as `hook(delay, error)`.
_ON_RETRY: ContextVar[Callable[[float, LLMWiseError], None] | None] = ContextVar("llmwise_on_retry", default=None)

# The clock of deadlines (a module global so that tests can drive it, as they do `_sleep`).
_clock = time.monotonic


def _now() -> float:
    return _clock()


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
    if "?" in url or "#" in url:
        # The path is appended to base_url: `...?region=eu` + `/chat` would send `region=eu/chat`.
        # The query is not shown (it may hold a token).
        shown = re.split(r"[?#]", shown, maxsplit=1)[0]
        raise LLMWiseError(
            f"Invalid base_url {shown!r}...: it must not have a query (?...) or fragment (#...); "
            "pass query parameters per call with extra_query"
        )
    try:
        parsed = net.URL(url)
    except (net.InvalidURL, TypeError, ValueError) as exc:
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


class _Secret:
    """The API key, kept out of `repr()` and `vars()` of the client (and of anything that prints
    them, as error trackers print the locals of a failing frame)."""

    __slots__ = ("_value", "bearer")

    def __init__(self, value: str) -> None:
        self._value = value
        # Built once: the Authorization header value of every request.
        self.bearer = f"Bearer {value}"

    def get(self) -> str:
        """The key itself."""
        return self._value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__


def check_timeout(value: object, where: str = "timeout") -> None:
    """A `ValueError` (or `TypeError`) unless `value` is a number of seconds > 0 or a `Timeout` (of
    httpx or httpx2) whose limits are each None (no limit) or such a number (`pool` may be 0)."""
    if net.is_timeout(value):
        for name in ("connect", "read", "write", "pool"):
            limit = getattr(value, name)
            if limit is None:
                continue
            if isinstance(limit, bool) or not isinstance(limit, (int, float)):
                raise TypeError(f"{where}: the {name} timeout must be a number of seconds or None, got {limit!r}")
            if not math.isfinite(limit) or limit < 0 or (limit == 0 and name != "pool"):
                raise ValueError(
                    f"{where}: the {name} timeout must be a finite number of seconds > 0 "
                    f"(None for no limit), got {limit!r}"
                )
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where} must be a number of seconds or an httpx.Timeout, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        # A negative, zero or nan timeout fails every request; inf fails in the socket layer.
        raise ValueError(
            f"{where} must be a finite number of seconds > 0, got {value!r} "
            "(httpx.Timeout(None) means no limit)"
        )


def check_deadline(value: object, where: str = "deadline") -> None:
    """A `ValueError` (or `TypeError`) unless `value` is None or a finite number of seconds > 0."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where} must be a number of seconds or None, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{where} must be a finite number of seconds > 0 (or None for none), got {value!r}")


# What h11 (httpx's HTTP/1.1) sends: a token as the name, a value without control characters or
# surrounding whitespace. httpx encodes str values as ASCII, so non-ASCII is refused in str.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e](?:[ \t]*[\x21-\x7e])*)?")
_HEADER_BYTES = re.compile(rb"(?:[\x21-\x7e\x80-\xff](?:[ \t]*[\x21-\x7e\x80-\xff])*)?")


def check_header(name: object, value: object, where: str) -> None:
    """An `InvalidRequestError` unless `name: value` can be sent as an HTTP header.

    The message names the header but never shows the value: it may be a secret (a token in a
    custom header), and error messages end up in logs.
    """
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
        raise InvalidRequestError(
            f"A header name in {where} is not a valid HTTP header name "
            "(letters, digits and !#$%&'*+-.^_`|~ only); the name is not shown."
        )
    if isinstance(value, str):
        valid = _HEADER_VALUE.fullmatch(value) is not None
    elif isinstance(value, bytes):
        valid = _HEADER_BYTES.fullmatch(value) is not None
    else:
        raise TypeError(f"The value of header {name!r} in {where} must be a string, got {type(value).__name__}")
    if not valid:
        raise InvalidRequestError(
            f"The value of header {name!r} in {where} cannot be sent in an HTTP header: it has a line "
            "break, a control or non-ASCII character, or leading/trailing whitespace (the value is "
            "not shown)."
        )


def check_headers(headers: Mapping[str, str], where: str) -> None:
    """`check_header` for each header of `headers`."""
    if not isinstance(headers, Mapping):
        raise TypeError(f"{where} must be a mapping of header names to values, got {type(headers).__name__}")
    for name, value in headers.items():
        check_header(name, value, where)


def check_call_options(options: Mapping[str, Any]) -> None:
    """Refuse a per-call option that could only fail later (or, for a header, leak its value)."""
    if options.get("timeout") is not None:
        check_timeout(options["timeout"])
    if "deadline" in options:
        check_deadline(options["deadline"])
    extra_headers = options.get("extra_headers")
    if extra_headers:
        check_headers(extra_headers, "extra_headers")
    idempotency_key = options.get("idempotency_key")
    if idempotency_key is not None:
        check_header("Idempotency-Key", idempotency_key, "idempotency_key")


def _platform_user_agent(lib: net.Library = net.HTTPX) -> str:
    return f"llmwise-python-sdk/{__version__} python/{platform.python_version()} {lib.name}/{lib.version}"


USER_AGENT = _platform_user_agent()


def should_retry_status(status: int) -> bool:
    """Whether a response status is worth retrying: 408, 409, 429 and every 5xx."""
    return status in RETRY_STATUSES or status >= 500


def retry_delay(retries_done: int, headers: Mapping[str, str] | None) -> float:
    """Seconds to wait before the next attempt.

    `Retry-After` / `retry-after-ms` win when present, positive and at most `MAX_RETRY_AFTER`; otherwise
    exponential backoff from 0.5 s doubling to 8 s, with up to 25 % jitter so that many clients
    retrying together do not hit the server in lockstep.
    """
    if headers is not None:
        asked = parse_retry_after(headers)
        # 0 (from `-1`, `0` or a date in the past, often a skewed clock) would retry at once: many
        # clients doing so together hammer the server, so the normal backoff applies.
        if asked is not None and 0 < asked <= MAX_RETRY_AFTER:
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

    __slots__ = ("body", "deadline_at", "method", "options", "parse", "path", "query", "retries", "stream")

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
        self.method: str = method
        self.path: str = path
        self.query: Mapping[str, Any] | None = query
        self.body: Mapping[str, Any] | None = body
        self.options: RequestOptions = options if options is not None else {}
        self.parse: Callable[[Any], R] = parse
        self.stream: bool = stream
        self.deadline_at: float | None = None
        """When the call's deadline passes, on the `_clock()` (`time.monotonic`) scale; set when the
        call starts, None without a deadline. A stream stops reading once it has passed."""
        self.retries: int = 0
        """Retries made so far (set by the transport)."""


def parse_json_body(op: Operation[R], response: net.Response, strict: bool = False) -> R:
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
                body=excerpt(response.text),
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


def _parse_data(op: Operation[R], data: Any, response: net.Response) -> R:
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


def _with_response(error: APIResponseValidationError, response: net.Response) -> APIResponseValidationError:
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


HttpT = TypeVar("HttpT", net.Client, net.AsyncClient)


def _make_pool(lib: net.Library, make: Callable[..., HttpT], timeout: float | net.AnyTimeout, user_agent: str) -> HttpT:
    """A connection pool of the SDK's own, on `lib` (`make` is its `Client` or `AsyncClient`)."""
    limits = DEFAULT_CONNECTION_LIMITS
    return make(
        timeout=lib.timeout(timeout),
        follow_redirects=False,
        headers={**POOL_HEADERS, "User-Agent": user_agent},
        limits=lib.Limits(max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections),
    )
_POOL_HEADER_NAMES = frozenset(name.lower() for name in POOL_HEADERS)


def _names_pool_header(headers: Mapping[str, str]) -> bool:
    # Whether the caller sets a header the pool also sets (in any spelling): the request then
    # carries every header itself, exactly as when the pool sets none.
    return any(name.lower() in _POOL_HEADER_NAMES for name in headers) if headers else False


class BaseClient:
    """Configuration and request building shared by `LLMWise` and `AsyncLLMWise`."""

    # Whether `_http` is a pool this client made with POOL_HEADERS (not one passed in).
    _pool_headers = False
    # The HTTP library of the pool (see `llmwise._http`), and the User-Agent naming it.
    _lib: net.Library = net.HTTPX
    _user_agent = USER_AGENT

    # What watches the calls (see `llmwise._meter`); the clients set these in `__init__`.
    _ledger: Ledger
    _family: object = None
    """Whose calls a budget made by this client covers: shared by its `with_options()` copies."""
    _record: Callable[[Any], None] | None = None
    """`ledger.record`, or None when the ledger is off."""
    _tracing = False
    _tracer_provider: Any = None
    _trace_content = False

    _api_key: _Secret
    base_url: str
    timeout: float | net.AnyTimeout
    """The limit of each network wait (connect, each read, each write) in seconds, or an
    `httpx.Timeout`; for a stream, the longest wait between two chunks. Not a bound on the call."""
    deadline: float | None
    """Seconds a whole call may take, all attempts and waits between them included (for a stream,
    its whole life); None: no bound beyond `timeout` per wait and `max_retries`."""
    max_retries: int
    default_headers: dict[str, str]
    max_response_bytes: int
    """The most a response body may weigh once decoded (default 64 MiB); past it the read stops
    with `ResponseTooLargeError`."""
    max_event_bytes: int
    """The most one line or event of a stream may weigh (default 8 MiB); past it the stream stops
    with `ResponseTooLargeError`."""
    strict_responses: bool
    """Raise `APIResponseValidationError` on any response value that does not fit its model, instead
    of keeping it as sent (see `response_issues`)."""

    def _configure(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: float | net.AnyTimeout | None,
        max_retries: int | None,
        default_headers: Mapping[str, str] | None,
        strict_responses: bool | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        max_event_bytes: int | None = None,
    ) -> None:
        setup_logging()
        self._api_key = _Secret(resolve_api_key(api_key))
        self.base_url = normalize_base_url(base_url)
        if timeout is None:
            timeout = DEFAULT_TIMEOUT
        check_timeout(timeout)
        self.timeout = timeout
        check_deadline(deadline)
        self.deadline = deadline
        if max_retries is None:
            max_retries = DEFAULT_MAX_RETRIES
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise TypeError(f"max_retries must be an int >= 0, got {max_retries!r}")
        self.max_retries = max_retries
        self.default_headers = dict(default_headers or {})
        check_headers(self.default_headers, "default_headers")
        if strict_responses is None:
            strict_responses = os.environ.get("LLMWISE_STRICT_RESPONSES", "").strip().lower() in (
                "1", "true", "yes", "on",
            )
        if not isinstance(strict_responses, bool):
            raise TypeError(f"strict_responses must be a bool, got {type(strict_responses).__name__}")
        self.strict_responses = strict_responses
        self.max_response_bytes = _byte_limit(
            "max_response_bytes", max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES
        )
        self.max_event_bytes = _byte_limit("max_event_bytes", max_event_bytes, DEFAULT_MAX_EVENT_BYTES)

    @property
    def api_key(self) -> str:
        """The API key in use (never shown in the client's repr, nor in `vars(client)`)."""
        return self._api_key.get()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def _build_request(
        self,
        client: net.Client | net.AsyncClient,
        op: Operation[Any],
        idempotency_key: str | None,
        time_left: float | None = None,
    ) -> net.Request:
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
            headers = {**self.default_headers, "Authorization": self._api_key.bearer}
        else:
            headers = {
                "User-Agent": self._user_agent,
                "Accept": "text/event-stream" if op.stream else "application/json",
                **self.default_headers,
                "Authorization": self._api_key.bearer,
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
        # As the pool's library takes it (an httpx2 client refuses an `httpx.Timeout`).
        sent = (
            self._lib.timeout(timeout) if time_left is None else _capped_timeout(timeout, time_left, self._lib)
        )
        try:
            return client.build_request(
                op.method,
                self.base_url + op.path,
                params=query,
                content=content,
                headers=headers,
                timeout=sent,
            )
        except net.INVALID_URL_ERRORS + (UnicodeEncodeError,) as exc:  # noqa: RUF005 (mypy reads no starred tuple here)
            # The headers hold the key: not in this frame's locals, which a traceback keeps.
            del headers
            where = f"{op.method} {op.path[:80]}{'...' if len(op.path) > 80 else ''}"
            if isinstance(exc, net.INVALID_URL_ERRORS):
                # httpx's message names the problem ("URL too long"), not the URL.
                raise InvalidRequestError(f"Cannot send {where}: {exc} (check the ids and query values)") from None
            raise InvalidRequestError(
                f"Cannot send {where}: a header value has a non-ASCII character (the value is not shown)"
            ) from None

    def _idempotency_key(self, op: Operation[Any]) -> str | None:
        if op.method != "POST":
            return None
        return op.options.get("idempotency_key") or f"llmwise-{uuid4_hex(os.urandom(16))}"

    def _body_error(self, exc: net.BodyError, response: net.Response) -> APIConnectionError:
        """The SDK error for a body that broke while read after `_send` returned (streamed responses)."""
        return _transport_error(exc, response.request)

    def _max_retries(self, op: Operation[Any]) -> int:
        value = op.options.get("max_retries", self.max_retries)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise TypeError(f"max_retries must be an int >= 0, got {value!r}")
        return value


def _byte_limit(name: str, value: int | None, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a number of bytes > 0, got {value!r}")
    return value


def _too_large(request: net.Request, limit: int, what: str = "response body") -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"The {what} of {request.method} {request.url} is larger than {limit:,} bytes once decoded "
        f"(max_response_bytes / max_event_bytes set the limits); nothing of it was kept",
        request=request,
        limit=limit,
    )


def _capped_timeout(timeout: float | net.AnyTimeout | None, time_left: float, lib: net.Library) -> net.Timeout:
    # Each limit, lowered to the time the deadline leaves (no limit becomes that time).
    if timeout is not None and not isinstance(timeout, (int, float)):
        limits = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    else:
        limits = (timeout, timeout, timeout, timeout)
    connect, read, write, pool = (time_left if t is None else min(t, time_left) for t in limits)
    return lib.Timeout(connect=connect, read=read, write=write, pool=pool)


def _deadline_error(
    request: net.Request, deadline: float, attempts: int, last_error: LLMWiseError | None
) -> DeadlineExceededError:
    detail = f"; last error: {last_error.message}" if last_error is not None else ""
    error = DeadlineExceededError(
        f"The deadline of {deadline:g}s for {request.method} {request.url} passed "
        f"({attempts} attempt{'s' if attempts != 1 else ''}){detail}",
        request=request,
        last_error=last_error,
    )
    error.__cause__ = last_error
    return error


def _hook_status_error(response: net.Response) -> APIStatusError:
    # httpx closes the response when a response hook raises: its body may be out of reach.
    try:
        response.content  # noqa: B018
    except net.NOT_READ_ERRORS:
        response = type(response)(
            response.status_code, headers=response.headers, request=response.request, extensions=response.extensions
        )
    return make_status_error(response)


def _send_error(
    exc: Exception, request: net.Request, client: net.Client | net.AsyncClient, key: _Secret
) -> LLMWiseError:
    """The SDK error for whatever `send()` raised (a custom transport or hook may raise anything)."""
    if isinstance(exc, LLMWiseError):
        return exc
    where = f"{request.method} {request.url}"
    if isinstance(exc, net.LOCAL_PROTOCOL_ERRORS):
        # h11 refused what we asked it to send (a header value with a line break set after the
        # client was made): its message quotes the value, which may be a secret.
        return InvalidRequestError(
            f"{where} could not be sent: httpx refused it as malformed ({type(exc).__name__}); "
            "check the header names and values (the value is not shown)"
        )
    if isinstance(exc, net.TRANSPORT_ERRORS):
        return _transport_error(exc, request)
    if isinstance(exc, net.REDIRECT_ERRORS):
        return APIError(f"Too many redirects for {where} (the http_client given follows redirects): {exc}")
    if isinstance(exc, RuntimeError) and client.is_closed:
        return ClientClosedError(
            f"The client is closed, so {where} was not sent: make calls before close() (or the end "
            "of its `with` block), or make a new client."
        )
    # Anything else (a custom transport's own error): a connection error, retried like one, as
    # other SDKs do. The original stays attached as the cause, unless it quotes the key.
    detail = f"{type(exc).__name__}: {exc}"
    leaks = key.get() in detail
    if leaks:
        detail = detail.replace(key.get(), "<redacted>")
    error = APIConnectionError(f"Connection error on {where}: {detail}"[:1000], request=request)
    if not leaks:
        error.__cause__ = exc
    return error


# Every connection pool a client uses, so that a forked child can drop what it inherited.
_POOLS: weakref.WeakSet[net.Client | net.AsyncClient] = weakref.WeakSet()


class _LazyPool(Generic[HttpT]):
    """A client's connection pool, made on first use.

    Making an httpx client loads httpcore and builds a TLS context (certificates read from disk):
    20-40 ms, and more with trio installed. A client that is constructed but not (yet) used, a CLI
    printing its help, a web app's import-time client: none pays it. `with_options` copies share the
    holder, so they share the pool whenever it is made.
    """

    __slots__ = ("_factory", "_lock", "closed", "http")

    def __init__(self, factory: Callable[[], HttpT] | None, http: HttpT | None = None) -> None:
        self._factory: Callable[[], HttpT] | None = factory
        self._lock = threading.Lock()
        self.http: HttpT | None = http
        self.closed = False
        if http is not None:
            _POOLS.add(http)

    def get(self) -> HttpT:
        http: HttpT | None = self.http
        if http is None:
            with self._lock:
                http = self.http
                if http is None:
                    assert self._factory is not None
                    http = self.http = self._factory()
                    _POOLS.add(http)
                    if self.closed:
                        # Closed before first use: a request must fail as on any closed client.
                        _close_unused(http)
        return http


def _close_unused(http: net.Client | net.AsyncClient) -> None:
    # A pool that never opened a connection has nothing to release: the library's own flag is enough.
    net.close_unused(http)


def _forget_inherited_connections() -> None:
    """In a forked child: empty the pools of every client, so the child opens its own connections.

    A keep-alive connection inherited from the parent is the parent's socket too: a request from
    each on it, and each may read the other's answer (gunicorn and celery prefork, multiprocessing).
    The inherited connections are dropped without a word on the wire, so the parent's stay usable:
    sync ones are closed (which only closes this process's descriptor: no shutdown, no TLS close),
    async ones belong to the parent's event loop and are only forgotten.
    """
    try:
        for http in list(_POOLS):
            transports = [getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()]
            for transport in transports:
                pool = getattr(transport, "_pool", None)  # httpx's transports wrap an httpcore pool
                inherited = getattr(pool, "_connections", None)
                if not isinstance(inherited, list):
                    continue
                pool._connections = []  # type: ignore[union-attr]
                if isinstance(getattr(pool, "_requests", None), list):
                    pool._requests = []  # type: ignore[union-attr]
                lock = getattr(pool, "_optional_thread_lock", None)
                if lock is not None:
                    # A thread of the parent may have held it at the fork; it never will release.
                    pool._optional_thread_lock = type(lock)()  # type: ignore[union-attr]
                if isinstance(http, net.SYNC_CLIENTS):
                    for connection in inherited:
                        try:
                            connection.close()
                        except Exception:
                            pass
    except Exception:  # never break the caller's fork
        log.debug("Could not reset the connection pools after fork", exc_info=True)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited_connections)


def _transport_error(
    exc: net.BodyError, request: net.Request
) -> APIConnectionError:
    if isinstance(exc, net.TIMEOUT_ERRORS):
        return APITimeoutError(f"Request timed out: {request.method} {request.url}", request=request)
    # Many httpx errors have no message (a reset connection is `ReadError('')`): name the type then.
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, net.DECODING_ERRORS):
        detail = f"the response body could not be decoded ({detail})"
    return APIConnectionError(f"Connection error on {request.method} {request.url}: {detail}", request=request)


def _log_request(request: net.Request, attempt: int) -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "Request %s %s (attempt %d) headers=%s",
            request.method,
            request.url,
            attempt + 1,
            redact_headers(request.headers),
        )


def _log_retry(request: net.Request, error: LLMWiseError, delay: float, retries_left: int) -> None:
    log.info(
        "Retrying %s %s in %.2fs (%d retries left) after: %s",
        request.method,
        request.url,
        delay,
        retries_left,
        # With the status for status errors ("Error code: 429 - ..."), which the CLI's notices read.
        f"Error code: {error.status_code} - {error.message}" if isinstance(error, APIStatusError) else error.message,
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

    _pool: _LazyPool[net.AsyncClient]
    _owns_http: bool

    def _init_http(self, http_client: net.AsyncHttpClient | None, http_library: str | None = None) -> None:
        if http_client is None:
            self._lib = lib = net.library(http_library or "httpx")
            self._user_agent = _platform_user_agent(lib)
            self._pool = _LazyPool(functools.partial(_make_pool, lib, lib.AsyncClient, self.timeout, self._user_agent))
            self._owns_http = True
            self._pool_headers = True
        else:
            self._lib = lib = net.library_of(http_client, net.AsyncClient)
            if http_library is not None and http_library != lib.name:
                raise ValueError(f"http_library={http_library!r} but http_client is an {lib.name} client")
            self._user_agent = _platform_user_agent(lib)
            self._pool = _LazyPool(None, cast(net.AsyncClient, http_client))
            self._owns_http = False

    @property
    def _http(self) -> net.AsyncClient:
        return self._pool.get()

    async def request(self, op: Operation[R]) -> R:
        """Send `op` (with retries) and return its parsed result.

        Under `.with_raw_response` / `.with_streaming_response` (see `llmwise._response`), the
        `AsyncAPIResponse` instead, also put in the capture.
        """
        # Budgets, the ledger and tracing (see `llmwise._meter`); None when nothing watches.
        meter = _start_meter(self, op)
        try:
            capture = RESPONSE_CAPTURE.get()
            if capture is not None:
                raw = await self._capture(op, capture)
                response = raw.http_response
                result = cast(R, raw)
            else:
                response, _ = await self._send(op, None)
                result = parse_json_body(op, response, self.strict_responses)
        except BaseException as exc:
            if meter is not None:
                meter.failed(exc)
            raise
        if meter is not None:
            meter.ok(result, response)
        return result

    async def _capture(self, op: Operation[R], capture: ResponseCapture) -> AsyncAPIResponse[R]:
        response, retries = await self._send(op, None, read=not capture.streaming)
        strict = self.strict_responses
        result = AsyncAPIResponse(
            response, client=self, retries_taken=retries, parse=lambda r: parse_json_body(op, r, strict)
        )
        capture.response = result
        return result

    async def open_stream(self, op: Operation[Any], stream: AsyncStream[Any]) -> None:
        """Send `op` (with retries) and attach the response to `stream`, primed with its first event.

        Under `.with_streaming_response` the response is not attached: it goes, unread, to the
        capture, whose `parse()` attaches it.
        """
        # Budgets, the ledger and tracing (see `llmwise._meter`); None when nothing watches.
        meter = _start_meter(self, op)
        try:
            capture = RESPONSE_CAPTURE.get()
            if capture is None:
                await self._send(op, stream)
            else:
                if capture.streaming:
                    response, retries = await self._send(op, None, read=False)
                else:
                    response, retries = await self._send(op, stream)
                capture.response = AsyncAPIResponse(response, client=self, retries_taken=retries, stream=stream)
        except BaseException as exc:
            if meter is not None:
                meter.failed(exc)
            raise
        if meter is not None:
            meter.streaming(stream)

    async def _read_body(self, response: net.Response) -> None:
        """Read the body of a response `_send` left unread, then release it; errors as `_send`'s."""
        try:
            await self._read(response)
        except net.STREAM_USED_ERRORS:
            raise body_consumed_error() from None
        except net.TRANSPORT_ERRORS as exc:
            raise self._body_error(exc, response) from exc
        finally:
            await response.aclose()

    async def _send(
        self, op: Operation[Any], stream: AsyncStream[Any] | None, *, read: bool = True
    ) -> tuple[net.Response, int]:
        # `read=False`: a successful response is returned with its body unread (and open).
        options = op.options
        if options:
            check_call_options(options)
        max_retries = self._max_retries(op)
        idempotency_key = self._idempotency_key(op)
        deadline = options.get("deadline", self.deadline) if options else self.deadline
        expires = op.deadline_at = None if deadline is None else _clock() + deadline
        time_left: float | None = None
        last_error: LLMWiseError | None = None
        retries = 0
        while True:
            if expires is not None:
                time_left = expires - _clock()
            http = self._http
            request = self._build_request(http, op, idempotency_key, time_left)
            if time_left is not None and time_left <= 0:
                raise _deadline_error(request, cast(float, deadline), retries, last_error)
            _log_request(request, retries)
            error: LLMWiseError
            response: net.Response | None = None
            try:
                response = await http.send(request, stream=True)
            except net.STATUS_ERRORS as exc:
                # A response hook of the caller's http_client called raise_for_status().
                error = _hook_status_error(exc.response)
                headers = exc.response.headers
            except Exception as exc:
                error = _send_error(exc, request, http, self._api_key)
                headers = None
            if response is not None:
                if expires is not None:
                    response.stream = self._lib.deadline_stream(  # type: ignore[assignment]
                        response.stream,
                        expires,
                        functools.partial(_deadline_error, request, cast(float, deadline), retries + 1, None),
                        _now,
                    )
                headers = response.headers
                try:
                    if response.is_success:
                        if stream is None:
                            if read:
                                try:
                                    await self._read(response)
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
                        await self._read(response)
                    finally:
                        await response.aclose()
                    error = make_status_error(response)
                    log.info("%s %s -> %d", request.method, request.url, response.status_code)
                except IncompleteStreamError as exc:
                    error = exc
                except net.TRANSPORT_ERRORS as exc:
                    # DecodingError: a body that does not match its Content-Encoding.
                    await response.aclose()
                    error = _transport_error(exc, request)
            if retries >= max_retries or not is_retryable(error):
                raise error
            delay = retry_delay(retries, headers)
            if expires is not None and _clock() + delay >= expires:
                # Waiting would pass the deadline: say so now rather than after the wait.
                raise _deadline_error(request, cast(float, deadline), retries + 1, error)
            _log_retry(request, error, delay, max_retries - retries)
            on_retry = _ON_RETRY.get()
            if on_retry is not None:
                on_retry(delay, error)
            await _async_sleep(delay)
            last_error = error
            retries += 1
            op.retries = retries

    async def _read(self, response: net.Response) -> None:
        # `response.aread()`, stopping at `max_response_bytes` of decoded content: a small gzip
        # body may inflate to gigabytes, and httpx would hold all of it.
        limit = self.max_response_bytes
        size = 0
        chunks = []
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(response.request, limit)
            chunks.append(chunk)
        response._content = b"".join(chunks)

    async def aclose(self) -> None:
        """Close the connection pool (unless it was passed in as `http_client`)."""
        if self._owns_http:
            pool = self._pool
            pool.closed = True
            if pool.http is not None:
                await pool.http.aclose()

    @property
    def is_closed(self) -> bool:
        """Whether the underlying connection pool is closed."""
        pool = self._pool
        return pool.http.is_closed if pool.http is not None else pool.closed
# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class APIClient(BaseClient):
    """The async I/O loop: send, retry, hand back a parsed value or an open stream."""

    _pool: _LazyPool[net.Client]
    _owns_http: bool

    def _init_http(self, http_client: net.HttpClient | None, http_library: str | None = None) -> None:
        if http_client is None:
            self._lib = lib = net.library(http_library or "httpx")
            self._user_agent = _platform_user_agent(lib)
            self._pool = _LazyPool(functools.partial(_make_pool, lib, lib.Client, self.timeout, self._user_agent))
            self._owns_http = True
            self._pool_headers = True
        else:
            self._lib = lib = net.library_of(http_client, net.Client)
            if http_library is not None and http_library != lib.name:
                raise ValueError(f"http_library={http_library!r} but http_client is an {lib.name} client")
            self._user_agent = _platform_user_agent(lib)
            self._pool = _LazyPool(None, cast(net.Client, http_client))
            self._owns_http = False

    @property
    def _http(self) -> net.Client:
        return self._pool.get()

    def request(self, op: Operation[R]) -> R:
        """Send `op` (with retries) and return its parsed result.

        Under `.with_raw_response` / `.with_streaming_response` (see `llmwise._response`), the
        `APIResponse` instead, also put in the capture.
        """
        # Budgets, the ledger and tracing (see `llmwise._meter`); None when nothing watches.
        meter = _start_meter(self, op)
        try:
            capture = RESPONSE_CAPTURE.get()
            if capture is not None:
                raw = self._capture(op, capture)
                response = raw.http_response
                result = cast(R, raw)
            else:
                response, _ = self._send(op, None)
                result = parse_json_body(op, response, self.strict_responses)
        except BaseException as exc:
            if meter is not None:
                meter.failed(exc)
            raise
        if meter is not None:
            meter.ok(result, response)
        return result

    def _capture(self, op: Operation[R], capture: ResponseCapture) -> APIResponse[R]:
        response, retries = self._send(op, None, read=not capture.streaming)
        strict = self.strict_responses
        result = APIResponse(
            response, client=self, retries_taken=retries, parse=lambda r: parse_json_body(op, r, strict)
        )
        capture.response = result
        return result

    def open_stream(self, op: Operation[Any], stream: Stream[Any]) -> None:
        """Send `op` (with retries) and attach the response to `stream`, primed with its first event.

        Under `.with_streaming_response` the response is not attached: it goes, unread, to the
        capture, whose `parse()` attaches it.
        """
        # Budgets, the ledger and tracing (see `llmwise._meter`); None when nothing watches.
        meter = _start_meter(self, op)
        try:
            capture = RESPONSE_CAPTURE.get()
            if capture is None:
                self._send(op, stream)
            else:
                if capture.streaming:
                    response, retries = self._send(op, None, read=False)
                else:
                    response, retries = self._send(op, stream)
                capture.response = APIResponse(response, client=self, retries_taken=retries, stream=stream)
        except BaseException as exc:
            if meter is not None:
                meter.failed(exc)
            raise
        if meter is not None:
            meter.streaming(stream)

    def _read_body(self, response: net.Response) -> None:
        """Read the body of a response `_send` left unread, then release it; errors as `_send`'s."""
        try:
            self._read(response)
        except net.STREAM_USED_ERRORS:
            raise body_consumed_error() from None
        except net.TRANSPORT_ERRORS as exc:
            raise self._body_error(exc, response) from exc
        finally:
            response.close()

    def _send(
        self, op: Operation[Any], stream: Stream[Any] | None, *, read: bool = True
    ) -> tuple[net.Response, int]:
        # `read=False`: a successful response is returned with its body unread (and open).
        options = op.options
        if options:
            check_call_options(options)
        max_retries = self._max_retries(op)
        idempotency_key = self._idempotency_key(op)
        deadline = options.get("deadline", self.deadline) if options else self.deadline
        expires = op.deadline_at = None if deadline is None else _clock() + deadline
        time_left: float | None = None
        last_error: LLMWiseError | None = None
        retries = 0
        while True:
            if expires is not None:
                time_left = expires - _clock()
            http = self._http
            request = self._build_request(http, op, idempotency_key, time_left)
            if time_left is not None and time_left <= 0:
                raise _deadline_error(request, cast(float, deadline), retries, last_error)
            _log_request(request, retries)
            error: LLMWiseError
            response: net.Response | None = None
            try:
                response = http.send(request, stream=True)
            except net.STATUS_ERRORS as exc:
                # A response hook of the caller's http_client called raise_for_status().
                error = _hook_status_error(exc.response)
                headers = exc.response.headers
            except Exception as exc:
                error = _send_error(exc, request, http, self._api_key)
                headers = None
            if response is not None:
                if expires is not None:
                    response.stream = self._lib.deadline_stream(  # type: ignore[assignment]
                        response.stream,
                        expires,
                        functools.partial(_deadline_error, request, cast(float, deadline), retries + 1, None),
                        _now,
                    )
                headers = response.headers
                try:
                    if response.is_success:
                        if stream is None:
                            if read:
                                try:
                                    self._read(response)
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
                        self._read(response)
                    finally:
                        response.close()
                    error = make_status_error(response)
                    log.info("%s %s -> %d", request.method, request.url, response.status_code)
                except IncompleteStreamError as exc:
                    error = exc
                except net.TRANSPORT_ERRORS as exc:
                    # DecodingError: a body that does not match its Content-Encoding.
                    response.close()
                    error = _transport_error(exc, request)
            if retries >= max_retries or not is_retryable(error):
                raise error
            delay = retry_delay(retries, headers)
            if expires is not None and _clock() + delay >= expires:
                # Waiting would pass the deadline: say so now rather than after the wait.
                raise _deadline_error(request, cast(float, deadline), retries + 1, error)
            _log_retry(request, error, delay, max_retries - retries)
            on_retry = _ON_RETRY.get()
            if on_retry is not None:
                on_retry(delay, error)
            _sleep(delay)
            last_error = error
            retries += 1
            op.retries = retries

    def _read(self, response: net.Response) -> None:
        # `response.read()`, stopping at `max_response_bytes` of decoded content: a small gzip
        # body may inflate to gigabytes, and httpx would hold all of it.
        limit = self.max_response_bytes
        size = 0
        chunks = []
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(response.request, limit)
            chunks.append(chunk)
        response._content = b"".join(chunks)

    def close(self) -> None:
        """Close the connection pool (unless it was passed in as `http_client`)."""
        if self._owns_http:
            pool = self._pool
            pool.closed = True
            if pool.http is not None:
                pool.http.close()

    @property
    def is_closed(self) -> bool:
        """Whether the underlying connection pool is closed."""
        pool = self._pool
        return pool.http.is_closed if pool.http is not None else pool.closed
# </sync>
