"""``Idempotency-Key``: a POST repeated with the same key replays its first answer.

The SDK sends a key with every POST and keeps it across its retries, so a retry after a lost
response (a read timeout, a dropped connection) must not run, and bill, the request again. The
rules follow Stripe's:

- Keys are scoped to the credential (the ``Authorization`` header): two API keys never share one.
- A key is remembered for ``ttl`` seconds after its first answer (default 24 h; ``0`` turns the
  feature off); at most ``max_entries`` keys are kept, the oldest forgotten first.
- Only successful (2xx) answers are stored. A failed request is not charged (or is refunded), so
  running it again cannot bill twice, and a stored failure would outlive the fault that caused it.
- The same key with another method, path, query or body: 422, nothing runs.
- A replay has the stored status, headers and body plus ``Idempotent-Replayed: true``; its
  ``X-Request-Id`` and rate-limit headers are the new request's. A replayed stream sends the
  stored frames: what the first request had produced by now at once, the rest on the original
  schedule (as a server that kept generating would). Stream faults (a cut, a malformed frame) act
  on the wire, after storing: a retry after a cut stream gets the whole stream.
- The sandbox answers each request atomically under its state lock, so a first request is never
  "in flight" here: a concurrent repeat waits for it and replays its answer.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ._http import ApiError, SandboxRequest, SandboxResponse, StreamFrame

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
DEFAULT_TTL = 24 * 3600.0
MAX_ENTRIES = 10_000
MAX_KEY_LENGTH = 255
MISMATCH = (
    "Idempotency-Key reused with a different request: it was first sent with {first}; "
    "use a new key for a new request"
)


@dataclass
class _Entry:
    fingerprint: str
    summary: str
    response: SandboxResponse
    stored_at: float


@dataclass
class IdempotentCall:
    """One keyed POST: ``replay`` is the stored answer (None: run the handler, then :meth:`finish`)."""

    store: IdempotencyStore
    slot: tuple[str, str]
    fingerprint: str
    summary: str
    replay: SandboxResponse | None = None

    def finish(self, response: SandboxResponse) -> None:
        """Remember ``response`` for later repeats of this key (successful answers only)."""
        if 200 <= response.status < 300:
            self.store._put(self.slot, _Entry(self.fingerprint, self.summary, _snapshot(response), 0.0))


class IdempotencyStore:
    """Answers to keyed POSTs, per credential and key, for ``ttl`` seconds."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0:
            raise ValueError("idempotency_ttl must be >= 0")
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def begin(self, request: SandboxRequest, api_path: str) -> IdempotentCall | None:
        """The keyed call for ``request`` (None without a key, for non-POSTs, or when turned off).

        Raises ``ApiError`` 400 for an over-long key and 422 when the key was used for another request.
        """
        key = request.headers.get(HEADER, "").strip()
        if not key or request.method != "POST" or self.ttl <= 0:
            return None
        if len(key) > MAX_KEY_LENGTH:
            raise ApiError(400, f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters")
        credential = request.headers.get("authorization", "")
        slot = (hashlib.sha256(credential.encode()).hexdigest(), key)
        summary = f"{request.method} {api_path}"
        call = IdempotentCall(self, slot, _fingerprint(request, api_path), summary)
        self._expire()
        entry = self._entries.get(slot)
        if entry is None:
            return call
        if entry.fingerprint != call.fingerprint:
            what = entry.summary if entry.summary != summary else f"{summary} with another body or query"
            raise ApiError(422, MISMATCH.format(first=what))
        call.replay = _replay(entry, self.clock() - entry.stored_at)
        return call

    def _put(self, slot: tuple[str, str], entry: _Entry) -> None:
        entry.stored_at = self.clock()
        self._entries[slot] = entry
        self._entries.move_to_end(slot)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def _expire(self) -> None:
        # Entries are in storing order, so the expired ones are at the front.
        deadline = self.clock() - self.ttl
        while self._entries:
            slot, entry = next(iter(self._entries.items()))
            if entry.stored_at > deadline:
                break
            del self._entries[slot]


def _fingerprint(request: SandboxRequest, api_path: str) -> str:
    body: bytes = request.body
    try:
        # Compare what was sent, not how it was spelled: key order and spacing do not matter.
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        pass
    query = json.dumps(sorted(request.query.items()))
    digest = hashlib.sha256()
    for part in (request.method.encode(), api_path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _snapshot(response: SandboxResponse) -> SandboxResponse:
    # Taken before the sandbox adds per-request headers and stream faults to the response.
    frames = None if response.frames is None else list(response.frames)
    return SandboxResponse(response.status, dict(response.headers), response.body, frames, response.delay)


def _replay(entry: _Entry, elapsed: float) -> SandboxResponse:
    stored = entry.response
    headers = {**stored.headers, REPLAYED_HEADER: "true"}
    if stored.frames is None:
        return SandboxResponse(stored.status, headers, stored.body, delay=max(0.0, stored.delay - elapsed))
    frames: list[StreamFrame] = []
    at = 0.0  # when the first request sends this frame, in seconds after it was answered
    clock = elapsed  # when the replay sends it
    for frame in stored.frames:
        at += frame.delay
        frames.append(StreamFrame(frame.data, delay=max(0.0, at - clock), cut=frame.cut))
        clock = max(clock, at)
    return SandboxResponse(stored.status, headers, stored.body, frames)
