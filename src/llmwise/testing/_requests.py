""":class:`SentRequest`: what your code sent to the sandbox, for assertions."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmwise.sandbox import RecordedRequest

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class SentRequest:
    """One request the sandbox received under ``/api/v1`` (a snapshot).

    ``path`` is relative to ``/api/v1`` (``"/chat"``); header names are lower-case and the
    ``authorization`` header reads ``"REDACTED"``, so a record can be printed or logged safely.
    """

    method: str
    """``"GET"``, ``"POST"``, ..."""
    path: str
    """Relative to ``/api/v1``, without the query string: ``"/chat"``, ``"/history"``."""
    query: Mapping[str, str] = field(default_factory=dict)
    """Query parameters (the last value wins when a name repeats)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Request headers with lower-case names; ``authorization`` is ``"REDACTED"``."""
    json: Any = None
    """The parsed JSON body (``None`` without a body or when it was not JSON)."""
    status: int | None = None
    """The HTTP status the sandbox answered with."""
    request_id: str = ""
    """The ``X-Request-Id`` the sandbox gave this request."""

    @classmethod
    def from_record(cls, record: RecordedRequest) -> SentRequest:
        """Copy a sandbox :class:`~llmwise.sandbox.RecordedRequest`."""
        return cls(
            method=record.method,
            path=record.path,
            query=dict(record.query),
            headers=dict(record.headers),
            json=record.json,
            status=record.status,
            request_id=record.request_id,
        )

    def header(self, name: str) -> str | None:
        """A header's value by case-insensitive name, or ``None``."""
        return self.headers.get(name.lower())

    @property
    def model(self) -> str | None:
        """The body's ``model`` field (chat), or ``None``."""
        value = self.body.get("model")
        return value if isinstance(value, str) else None

    @property
    def models(self) -> list[str]:
        """The body's ``models`` list (compare, blend, judge), or ``[]``."""
        value = self.body.get("models")
        return [m for m in value if isinstance(m, str)] if isinstance(value, list) else []

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The body's ``messages`` list, or ``[]``."""
        value = self.body.get("messages")
        return [m for m in value if isinstance(m, dict)] if isinstance(value, list) else []

    @property
    def body(self) -> dict[str, Any]:
        """The JSON body when it is an object, else ``{}`` (handy for ``.get``)."""
        return self.json if isinstance(self.json, dict) else {}

    def matches(self, path: str | None = None, method: str | None = None) -> bool:
        """Whether this request went to ``path`` (globs allowed) with ``method`` (any when ``None``)."""
        if method is not None and self.method != method.upper():
            return False
        return path is None or fnmatch.fnmatchcase(self.path, normalize_path(path))

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + (f" -> {self.status}" if self.status is not None else "")


def normalize_path(path: str) -> str:
    """``"chat"``, ``"/chat/"`` and ``"/api/v1/chat"`` all become ``"/chat"`` (as fault paths do)."""
    path = "/" + path.strip().strip("/")
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        path = path[len(API_PREFIX) :] or "/"
    return path


def describe(requests: Iterable[SentRequest]) -> str:
    """``"POST /chat -> 200, GET /models -> 200"`` (or ``"none"``) for assertion messages."""
    return ", ".join(str(r) for r in requests) or "none"
