"""The :class:`Sandbox`: state plus a pure ``handle(request) -> response`` function."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast, overload

# Endpoint modules register their routes when imported: adding an endpoint module is one line here.
from . import _account, _control, _drift, _mesh, _orchestration, _structured  # noqa: F401
from ._account import ApiKeys, is_session_token
from ._catalogue import CatalogueModel, load_catalogue
from ._control import apply_spec
from ._faults import API_PREFIX, Fault, ModelBehaviour, TextSource
from ._http import (
    _NO_BODY,
    DEFAULT_API_KEY,
    ApiError,
    RequestContext,
    SandboxRequest,
    SandboxResponse,
    StreamFrame,
    dumps,
    error_body,
    sse_frame,
)
from ._idempotency import DEFAULT_TTL as DEFAULT_IDEMPOTENCY_TTL
from ._mesh import BreakerState
from ._routing import API_ROUTES, CONTROL_ROUTES, RouteTable
from ._state import (
    HistoryEntry,
    RateLimitInfo,
    RecordedRequest,
    SandboxClock,
    SandboxState,
    Transaction,
    new_id,
)
from ._text import model_text, reading_messages

if TYPE_CHECKING:
    import httpx
    import httpx2

    from ._server import SandboxServer

CONTROL_PREFIX = "/_sandbox"
API_KEY_PREFIX = "mm_sk_"
AUTH_ERROR = "Missing or invalid API key: send 'Authorization: Bearer mm_sk_...'"
MALFORMED_FRAME = b"data: {not json\n\n"
DEFAULT_BASE_URL = "http://sandbox/api/v1"
MAX_JSON_DEPTH = 100
TOO_DEEP = f"Request body is nested more than {MAX_JSON_DEPTH} levels deep"
CONTROL_NEEDS_JSON = (
    "Control API POSTs must be sent with 'Content-Type: application/json' (even without a body), "
    "so that web pages cannot script the sandbox; e.g. "
    "curl -X POST -H 'Content-Type: application/json' -d '{}' <server>/_sandbox/reset"
)


class Sandbox:
    """A local, deterministic LLMWise API.

    Args:
        latency: seconds between streamed chunks of every model (``set_model`` overrides per model).
        credits: starting credit balance (``reset()`` returns to it).
        api_key: when set, only ``Authorization: Bearer <api_key>`` is accepted; otherwise any
            ``mm_sk_...`` token is, until ``POST /keys/generate`` makes the generated key the only
            one (``DELETE /keys/revoke``: none). Dashboard session tokens (``Bearer eyJ...``) always are.
        enforce_rate_limits: answer 429 once a bucket's per-minute limit (contract §6.3) is used up.
        catalogue: model entries replacing the packaged v1 catalogue (``auto`` is always added).
        idempotency_ttl: seconds a POST's ``Idempotency-Key`` is remembered (default 24 h): the same
            key again replays the first successful answer instead of running (and charging) again;
            ``0`` turns this off. The rules are in ``llmwise.sandbox._idempotency``.
        clock: the time source (monotonic seconds) of everything time-based: circuit breakers,
            rate-limit windows, idempotency keys. Default: real time. Either way
            :meth:`advance_clock` moves the sandbox's time forward, so tests never sleep;
            ``clock=lambda: 0.0`` freezes it.

    Run it in-process with :meth:`transport` / :meth:`client`, or over HTTP with
    :class:`~llmwise.sandbox.SandboxServer`.
    """

    def __init__(
        self,
        *,
        latency: float = 0.0,
        credits: int = 1000,
        api_key: str | None = None,
        enforce_rate_limits: bool = False,
        catalogue: Iterable[CatalogueModel | Mapping[str, Any]] | None = None,
        idempotency_ttl: float = DEFAULT_IDEMPOTENCY_TTL,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if latency < 0:
            raise ValueError("latency must be >= 0")
        if idempotency_ttl < 0:
            raise ValueError("idempotency_ttl must be >= 0")
        entries = load_catalogue() if catalogue is None else [_entry(item) for item in catalogue]
        if not any(entry.id == "auto" for entry in entries):
            entries.append(CatalogueModel("auto", "Auto (smart routing)", "LLMWise", vision=True))
        self.state = SandboxState(
            latency=latency,
            credits=credits,
            api_key=api_key,
            catalogue=entries,
            enforce_rate_limits=enforce_rate_limits,
            idempotency_ttl=idempotency_ttl,
            clock=clock,
        )
        #: Routes under ``/api/v1``; ``sandbox.routes.add(...)`` adds or overrides an endpoint.
        self.routes: RouteTable = API_ROUTES.copy()
        #: Routes under ``/_sandbox`` (the control API).
        self.control_routes: RouteTable = CONTROL_ROUTES.copy()

    # -- running it -----------------------------------------------------------------------------

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        """Answer one request. Pure: no sockets, no sleeping (delays are in the response)."""
        request_id = new_id("req")
        path = request.path
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            with self.state.lock:
                response = self._dispatch_control(request, path[len(CONTROL_PREFIX) :] or "/", request_id)
            response.headers["X-Request-Id"] = request_id
            return response
        if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            response = _error(
                404, f"Not found: {path} (the LLMWise API lives under {API_PREFIX})", request_id
            )
            response.headers["X-Request-Id"] = request_id
            return response
        with self.state.lock:
            return _drift.handle_api(self.state, request, request_id, self._handle_api)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = _NO_BODY,
        headers: Mapping[str, str] | None = None,
        api_key: str | None = None,
    ) -> SandboxResponse:
        """Shortcut for ``handle(SandboxRequest.build(...))``; ``path`` may omit ``/api/v1``.

        Sends ``api_key`` (default: the sandbox's key, or a valid dummy key) unless ``headers``
        already has an Authorization header.
        """
        if not path.startswith((API_PREFIX, CONTROL_PREFIX)):
            path = API_PREFIX + "/" + path.lstrip("/")
        request = SandboxRequest.build(
            method, path, json=json, headers=headers, api_key=api_key or self.api_key
        )
        return self.handle(request)

    @overload
    def transport(self, library: Literal["httpx"] = ...) -> httpx.BaseTransport: ...
    @overload
    def transport(self, library: Literal["httpx2"]) -> httpx2.BaseTransport: ...
    def transport(self, library: Literal["httpx", "httpx2"] = "httpx") -> httpx.BaseTransport | httpx2.BaseTransport:
        """An httpx transport answering from this sandbox: ``httpx.Client(transport=sb.transport())``.

        ``library="httpx2"``: one for an ``httpx2.Client`` (answers in httpx2's classes).
        """
        from ._transport import SandboxTransport

        return cast("httpx.BaseTransport", SandboxTransport(self, library))

    @overload
    def async_transport(self, library: Literal["httpx"] = ...) -> httpx.AsyncBaseTransport: ...
    @overload
    def async_transport(self, library: Literal["httpx2"]) -> httpx2.AsyncBaseTransport: ...
    def async_transport(
        self, library: Literal["httpx", "httpx2"] = "httpx"
    ) -> httpx.AsyncBaseTransport | httpx2.AsyncBaseTransport:
        """The async twin of :meth:`transport` (works under asyncio and trio)."""
        from ._transport import AsyncSandboxTransport

        return cast("httpx.AsyncBaseTransport", AsyncSandboxTransport(self, library))

    def client(self, *, base_url: str = DEFAULT_BASE_URL, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` wired to :meth:`transport`, with the base URL and a valid API key set."""
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}", **kwargs.pop("headers", {})}
        return httpx.Client(transport=self.transport(), base_url=base_url, headers=headers, **kwargs)

    def async_client(self, *, base_url: str = DEFAULT_BASE_URL, **kwargs: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` wired to :meth:`async_transport`."""
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}", **kwargs.pop("headers", {})}
        return httpx.AsyncClient(
            transport=self.async_transport(), base_url=base_url, headers=headers, **kwargs
        )

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
        """A started :class:`SandboxServer` for this sandbox (stop it, or use it as a context manager)."""
        from ._server import SandboxServer

        return SandboxServer(self, host=host, port=port).start()

    # -- configuration --------------------------------------------------------------------------

    @property
    def api_key(self) -> str:
        """A key this sandbox accepts (generated, else configured, else a dummy ``mm_sk_`` key)."""
        with self.state.lock:
            generated = self.state.component(ApiKeys).generated
        return generated or self.state.api_key or DEFAULT_API_KEY

    @property
    def credits(self) -> int:
        """The credit balance; assign to set it (recorded as an adjustment transaction)."""
        return self.state.ledger.balance

    @credits.setter
    def credits(self, value: int) -> None:
        with self.state.lock:
            self.state.ledger.set_balance(int(value))

    @property
    def policy(self) -> dict[str, Any]:
        """The optimization policy; ``policy["max_fallbacks"] > 0`` makes auto fail over."""
        return self.state.policy

    @property
    def requests(self) -> list[RecordedRequest]:
        """Requests received under ``/api/v1``, oldest first (a snapshot)."""
        with self.state.lock:
            return list(self.state.requests)

    @property
    def history(self) -> list[HistoryEntry]:
        """Orchestration requests that passed validation, oldest first (a snapshot)."""
        with self.state.lock:
            return list(self.state.history)

    @property
    def transactions(self) -> list[Transaction]:
        """Credit ledger movements, oldest first (a snapshot)."""
        with self.state.lock:
            return list(self.state.ledger.transactions)

    @property
    def faults(self) -> list[Fault]:
        """Pending faults in consumption order (a snapshot)."""
        with self.state.lock:
            return list(self.state.faults)

    @property
    def models(self) -> list[CatalogueModel]:
        """The catalogue served by ``GET /models``."""
        with self.state.lock:
            return list(self.state.catalogue.values())

    def reset(self) -> None:
        """Forget requests, history, faults, model settings, policy, circuit breakers; restore the
        starting credits (the clock keeps its time)."""
        self.state.reset()

    # -- time and model health ------------------------------------------------------------------

    @property
    def clock(self) -> SandboxClock:
        """The sandbox's clock: ``sb.clock()`` is its time now (monotonic seconds)."""
        return self.state.clock

    def advance_clock(self, seconds: float) -> float:
        """Move the sandbox's time forward by ``seconds``: an open circuit breaker half-opens after
        30, a rate-limit window resets after 60. Returns the new time."""
        with self.state.lock:
            return self.state.clock.advance(seconds)

    def breaker(self, model_id: str) -> BreakerState:
        """A snapshot of ``model_id``'s circuit breaker (see ``llmwise.sandbox._mesh``)."""
        with self.state.lock:
            self._check_model(model_id)
            return BreakerState.from_view(_mesh.view(self.state, model_id))

    @property
    def breakers(self) -> list[BreakerState]:
        """Snapshots of every breaker that saw a failure or was tripped, by model id."""
        with self.state.lock:
            return [BreakerState.from_view(view) for view in _mesh.views(self.state)["breakers"]]

    def trip_breaker(self, model_id: str) -> BreakerState:
        """Open ``model_id``'s breaker now, as three failures in a row would."""
        with self.state.lock:
            self._check_model(model_id)
            _mesh.trip(self.state, model_id)
            return BreakerState.from_view(_mesh.view(self.state, model_id))

    def reset_breakers(self, model_id: str | None = None) -> None:
        """Close (and forget) ``model_id``'s breaker, or every breaker."""
        with self.state.lock:
            if model_id is not None:
                self._check_model(model_id)
            _mesh.reset_breakers(self.state, model_id)

    def _check_model(self, model_id: str) -> None:
        if model_id == "auto" or not self.state.is_known_model(model_id):
            raise ValueError(f"unknown model {model_id!r}; add it first with add_model()")

    def model_text(
        self,
        model: str,
        messages: Sequence[Mapping[str, Any]],
        *,
        layer: int | None = None,
        sample: int | None = None,
        reading: Sequence[tuple[str, str]] | Mapping[str, str] | None = None,
    ) -> str:
        """The full text ``model`` answers to ``messages`` here (honours ``set_model(text=...)``).

        ``layer``, ``sample`` and ``reading`` (the answers a chain step or moa layer read first)
        are those of :func:`llmwise.sandbox.model_text`.
        """
        text = self.state.behaviour(model).text
        if isinstance(text, str):
            return text
        if text is not None:
            if reading is not None:
                pairs = list(reading.items()) if isinstance(reading, Mapping) else list(reading)
                messages = reading_messages(messages, pairs, layer=layer)
            return str(text(messages))
        return model_text(model, messages, layer=layer, sample=sample, reading=reading)

    def set_model(
        self,
        model_id: str,
        latency: float | None = None,
        fail_status: int | None = None,
        fail_after_chunks: int | None = None,
        fail_message: str | None = None,
        text: TextSource | None = None,
    ) -> None:
        """Set how a model behaves (replacing earlier settings; no arguments = defaults).

        ``fail_status`` alone fails before any output; with ``fail_after_chunks`` the model streams
        that many chunks first. ``text`` (a string or ``callable(messages) -> str``) replaces the
        generated answer.
        """
        behaviour = ModelBehaviour(latency, fail_status, fail_after_chunks, fail_message, text)
        with self.state.lock:
            self.state.set_model(model_id, behaviour)

    def add_model(
        self,
        model_id: str,
        name: str | None = None,
        provider: str = "Sandbox",
        vision: bool = False,
        is_free: bool = False,
    ) -> CatalogueModel:
        """Add a model id to the catalogue (e.g. one newer than the packaged v1 list)."""
        entry = CatalogueModel(model_id, name or model_id, provider, vision, is_free)
        with self.state.lock:
            self.state.add_model(entry)
        return entry

    def apply(self, spec: str) -> None:
        """Apply a ``--fault`` SPEC string such as ``"rate_limit:times=2"`` or ``"model:gpt-5.2:fail=429"``."""
        with self.state.lock:
            apply_spec(self.state, spec)

    # -- faults ---------------------------------------------------------------------------------

    def rate_limit(self, times: int = 1, retry_after: float = 1.0, path: str | None = None) -> Fault:
        """The next ``times`` matching requests get 429 with ``Retry-After`` and ``retry-after-ms``."""
        return self._add(Fault("rate_limit", times=times, retry_after=retry_after, path=path))

    def server_error(self, status: int = 503, times: int = 1, path: str | None = None) -> Fault:
        """The next ``times`` matching requests get a JSON error with ``status``."""
        return self._add(Fault("server_error", times=times, status=status, path=path))

    def cut_stream(self, after_events: int = 2, times: int = 1, path: str | None = None) -> Fault:
        """The next ``times`` matching streams drop the connection after ``after_events`` frames."""
        return self._add(Fault("cut_stream", times=times, after_events=after_events, path=path))

    def malformed_frame(self, after_events: int = 1, times: int = 1, path: str | None = None) -> Fault:
        """Inject ``data: {not json`` after ``after_events`` frames (the stream goes on)."""
        return self._add(Fault("malformed_frame", times=times, after_events=after_events, path=path))

    def unknown_event(
        self,
        after_events: int = 1,
        times: int = 1,
        path: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Fault:
        """Inject ``{"event": "sandbox_mystery", ...}`` (or ``payload``) after ``after_events`` frames."""
        return self._add(
            Fault("unknown_event", times=times, after_events=after_events, path=path, payload=payload)
        )

    def invalid_json(self, times: int = 1, kind: str = "schema", model: str | None = None) -> _structured.InvalidJSON:
        """The next ``times`` answers to structured requests (the SDK's ``parse()``), of ``model`` or of
        any model, do not validate: ``kind`` ``"schema"`` (JSON breaking the schema), ``"syntax"``
        (JSON cut off) or ``"prose"`` (no JSON). Repair turns count as answers (see ``_structured``)."""
        fault = _structured.InvalidJSON(times=times, kind=kind, model=model)
        with self.state.lock:
            return _structured.faults(self.state).add(fault)

    def clear_faults(self) -> None:
        """Drop every pending fault (``invalid_json`` ones too) and stop drift."""
        with self.state.lock:
            self.state.faults.clear()
            _structured.faults(self.state).queue.clear()
            _drift.set_drift(self.state, None)

    def drift(
        self,
        kinds: Iterable[str] | str | None = None,
        *,
        path: str | None = None,
        times: int | None = None,
        seed: int = 0,
        list_key: str | None = None,
    ) -> _drift.Drift:
        """Serve the same data in drifted shapes: epoch timestamps, integer ids, renamed list keys,
        extra fields, null content, odd SSE frames (``kinds``, default all; see ``_drift``).

        Lasts for ``times`` drifted responses (default: until :meth:`clear_drift`) on paths matching
        ``path``; replaces any earlier drift. Integer ids sent back find their objects.
        """
        drift = _drift.Drift(
            _drift.drift_kinds(kinds), path=path, times=times, seed=seed, list_key=_drift.list_key(list_key)
        )
        with self.state.lock:
            _drift.set_drift(self.state, drift)
        return drift

    def clear_drift(self) -> None:
        """Stop drift (integer ids already served keep working)."""
        with self.state.lock:
            _drift.set_drift(self.state, None)

    @property
    def active_drift(self) -> _drift.Drift | None:
        """The drift in force, if any."""
        with self.state.lock:
            return _drift.drift_state(self.state).drift

    def _add(self, fault: Fault) -> Fault:
        with self.state.lock:
            return self.state.add_fault(fault)

    # -- internals ------------------------------------------------------------------------------

    def _handle_api(self, request: SandboxRequest, api_path: str, request_id: str) -> SandboxResponse:
        state = self.state
        parsed, json_error = _parse_body(request)
        record = RecordedRequest(
            method=request.method,
            path=api_path,
            query=dict(request.query),
            headers={k: ("REDACTED" if k == "authorization" else v) for k, v in request.headers.items()},
            json=parsed,
            request_id=request_id,
        )
        state.requests.append(record)
        match = self.routes.match(request.method, api_path)
        route = match.route
        limits = state.rate_limiter.hit(route.bucket if route else "default")
        try:
            if route is None:
                if match.allowed:
                    raise ApiError(
                        405,
                        f"Method {request.method} not allowed on {API_PREFIX}{api_path}",
                        headers={"Allow": ", ".join(match.allowed)},
                    )
                raise ApiError(404, f"Not found: {API_PREFIX}{api_path}")
            if route.auth and not self._authorized(request):
                raise ApiError(401, AUTH_ERROR, headers={"WWW-Authenticate": "Bearer"})
            if limits.exceeded:
                raise ApiError(
                    429,
                    f"Rate limit exceeded, retry after {limits.reset_seconds} s",
                    headers=_retry_headers(float(limits.reset_seconds)),
                )
            streaming = (
                route.streaming and isinstance(parsed, dict) and parsed.get("stream", True) is not False
            )
            fault = state.peek_fault(api_path, streaming=streaming)
            if fault is not None and not fault.is_stream_fault:
                state.consume_fault(fault)
                _raise_fault(fault)
            if request.method in ("POST", "PUT", "PATCH") and json_error is not None and request.body.strip():
                raise ApiError(400, json_error)
            ctx = RequestContext(request, match.params, state, request_id, api_path, parsed, json_error)
            keyed = state.idempotency.begin(request, api_path)
            if keyed is not None and keyed.replay is not None:
                response = keyed.replay
            else:
                response = route.handler(ctx)
                if keyed is not None:
                    keyed.finish(response)
            if fault is not None and response.frames is not None:
                state.consume_fault(fault)
                response.frames = _inject(fault, response.frames)
        except ApiError as exc:
            response = _error(exc.status, exc.message, request_id, exc.extra, exc.headers, exc.delay)
        except Exception as exc:  # a bug in a handler must still produce an HTTP answer
            response = _error(500, f"Sandbox internal error: {type(exc).__name__}: {exc}", request_id)
        response.headers.update(_limit_headers(limits))
        response.headers["X-Request-Id"] = request_id
        record.status = response.status
        return response

    def _dispatch_control(self, request: SandboxRequest, path: str, request_id: str) -> SandboxResponse:
        match = self.control_routes.match(request.method, path)
        if match.route is None:
            if match.allowed:
                return _error(
                    405,
                    f"Method {request.method} not allowed on {CONTROL_PREFIX}{path}",
                    request_id,
                    headers={"Allow": ", ".join(match.allowed)},
                )
            return _error(
                404,
                f"Not found: {CONTROL_PREFIX}{path} (GET {CONTROL_PREFIX}/ lists the control API)",
                request_id,
            )
        if request.method == "POST" and not _is_json(request.headers.get("content-type", "")):
            # A web page can POST text/plain or form data to 127.0.0.1 without asking (no CORS
            # preflight); application/json needs a preflight, which the sandbox never grants.
            return _error(415, CONTROL_NEEDS_JSON, request_id)
        parsed, json_error = _parse_body(request)
        ctx = RequestContext(request, match.params, self.state, request_id, path, parsed, json_error)
        try:
            return match.route.handler(ctx)
        except ApiError as exc:
            return _error(exc.status, exc.message, request_id, exc.extra, exc.headers)
        except Exception as exc:  # a bug must still produce an HTTP answer
            return _error(500, f"Sandbox internal error: {type(exc).__name__}: {exc}", request_id)

    def _authorized(self, request: SandboxRequest) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return False
        if is_session_token(token):
            return True
        return self.state.component(ApiKeys).use(token, self.state.api_key)

    def __repr__(self) -> str:
        return f"<Sandbox credits={self.credits} faults={len(self.state.faults)} requests={len(self.state.requests)}>"


def _entry(item: CatalogueModel | Mapping[str, Any]) -> CatalogueModel:
    return item if isinstance(item, CatalogueModel) else CatalogueModel.from_dict(dict(item))


def _parse_body(request: SandboxRequest) -> tuple[Any, str | None]:
    """(parsed JSON or None, error message or None)."""
    if not request.body.strip():
        return None, "Request body is required (a JSON object)"
    try:
        parsed = json.loads(request.body)
    except ValueError as exc:
        return None, f"Request body is not valid JSON: {exc}"
    except RecursionError:
        return None, TOO_DEEP
    # A body that parsed just below the recursion limit would still break whatever recurses into
    # it later (json.dumps of the recorded request in GET /_sandbox/requests, for one).
    if request.body.count(b"[") + request.body.count(b"{") > MAX_JSON_DEPTH and _too_deep(parsed):
        return None, TOO_DEEP
    return parsed, None


def _too_deep(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _is_json(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _error(
    status: int,
    message: str,
    request_id: str,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    delay: float = 0.0,
) -> SandboxResponse:
    return SandboxResponse(
        status,
        {"Content-Type": "application/json", **(headers or {})},
        body=dumps(error_body(message, request_id, extra)),
        delay=delay,
    )


def _retry_headers(seconds: float) -> dict[str, str]:
    fault = Fault("rate_limit", retry_after=seconds)
    return {"Retry-After": fault.retry_after_header, "retry-after-ms": str(round(seconds * 1000))}


def _raise_fault(fault: Fault) -> None:
    if fault.kind == "rate_limit":
        raise ApiError(
            429,
            f"Rate limit exceeded, retry after {fault.retry_after_header} s",
            headers=_retry_headers(fault.retry_after),
        )
    raise ApiError(fault.status, f"Sandbox injected server error (HTTP {fault.status})")


def _limit_headers(limits: RateLimitInfo) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limits.limit),
        "X-RateLimit-Remaining": str(limits.remaining),
        "X-RateLimit-Reset": str(limits.reset_seconds),
    }


def _inject(fault: Fault, frames: list[StreamFrame]) -> list[StreamFrame]:
    """Apply a stream fault: frames are counted from the first; ``[DONE]`` is the last frame."""
    if fault.kind == "cut_stream":
        kept = frames[: fault.after_events]
        # The drop happens when the next frame would have arrived.
        delay = frames[fault.after_events].delay if fault.after_events < len(frames) else 0.0
        return [*kept, StreamFrame(b"", delay=delay, cut=True)]
    if fault.kind == "malformed_frame":
        injected = StreamFrame(MALFORMED_FRAME)
    else:
        payload = fault.payload or {
            "event": "sandbox_mystery",
            "detail": "an event type this client does not know",
        }
        injected = StreamFrame(sse_frame(payload))
    # Never after [DONE]: a client stops reading there and would not see the injected frame.
    at = min(fault.after_events, len(frames) - 1)
    return [*frames[:at], injected, *frames[at:]]
