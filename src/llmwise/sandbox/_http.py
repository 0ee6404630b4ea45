"""Socket-free HTTP values: what :meth:`Sandbox.handle` takes and returns, and handler helpers."""

from __future__ import annotations

import json as _json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from ._state import SandboxState

#: A key the sandbox accepts when it was built without ``api_key`` (any ``mm_sk_`` token works).
DEFAULT_API_KEY = "mm_sk_" + "0" * 64

_NO_BODY: Any = object()

DONE_FRAME = b"data: [DONE]\n\n"


@dataclass
class SandboxRequest:
    """One HTTP request as seen by :meth:`Sandbox.handle`.

    ``path`` may carry a query string (``"/api/v1/history?limit=5"``); it is split into ``query``.
    Header names are lower-cased.
    """

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    query: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        if "?" in self.path:
            self.path, _, raw_query = self.path.partition("?")
            merged = dict(parse_qsl(raw_query, keep_blank_values=True))
            merged.update(self.query)
            self.query = merged
        self.headers = {k.lower(): v for k, v in self.headers.items()}

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        *,
        json: Any = _NO_BODY,
        headers: Mapping[str, str] | None = None,
        api_key: str | None = DEFAULT_API_KEY,
    ) -> SandboxRequest:
        """A request with a JSON body and (unless ``api_key=None``) a Bearer token."""
        all_headers = {} if api_key is None else {"authorization": f"Bearer {api_key}"}
        body = b""
        if json is not _NO_BODY:
            body = _json.dumps(json).encode()
            all_headers["content-type"] = "application/json"
        all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
        return cls(method, path, headers=all_headers, body=body)


@dataclass
class StreamFrame:
    """One piece of a streamed body, sent ``delay`` seconds after the previous one.

    A frame with ``cut=True`` ends the stream abruptly: the connection drops without the rest of
    the body (in-process transports raise ``httpx.RemoteProtocolError``).
    """

    data: bytes
    delay: float = 0.0
    cut: bool = False


@dataclass
class SandboxResponse:
    """A response: a JSON/text ``body`` (sent after ``delay`` seconds) or SSE ``frames``."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    frames: list[StreamFrame] | None = None
    delay: float = 0.0

    @property
    def is_stream(self) -> bool:
        """Whether this is an SSE response."""
        return self.frames is not None

    def header(self, name: str) -> str | None:
        """A header value, case-insensitively."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def content(self) -> bytes:
        """The whole body (for streams: every frame up to a cut)."""
        if self.frames is None:
            return self.body
        out = bytearray()
        for frame in self.frames:
            if frame.cut:
                break
            out += frame.data
        return bytes(out)

    def json(self) -> Any:
        """The parsed JSON body."""
        return _json.loads(self.body)

    def events(self) -> list[Any]:
        """Parsed ``data:`` payloads of a stream; ``[DONE]`` and non-JSON payloads stay strings."""
        events: list[Any] = []
        for line in self.content().decode("utf-8").splitlines():
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            try:
                events.append(_json.loads(payload))
            except ValueError:
                events.append(payload)
        return events


class ApiError(Exception):
    """Raise from a handler to answer with ``{"error": message, "detail": message, ...}``.

    ``extra`` adds keys to that object; ``delay`` holds the answer back (a model that took time to fail).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
        delay: float = 0.0,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        self.delay = delay


def dumps(data: Any) -> bytes:
    """Compact JSON as sent on the wire."""
    return _json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(data: Any, status: int = 200, *, delay: float = 0.0) -> SandboxResponse:
    """A JSON response."""
    return SandboxResponse(
        status, {"Content-Type": "application/json"}, body=dumps(data), delay=max(0.0, delay)
    )


def error_body(message: str, request_id: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The error object every failing response carries."""
    body: dict[str, Any] = {"error": message, "detail": message, "request_id": request_id}
    body.update(extra or {})
    return body


def sse_frame(payload: Any) -> bytes:
    """One ``data: <json>`` SSE frame."""
    return b"data: " + dumps(payload) + b"\n\n"


@dataclass
class RequestContext:
    """What a route handler gets: the request, path parameters, shared state and the request id."""

    request: SandboxRequest
    params: dict[str, str]
    state: SandboxState
    request_id: str
    api_path: str
    parsed_json: Any = None
    json_error: str | None = None

    @property
    def query(self) -> dict[str, str]:
        """Query parameters (last value wins)."""
        return self.request.query

    def json_body(self) -> Any:
        """The parsed JSON body; a 400 when it is missing or invalid."""
        if self.json_error is not None:
            raise ApiError(400, self.json_error)
        return self.parsed_json

    def json_object(self) -> dict[str, Any]:
        """The JSON body, which must be an object; a 400 otherwise."""
        body = self.json_body()
        if not isinstance(body, dict):
            raise ApiError(400, "Request body must be a JSON object")
        return body
