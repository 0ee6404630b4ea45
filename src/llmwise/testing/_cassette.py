"""Record real LLMWise traffic once, replay it offline in tests: httpx transports and JSON cassettes.

    from llmwise.testing import cassette

    with cassette("tests/cassettes/greeting.json", mode="replay") as tape:
        client = tape.client()                      # an LLMWise answering from the cassette
        assert client.chat.create(model="gpt-5.2", messages=[...]).content == "Hello!"

``mode="record"`` sends every request to the real API (or the ``transport`` given) and writes what
came back; ``"replay"`` never touches the network and answers from the file; ``"once"`` replays when
the file exists and records it otherwise. Guide: docs/testing.md ("Record and replay").

Secrets never reach the file: interactions are scrubbed before they are kept, even in memory
(:class:`Scrubber`). Streams are recorded frame by frame (SSE events, with the time each took) and
replayed frame by frame, with their timing when ``timing=True``. A request the cassette does not
hold raises :class:`CassetteMismatchError` (an ``AssertionError``, never retried by the SDK) naming
the request and what the cassette holds.

Why not vcrpy: it patches httpx process-wide, keeps a stream as one body (no frames, no timing),
needs custom matchers and scrubbing hooks for LLMWise's secrets, and is one more dependency; these
transports plug into the SDK's ``http_client`` and need nothing but httpx.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

from llmwise._exceptions import LLMWiseError

if TYPE_CHECKING:
    from typing_extensions import Self

    from llmwise import AsyncLLMWise, LLMWise

Mode = Literal["record", "replay", "once"]
MODES: tuple[Mode, ...] = ("record", "replay", "once")
MatchOn = Literal["method", "path", "query", "body"]
DEFAULT_MATCH_ON: tuple[MatchOn, ...] = ("method", "path", "query", "body")
FORMAT_VERSION = 1
REDACTED = "REDACTED"
#: Shorter strings are not learnt as secrets (replacing them everywhere would garble text).
MIN_SECRET = 8
#: The key a replaying client sends (a cassette answers whatever key is sent).
REPLAY_API_KEY = "mm_sk_" + "0" * 64

# Headers whose value is a credential, and name fragments that mark one.
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SECRET_HEADER_PARTS = ("token", "secret", "api-key", "apikey", "password", "signature")
# JSON keys whose (string) values are credentials; "keys" is PUT /settings/keys's provider map.
_SECRET_KEYS = re.compile(
    r"(api[_-]?key|apikey|key|keys|secret|client[_-]?secret|password|token|access[_-]?token|"
    r"refresh[_-]?token|authorization|provider[_-]?key)",
    re.IGNORECASE,
)
# Credentials recognised anywhere in text: LLMWise keys, session JWTs, common provider keys.
_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"mm_sk_[A-Za-z0-9]{8,}"), "mm_sk_" + REDACTED),
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"), REDACTED),
    (re.compile(r"sk-[A-Za-z0-9_-]{8,}"), "sk-" + REDACTED),
    (re.compile(r"AIza[0-9A-Za-z_-]{20,}"), REDACTED),
    (re.compile(r"xai-[A-Za-z0-9]{16,}"), REDACTED),
)
# Not replayed: they describe the recorded connection, not the answer.
_DROPPED_RESPONSE_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "date"}
)
_FRAME_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")


class CassetteError(LLMWiseError, AssertionError):
    """A cassette cannot be used as asked (missing file, unknown format, bad arguments)."""


class CassetteMismatchError(CassetteError):
    """A request the cassette does not hold (or holds fewer times than it was made)."""


# -- scrubbing ------------------------------------------------------------------------------------


class Scrubber:
    """Replaces credentials with ``REDACTED`` in everything a cassette keeps.

    Scrubbed: credential headers (``Authorization``, cookies, ``*token*``, ``*secret*``, ...); JSON
    values under credential-like keys (``api_key``, ``key``, ``keys`` -> the provider keys of
    ``PUT /settings/keys``, ``secret``, ``token``, ``password``, ...); anything that looks like a
    credential anywhere (``mm_sk_...`` keys, ``eyJ...`` session tokens, ``sk-...`` and ``AIza...``
    provider keys); and every credential value seen so far (the Bearer token of each request, the
    provider keys it saved, ``extra`` strings) wherever it appears later, URLs and streams included.
    """

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self._literals: set[str] = {s for s in extra if isinstance(s, str) and len(s) >= MIN_SECRET}

    def learn(self, request: httpx.Request, body: bytes) -> None:
        """Remember the credentials ``request`` carries, so they are scrubbed wherever they show up."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if token.strip():
            self._literals.add(token.strip())
        elif len(scheme.strip()) >= MIN_SECRET:
            self._literals.add(scheme.strip())
        for name, value in request.headers.items():
            if _secret_header(name) and len(value.strip()) >= MIN_SECRET and name.lower() != "authorization":
                self._literals.add(value.strip())
        parsed = _json_or_none(body)
        if parsed is not None:
            self._collect(parsed, secret=False)

    def _collect(self, value: Any, *, secret: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                self._collect(item, secret=secret or bool(_SECRET_KEYS.fullmatch(str(key))))
        elif isinstance(value, list):
            for item in value:
                self._collect(item, secret=secret)
        elif secret and isinstance(value, str) and len(value) >= MIN_SECRET:
            self._literals.add(value)

    def text(self, value: str) -> str:
        """``value`` with every known or recognisable credential replaced."""
        for literal in sorted(self._literals, key=len, reverse=True):
            if literal in value:
                value = value.replace(literal, REDACTED)
        for pattern, replacement in _SECRET_PATTERNS:
            value = pattern.sub(replacement, value)
        return value

    def headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Headers (lower-case names) with credential values replaced."""
        out: dict[str, str] = {}
        for name, value in headers:
            lowered = name.lower()
            out[lowered] = REDACTED if _secret_header(lowered) else self.text(value)
        return out

    def data(self, value: Any, *, secret: bool = False) -> Any:
        """A JSON value with credential-like keys' values and credential-looking strings replaced."""
        if isinstance(value, dict):
            return {
                key: self.data(item, secret=secret or bool(_SECRET_KEYS.fullmatch(str(key))))
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.data(item, secret=secret) for item in value]
        if isinstance(value, str):
            return REDACTED if secret and value else self.text(value)
        return value

    def body(self, raw: bytes, content_type: str = "") -> dict[str, Any]:
        """A body as a cassette keeps it: ``{"json": ...}``, ``{"text": ...}`` or ``{"base64": ...}``."""
        if not raw:
            return {}
        parsed = _json_or_none(raw)
        if parsed is not None or raw.strip() == b"null":
            return {"json": self.data(parsed)}
        try:
            return {"text": self.text(raw.decode("utf-8"))}
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(raw).decode("ascii")}


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    if lowered == "idempotency-key":
        return False
    return lowered in _SECRET_HEADERS or any(part in lowered for part in _SECRET_HEADER_PARTS)


def _json_or_none(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def _body_bytes(stored: Mapping[str, Any]) -> bytes:
    if "json" in stored:
        return json.dumps(stored["json"], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if "text" in stored:
        return str(stored["text"]).encode("utf-8")
    if "base64" in stored:
        return base64.b64decode(stored["base64"])
    return b""


# -- interactions ---------------------------------------------------------------------------------


@dataclass
class Frame:
    """One piece of a recorded stream: an SSE event (``data``), ``delay`` seconds after the previous one.

    ``cut`` marks where the recorded connection broke: replaying raises ``httpx.RemoteProtocolError``.
    """

    data: str
    delay: float = 0.0
    cut: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"data": self.data, "delay": round(self.delay, 6)}
        if self.cut:
            out["cut"] = True
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Frame:
        return cls(str(data.get("data", "")), float(data.get("delay", 0.0)), bool(data.get("cut", False)))


@dataclass
class Interaction:
    """One recorded request and its response (already scrubbed)."""

    method: str
    path: str
    query: list[tuple[str, str]]
    request_headers: dict[str, str]
    request_body: dict[str, Any]
    status: int
    response_headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    frames: list[Frame] | None = None
    elapsed: float = 0.0
    played: int = 0

    @property
    def is_stream(self) -> bool:
        """Whether the response is a stream replayed frame by frame."""
        return self.frames is not None

    def describe(self) -> str:
        """``POST /api/v1/chat`` plus a short view of its body."""
        query = "?" + "&".join(f"{k}={v}" for k, v in self.query) if self.query else ""
        return f"{self.method} {self.path}{query}{_body_hint(self.request_body)}"

    def to_dict(self) -> dict[str, Any]:
        response: dict[str, Any] = {"status": self.status, "headers": self.response_headers}
        if self.frames is not None:
            response["frames"] = [frame.to_dict() for frame in self.frames]
        else:
            response["body"] = self.body
        response["elapsed"] = round(self.elapsed, 6)
        return {
            "request": {
                "method": self.method,
                "path": self.path,
                "query": [list(pair) for pair in self.query],
                "headers": self.request_headers,
                "body": self.request_body,
            },
            "response": response,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Interaction:
        request, response = data["request"], data["response"]
        frames = response.get("frames")
        return cls(
            method=str(request["method"]).upper(),
            path=str(request["path"]),
            query=[(str(k), str(v)) for k, v in request.get("query", [])],
            request_headers=dict(request.get("headers", {})),
            request_body=dict(request.get("body", {})),
            status=int(response["status"]),
            response_headers=dict(response.get("headers", {})),
            body=dict(response.get("body", {})),
            frames=None if frames is None else [Frame.from_dict(f) for f in frames],
            elapsed=float(response.get("elapsed", 0.0)),
        )


def _body_hint(body: Mapping[str, Any]) -> str:
    if "json" in body:
        text = json.dumps(body["json"], separators=(",", ":"), ensure_ascii=False)
    elif "text" in body:
        text = str(body["text"])
    else:
        return ""
    return " " + (text if len(text) <= 120 else text[:117] + "...")


def _first_difference(wanted: Any, held: Any, where: str = "body") -> str | None:
    """Where two JSON values first differ (``body.messages[0].content``), or None when equal."""
    if isinstance(wanted, dict) and isinstance(held, dict):
        for key in sorted(set(wanted) | set(held), key=str):
            if key not in held:
                return f"{where}.{key} (not in the recording)"
            if key not in wanted:
                return f"{where}.{key} (only in the recording)"
            found = _first_difference(wanted[key], held[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(wanted, list) and isinstance(held, list):
        for index, (a, b) in enumerate(zip(wanted, held, strict=False)):
            found = _first_difference(a, b, f"{where}[{index}]")
            if found:
                return found
        return None if len(wanted) == len(held) else f"{where} (length {len(wanted)} vs {len(held)})"
    return None if wanted == held else where


# -- the cassette ---------------------------------------------------------------------------------


class Cassette:
    """A file of recorded interactions, and the httpx transports that record or replay them.

    Build one with :func:`cassette`. Use it as a context manager (recordings are saved on exit,
    and after every interaction too), or call :meth:`save`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        mode: Mode = "replay",
        *,
        timing: bool = False,
        match_on: Sequence[MatchOn] = DEFAULT_MATCH_ON,
        allow_repeats: bool = False,
        scrub: Iterable[str] = (),
        before_record: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if mode not in MODES:
            raise CassetteError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        unknown = [m for m in match_on if m not in DEFAULT_MATCH_ON]
        if unknown:
            raise CassetteError(f"match_on takes {', '.join(DEFAULT_MATCH_ON)}; unknown: {', '.join(unknown)}")
        #: Where the cassette lives.
        self.path = Path(path)
        #: ``"record"`` or ``"replay"`` (``"once"`` resolves to one of them).
        self.mode: Literal["record", "replay"]
        if mode == "once":
            self.mode = "replay" if self.path.exists() else "record"
        else:
            self.mode = mode
        self.timing = timing
        self.match_on = tuple(match_on)
        self.allow_repeats = allow_repeats
        self.before_record = before_record
        self.scrubber = Scrubber(scrub)
        self._transport = transport
        self._lock = threading.Lock()
        #: The interactions held (replay: read from the file; record: recorded so far).
        self.interactions: list[Interaction] = []
        if self.mode == "replay":
            self.interactions = self._load()

    # -- files ----------------------------------------------------------------------------------

    def _load(self) -> list[Interaction]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CassetteError(
                f"cassette {str(self.path)!r} not found: record it first with "
                f"cassette({str(self.path)!r}, mode='record') (or mode='once')"
            ) from None
        try:
            data = json.loads(raw)
            if data.get("version") != FORMAT_VERSION:
                raise ValueError(f"unsupported version {data.get('version')!r}")
            return [Interaction.from_dict(item) for item in data["interactions"]]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CassetteError(f"cassette {str(self.path)!r} is not a llmwise cassette: {exc}") from None

    def save(self) -> None:
        """Write the recorded interactions (record mode; atomically, creating directories)."""
        if self.mode != "record":
            return
        with self._lock:
            data = {
                "version": FORMAT_VERSION,
                "recorded_with": f"llmwise {_version()}",
                "interactions": [interaction.to_dict() for interaction in self.interactions],
            }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.save()

    # -- transports and clients -----------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """A sync httpx transport that records (to the real API, or the ``transport`` given) or replays."""
        if self.mode == "replay":
            return _ReplayTransport(self)
        inner = self._transport if isinstance(self._transport, httpx.BaseTransport) else None
        if self._transport is not None and inner is None:
            raise CassetteError("this cassette records through an async transport: use async_transport()")
        return _RecordTransport(self, inner or httpx.HTTPTransport())

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """The async twin of :meth:`transport`."""
        if self.mode == "replay":
            return _AsyncReplayTransport(self)
        inner = self._transport if isinstance(self._transport, httpx.AsyncBaseTransport) else None
        if self._transport is not None and inner is None:
            raise CassetteError("this cassette records through a sync transport: use transport()")
        return _AsyncRecordTransport(self, inner or httpx.AsyncHTTPTransport())

    def http_client(self, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` on :meth:`transport` (for ``LLMWise(http_client=...)`` or plain httpx)."""
        return httpx.Client(transport=self.transport(), **kwargs)

    def async_http_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` on :meth:`async_transport`."""
        return httpx.AsyncClient(transport=self.async_transport(), **kwargs)

    def client(self, api_key: str | None = None, *, base_url: str | None = None, **kwargs: Any) -> LLMWise:
        """An ``LLMWise`` client on this cassette.

        Recording, it reads ``LLMWISE_API_KEY`` / ``LLMWISE_BASE_URL`` as usual (or takes them);
        replaying, it needs no key (a placeholder is sent; the cassette answers any). Other keyword
        arguments go to ``LLMWise``. Close it (or use it as a context manager) when done.
        """
        from llmwise import LLMWise

        if api_key is None and self.mode == "replay":
            api_key = REPLAY_API_KEY
        return LLMWise(api_key, base_url=base_url, http_client=self.http_client(), **kwargs)

    def async_client(
        self, api_key: str | None = None, *, base_url: str | None = None, **kwargs: Any
    ) -> AsyncLLMWise:
        """An ``AsyncLLMWise`` client on this cassette (see :meth:`client`)."""
        from llmwise import AsyncLLMWise

        if api_key is None and self.mode == "replay":
            api_key = REPLAY_API_KEY
        return AsyncLLMWise(api_key, base_url=base_url, http_client=self.async_http_client(), **kwargs)

    # -- replay ---------------------------------------------------------------------------------

    @property
    def unplayed(self) -> list[Interaction]:
        """Recorded interactions no request has used yet."""
        with self._lock:
            return [i for i in self.interactions if i.played == 0]

    def assert_all_played(self) -> None:
        """Raise :class:`CassetteMismatchError` when some recorded interaction was never requested."""
        left = self.unplayed
        if left:
            listed = "\n".join(f"  - {i.describe()}" for i in left)
            raise CassetteMismatchError(f"cassette {str(self.path)!r}: {len(left)} interaction(s) never played:\n{listed}")

    def _key(self, method: str, path: str, query: list[tuple[str, str]], body: Mapping[str, Any]) -> tuple[Any, ...]:
        parts: list[Any] = []
        if "method" in self.match_on:
            parts.append(method)
        if "path" in self.match_on:
            parts.append(path)
        if "query" in self.match_on:
            parts.append(tuple(sorted(query)))
        if "body" in self.match_on:
            parts.append(json.dumps(body, sort_keys=True, ensure_ascii=False))
        return tuple(parts)

    def _find(self, request: httpx.Request, raw_body: bytes) -> Interaction:
        scrubber = Scrubber()
        scrubber.learn(request, raw_body)
        method, path = request.method.upper(), request.url.path
        query = [(k, scrubber.text(v)) for k, v in request.url.params.multi_items()]
        body = scrubber.body(raw_body, request.headers.get("content-type", ""))
        wanted = self._key(method, path, query, body)
        with self._lock:
            matches = [i for i in self.interactions if self._key(i.method, i.path, i.query, i.request_body) == wanted]
            for interaction in matches:
                if interaction.played == 0:
                    interaction.played += 1
                    return interaction
            if matches and self.allow_repeats:
                matches[-1].played += 1
                return matches[-1]
            raise CassetteMismatchError(self._mismatch(method, path, query, body, matches))

    def _mismatch(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        body: Mapping[str, Any],
        matches: list[Interaction],
    ) -> str:
        shown = Interaction(method, path, query, {}, dict(body), 0, {})
        lines = [f"cassette {str(self.path)!r} holds no response for {shown.describe()}"]
        if matches:
            lines[0] += f": it held {len(matches)} and all were played (allow_repeats=True replays the last)"
        else:
            near = [i for i in self.interactions if i.method == method and i.path == path]
            for interaction in near[:1]:
                where = (
                    _first_difference(body.get("json"), interaction.request_body.get("json"))
                    if "json" in body
                    else "body"
                )
                if interaction.query != query and "query" in self.match_on:
                    where = "query"
                lines.append(f"the closest recording, {interaction.describe()}, differs at {where}")
        held = [f"  - {i.describe()}{' (played)' if i.played else ''}" for i in self.interactions]
        lines.append("it holds:\n" + ("\n".join(held) if held else "  (nothing)"))
        lines.append(f"record it again with cassette({str(self.path)!r}, mode='record')")
        return "\n".join(lines)

    def _replay_response(self, interaction: Interaction, request: httpx.Request, *, is_async: bool) -> httpx.Response:
        headers = dict(interaction.response_headers)
        if interaction.frames is None:
            return httpx.Response(
                interaction.status, headers=headers, content=_body_bytes(interaction.body), request=request
            )
        stream: httpx.SyncByteStream | httpx.AsyncByteStream
        if is_async:
            stream = _AsyncReplayStream(interaction.frames, request, self.timing)
        else:
            stream = _SyncReplayStream(interaction.frames, request, self.timing)
        return httpx.Response(interaction.status, headers=headers, stream=stream, request=request)

    # -- record ---------------------------------------------------------------------------------

    def _start(self, request: httpx.Request, raw_body: bytes) -> tuple[Interaction, float]:
        """The scrubbed request half of an interaction about to be sent."""
        self.scrubber.learn(request, raw_body)
        scrub = self.scrubber
        interaction = Interaction(
            method=request.method.upper(),
            path=scrub.text(request.url.path),
            query=[(k, scrub.text(v)) for k, v in request.url.params.multi_items()],
            request_headers=scrub.headers(request.headers.multi_items()),
            request_body=scrub.body(raw_body, request.headers.get("content-type", "")),
            status=0,
            response_headers={},
        )
        return interaction, time.monotonic()

    def _finish_head(self, interaction: Interaction, response: httpx.Response) -> None:
        interaction.status = response.status_code
        interaction.response_headers = {
            name: value
            for name, value in self.scrubber.headers(response.headers.multi_items()).items()
            if name not in _DROPPED_RESPONSE_HEADERS
        }

    def _keep(self, interaction: Interaction) -> None:
        """Store a finished interaction (after ``before_record``) and save the cassette."""
        data: dict[str, Any] | None = interaction.to_dict()
        if self.before_record is not None:
            data = self.before_record(data) if data is not None else None
            if data is None:
                return
            # Whatever the hook did, what is kept is scrubbed again.
            interaction = Interaction.from_dict(json.loads(self.scrubber.text(json.dumps(data))))
        with self._lock:
            self.interactions.append(interaction)
        self.save()


def _is_stream(response: httpx.Response) -> bool:
    content_type = str(response.headers.get("content-type", ""))
    return content_type.split(";")[0].strip().lower() == "text/event-stream"


class _FrameRecorder:
    """Splits a stream's bytes into SSE frames, stamping each with the time since the previous one."""

    def __init__(self, cassette: Cassette, interaction: Interaction, started: float) -> None:
        self.cassette = cassette
        self.interaction = interaction
        self.frames: list[Frame] = []
        self.buffer = b""
        self.last = started
        self.done = False

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        while True:
            found = _FRAME_END.search(self.buffer)
            if found is None:
                return
            frame, self.buffer = self.buffer[: found.end()], self.buffer[found.end() :]
            self._add(frame)

    def _add(self, frame: bytes, *, cut: bool = False) -> None:
        now = time.monotonic()
        text = self.cassette.scrubber.text(frame.decode("utf-8", errors="replace"))
        self.frames.append(Frame(text, now - self.last, cut))
        self.last = now

    def finish(self, *, cut: bool = False) -> None:
        if self.done:
            return
        self.done = True
        if self.buffer:
            self._add(self.buffer)
            self.buffer = b""
        if cut:
            self._add(b"", cut=True)
        self.interaction.frames = self.frames
        self.cassette._keep(self.interaction)


class _RecordingStream(httpx.SyncByteStream):
    def __init__(self, response: httpx.Response, recorder: _FrameRecorder) -> None:
        self._response = response
        self._recorder = recorder

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self._response.iter_bytes():
                self._recorder.feed(chunk)
                yield chunk
        except httpx.TransportError:
            self._recorder.finish(cut=True)
            raise
        self._recorder.finish()

    def close(self) -> None:
        if not self._recorder.done:
            # The caller stopped early: record the rest, so that a replay has the whole stream.
            try:
                for chunk in self._response.iter_bytes():
                    self._recorder.feed(chunk)
                self._recorder.finish()
            except (httpx.TransportError, httpx.StreamConsumed, httpx.StreamClosed):
                self._recorder.finish(cut=True)
        self._response.close()


class _AsyncRecordingStream(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, recorder: _FrameRecorder) -> None:
        self._response = response
        self._recorder = recorder

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes():
                self._recorder.feed(chunk)
                yield chunk
        except httpx.TransportError:
            self._recorder.finish(cut=True)
            raise
        self._recorder.finish()

    async def aclose(self) -> None:
        if not self._recorder.done:
            try:
                async for chunk in self._response.aiter_bytes():
                    self._recorder.feed(chunk)
                self._recorder.finish()
            except (httpx.TransportError, httpx.StreamConsumed, httpx.StreamClosed):
                self._recorder.finish(cut=True)
        await self._response.aclose()


def _plain_response(response: httpx.Response, content: bytes, request: httpx.Request) -> httpx.Response:
    # The body is stored decoded: the replayed response must not claim an encoding.
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]
    return httpx.Response(response.status_code, headers=headers, content=content, request=request)


def _stream_headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k.lower() not in ("content-encoding", "content-length")]


class _RecordTransport(httpx.BaseTransport):
    def __init__(self, cassette: Cassette, inner: httpx.BaseTransport) -> None:
        self.cassette = cassette
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raw = request.read()
        interaction, started = self.cassette._start(request, raw)
        response = self.inner.handle_request(request)
        response.request = request
        self.cassette._finish_head(interaction, response)
        if _is_stream(response):
            recorder = _FrameRecorder(self.cassette, interaction, started)
            return httpx.Response(
                response.status_code,
                headers=_stream_headers(response),
                stream=_RecordingStream(response, recorder),
                request=request,
            )
        try:
            content = response.read()
        finally:
            response.close()
        interaction.body = self.cassette.scrubber.body(content, response.headers.get("content-type", ""))
        interaction.elapsed = time.monotonic() - started
        self.cassette._keep(interaction)
        return _plain_response(response, content, request)

    def close(self) -> None:
        self.inner.close()


class _AsyncRecordTransport(httpx.AsyncBaseTransport):
    def __init__(self, cassette: Cassette, inner: httpx.AsyncBaseTransport) -> None:
        self.cassette = cassette
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raw = await request.aread()
        interaction, started = self.cassette._start(request, raw)
        response = await self.inner.handle_async_request(request)
        response.request = request
        self.cassette._finish_head(interaction, response)
        if _is_stream(response):
            recorder = _FrameRecorder(self.cassette, interaction, started)
            return httpx.Response(
                response.status_code,
                headers=_stream_headers(response),
                stream=_AsyncRecordingStream(response, recorder),
                request=request,
            )
        try:
            content = await response.aread()
        finally:
            await response.aclose()
        interaction.body = self.cassette.scrubber.body(content, response.headers.get("content-type", ""))
        interaction.elapsed = time.monotonic() - started
        self.cassette._keep(interaction)
        return _plain_response(response, content, request)

    async def aclose(self) -> None:
        await self.inner.aclose()


# -- replay transports ----------------------------------------------------------------------------

_CUT_MESSAGE = "peer closed connection without sending complete message body (as recorded)"


async def _async_sleep(delay: float) -> None:
    """Sleep under asyncio or trio (whichever is running)."""
    if delay <= 0:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        import trio  # only reached when no asyncio loop runs, i.e. under trio

        await trio.sleep(delay)
        return
    await asyncio.sleep(delay)


def _sleep(delay: float) -> None:
    if delay > 0:
        time.sleep(delay)


class _SyncReplayStream(httpx.SyncByteStream):
    def __init__(self, frames: Sequence[Frame], request: httpx.Request, timing: bool) -> None:
        self._frames = frames
        self._request = request
        self._timing = timing

    def __iter__(self) -> Iterator[bytes]:
        for frame in self._frames:
            if self._timing and frame.delay > 0:
                _sleep(frame.delay)
            if frame.cut:
                raise httpx.RemoteProtocolError(_CUT_MESSAGE, request=self._request)
            yield frame.data.encode("utf-8")


class _AsyncReplayStream(httpx.AsyncByteStream):
    def __init__(self, frames: Sequence[Frame], request: httpx.Request, timing: bool) -> None:
        self._frames = frames
        self._request = request
        self._timing = timing

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for frame in self._frames:
            if self._timing and frame.delay > 0:
                await _async_sleep(frame.delay)
            if frame.cut:
                raise httpx.RemoteProtocolError(_CUT_MESSAGE, request=self._request)
            yield frame.data.encode("utf-8")


class _ReplayTransport(httpx.BaseTransport):
    def __init__(self, cassette: Cassette) -> None:
        self.cassette = cassette

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        interaction = self.cassette._find(request, request.read())
        if self.cassette.timing and not interaction.is_stream and interaction.elapsed > 0:
            _sleep(interaction.elapsed)
        return self.cassette._replay_response(interaction, request, is_async=False)


class _AsyncReplayTransport(httpx.AsyncBaseTransport):
    def __init__(self, cassette: Cassette) -> None:
        self.cassette = cassette

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        interaction = self.cassette._find(request, await request.aread())
        if self.cassette.timing and not interaction.is_stream:
            await _async_sleep(interaction.elapsed)
        return self.cassette._replay_response(interaction, request, is_async=True)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("llmwise")
    except Exception:  # metadata missing (a source checkout): the version is informative only
        return "unknown"


def cassette(
    path: str | os.PathLike[str],
    mode: Mode = "replay",
    *,
    timing: bool = False,
    match_on: Sequence[MatchOn] = DEFAULT_MATCH_ON,
    allow_repeats: bool = False,
    scrub: Iterable[str] = (),
    before_record: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
) -> Cassette:
    """Record LLMWise traffic to ``path`` or replay it from there.

    Args:
        path: the cassette file (JSON; directories are created when recording).
        mode: ``"replay"`` (default: answer from the file, never the network; a missing file is a
            :class:`CassetteError`), ``"record"`` (send every request on and write what came
            back, replacing the file), or ``"once"`` (replay if the file exists, else record).
        timing: replay streams (and other answers) with the delays recorded between their
            frames; off by default, so tests run at full speed.
        match_on: what must be equal for a recorded interaction to answer a request: any of
            ``"method"``, ``"path"``, ``"query"``, ``"body"`` (all by default; JSON bodies compare
            as values, after scrubbing). Headers never count (idempotency keys differ per run).
        allow_repeats: when every matching interaction was played, replay the last one again
            instead of raising :class:`CassetteMismatchError`.
        scrub: more secret strings to replace with ``REDACTED`` wherever they appear.
        before_record: ``hook(interaction_dict) -> dict | None`` run on each interaction before
            it is kept (after scrubbing; return None to drop it); what it returns is scrubbed again.
        transport: record through this httpx transport instead of the network (a sync or async
            one; e.g. ``Sandbox().transport()``).

    Identical requests are answered in recorded order, each once.
    """
    return Cassette(
        path,
        mode,
        timing=timing,
        match_on=match_on,
        allow_repeats=allow_repeats,
        scrub=scrub,
        before_record=before_record,
        transport=transport,
    )
