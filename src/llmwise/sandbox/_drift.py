"""Shape drift: the same data, served in the shapes a real server might change to.

The sandbox normally answers in exactly the shapes its docs describe. With drift on, the answers
carry the same data in other, still reasonable shapes, so code can be tested against a server
that changes its representation (the way the faults test it against 429s and cut streams):

``epoch``
    ISO 8601 strings of ``*_at`` fields become epoch seconds (integers).
``int_ids``
    Ids the sandbox issued (``conv_<hex>``, ``req_<hex>``, ... in ``id`` / ``*_id`` fields)
    become positive integers (a stable hash of the id and the seed). The sandbox remembers them:
    an integer id sent back, in a path (``/conversations/812...``), a ``*_id`` query parameter or a
    ``*_id`` body field (as a JSON number or a digit string), finds the object again.
``list_keys``
    List endpoints move their items: the documented key (``conversations``, ``history``, ...)
    becomes ``data`` or ``items``, or the body becomes the bare array; endpoints documented as a
    bare array (``/models``, ``/credits/transactions``, ...) get wrapped in ``{"data": [...]}`` or
    ``{"items": [...]}``.
``extra_fields``
    Every JSON object (bodies and stream events, at every level) gains an unknown field
    ``"x_drift": {...}``; objects that are maps keyed by name (``by_mode``, ``by_model``, the
    compare summary's ``models``, ``checklist``) are left alone, as a server would.
``null_content``
    ``content`` of chat and blend results is ``null`` (non-stream bodies); streams still send
    every delta, and their ``done`` event carries ``"content": null``.
``odd_frames``
    Streams get legal but unusual SSE: a comment block and a ``retry:`` block first, an
    ``event: message`` field and ``id:`` fields on events, an extra chunk with an empty delta,
    CRLF line ends on the ``done`` event.

Drift is a mode, not a queued fault: it is independent of the fault queue (a queued 429 still
comes first; error bodies are never drifted) and lasts for ``times`` drifted responses (default:
all), on the paths matching ``path`` (a glob relative to ``/api/v1``; default: all). Only 2xx JSON
bodies and event streams are drifted, and each such response counts once. The transformation is a
pure function of the response, the kinds and ``seed``. Recorded requests keep what was sent (the
integers), while the endpoints see the ids they issued.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from ._faults import API_PREFIX, normalize_path
from ._http import (
    ApiError,
    RequestContext,
    SandboxRequest,
    SandboxResponse,
    StreamFrame,
    dumps,
    json_response,
    sse_frame,
)
from ._routing import CONTROL_ROUTES

if TYPE_CHECKING:
    from ._state import SandboxState

DriftKind = Literal["epoch", "int_ids", "list_keys", "extra_fields", "null_content", "odd_frames"]
ListKey = Literal["data", "items", "bare"]

#: Every drift kind, in the order they are documented.
DRIFT_KINDS: tuple[DriftKind, ...] = (
    "epoch",
    "int_ids",
    "list_keys",
    "extra_fields",
    "null_content",
    "odd_frames",
)
LIST_KEYS: tuple[ListKey, ...] = ("data", "items", "bare")

_KIND_ALIASES: dict[str, DriftKind] = {
    **{kind: kind for kind in DRIFT_KINDS},
    "epoch_timestamps": "epoch",
    "timestamps": "epoch",
    "ids": "int_ids",
    "integer_ids": "int_ids",
    "list_key": "list_keys",
    "lists": "list_keys",
    "extra": "extra_fields",
    "extra_field": "extra_fields",
    "null": "null_content",
    "frames": "odd_frames",
    "odd": "odd_frames",
}

#: The unknown field ``extra_fields`` adds to every object.
EXTRA_FIELD = "x_drift"

# Ids the sandbox issues: a lowercase prefix, "_", hex (new_id()). Catalogue ids (gpt-5.2,
# pack_starter, tpl_smoke) are names a client sends as they are, so they stay strings.
_ISSUED_ID = re.compile(r"[a-z]+_[0-9a-f]{12,}")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Objects under these keys are maps keyed by names (modes, models, checklist items), not records.
_MAP_KEYS = frozenset({"by_mode", "by_model", "models", "checklist"})
# The list endpoints and their documented list key (None: documented as a bare array).
_LIST_ENDPOINTS: dict[tuple[str, str], str | None] = {
    ("GET", "/conversations"): "conversations",
    ("GET", "/history"): "history",
    ("GET", "/memory"): "memories",
    ("GET", "/memory/search"): "results",
    ("GET", "/optimization/snapshots"): "snapshots",
    ("GET", "/optimization/alerts"): "alerts",
    ("GET", "/optimization/test-templates"): "templates",
    ("GET", "/optimization/test-suites"): "suites",
    ("GET", "/optimization/test-runs"): "runs",
    ("GET", "/optimization/regression-schedules"): "schedules",
    ("GET", "/settings/keys"): "providers",
    ("PUT", "/settings/keys"): "providers",
    ("GET", "/models"): None,
    ("GET", "/credits/transactions"): None,
    ("GET", "/credits/packs"): None,
    ("GET", "/usage/recent"): None,
}
_NULL_CONTENT_PATHS = frozenset({"/chat", "/blend"})
_INT_ID_SPACE = 2**48  # below 2**53: exact in JavaScript numbers and float64 JSON readers too


def drift_kind(name: str) -> DriftKind:
    """Resolve a drift kind or alias (``timestamps`` -> ``epoch``)."""
    try:
        return _KIND_ALIASES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown drift kind {name!r} (known: {', '.join(DRIFT_KINDS)})") from None


def drift_kinds(names: Iterable[str] | str | None) -> frozenset[DriftKind]:
    """Kinds from names (a string may list several: ``"epoch,int_ids"`` or ``"epoch+int_ids"``);
    ``None`` or ``"all"``: every kind."""
    if names is None:
        return frozenset(DRIFT_KINDS)
    given = re.split(r"[,+|\s]+", names) if isinstance(names, str) else list(names)
    for name in given:
        if not isinstance(name, str):
            raise ValueError(f"drift kinds must be strings, got {type(name).__name__}")
    parts = [name for name in given if name.strip()]
    if len(parts) == 1 and parts[0].strip().lower() == "all":
        return frozenset(DRIFT_KINDS)
    if not parts:
        raise ValueError(f"name at least one drift kind ({', '.join(DRIFT_KINDS)}) or 'all'")
    return frozenset(drift_kind(name) for name in parts)


def list_key(value: str | None) -> ListKey | None:
    """A ``list_key`` option checked (``array`` is ``bare``); None stays None (a seeded choice)."""
    if value is None:
        return None
    for key in LIST_KEYS:
        if value == key:
            return key
    if value == "array":
        return "bare"
    raise ValueError(f"list_key must be one of {', '.join(LIST_KEYS)}, got {value!r}")


@dataclass
class Drift:
    """What drifts, where, and for how long (see the module docstring for each kind).

    ``times`` counts down the drifted responses still to come (None: every one; drift stops at 0);
    ``list_key`` fixes what ``list_keys`` renames documented keys to (None: a seeded choice per
    endpoint).
    """

    kinds: frozenset[DriftKind] = frozenset(DRIFT_KINDS)
    path: str | None = None
    times: int | None = None
    seed: int = 0
    list_key: ListKey | None = None

    def __post_init__(self) -> None:
        self.kinds = drift_kinds(self.kinds)
        if self.times is not None and (
            isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1
        ):
            raise ValueError("times must be an integer >= 1 (or None: every response)")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError("seed must be an integer")
        self.list_key = list_key(self.list_key)
        if self.path is not None:
            if not isinstance(self.path, str):
                raise ValueError("path must be a string")
            self.path = normalize_path(self.path)

    def matches(self, api_path: str) -> bool:
        """Whether responses to ``api_path`` (relative to ``/api/v1``; globs allowed) drift."""
        return self.path is None or fnmatch.fnmatchcase(api_path, self.path)

    def to_dict(self) -> dict[str, Any]:
        """A JSON view (as listed by ``GET /_sandbox/drift``)."""
        return {
            "kinds": [kind for kind in DRIFT_KINDS if kind in self.kinds],
            "path": self.path,
            "times": self.times,
            "seed": self.seed,
            "list_key": self.list_key,
        }


_PARAMS = ("kinds", "path", "times", "seed", "list_key")


def drift_from_mapping(data: Mapping[str, Any]) -> Drift:
    """A drift from a control-API object: ``{"kinds": ["epoch", "int_ids"], "times": 3, ...}``.

    ``"type": "drift"`` is allowed (the ``POST /_sandbox/faults`` form); no ``kinds``: all of them.
    """
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "type":
            if value != "drift":
                raise ValueError(f"expected type 'drift', got {value!r}")
            continue
        if key not in _PARAMS:
            raise ValueError(f"unknown drift parameter {key!r} (known: {', '.join(_PARAMS)})")
        kwargs[key] = value
    return Drift(**kwargs)


def parse_drift_options(text: str) -> Drift:
    """The options of a ``drift[:...]`` spec: ``kinds=epoch,int_ids,times=2`` (a bare word is a kind)."""
    kinds: list[str] = []
    kwargs: dict[str, Any] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep:
            kinds.extend(re.split(r"[+|]", key))
        elif key in ("kinds", "kind"):
            kinds.extend(re.split(r"[+|]", value))
        elif key in ("times", "seed"):
            try:
                kwargs[key] = int(value)
            except ValueError:
                raise ValueError(f"{key} must be an integer, got {value!r}") from None
        elif key == "path":
            kwargs["path"] = value
        elif key in ("list_key", "key"):
            kwargs["list_key"] = list_key(value)
        else:
            raise ValueError(f"unknown drift option {key!r} (kinds, path, times, seed, list_key)")
    return Drift(drift_kinds(kinds) if kinds else frozenset(DRIFT_KINDS), **kwargs)


@dataclass
class DriftSpec:
    """``drift[:kinds=K1,K2,...,path=P,times=N,seed=S,list_key=data|items|bare]``."""

    drift: Drift


@dataclass
class DriftState:
    """Per-sandbox drift: the active :class:`Drift` and the integer ids handed out (a state component).

    The ids outlive the drift (a client may send an integer back after drift is turned off) and
    are forgotten by ``reset()``, with the objects they name.
    """

    drift: Drift | None = None
    ints: dict[str, int] = field(default_factory=dict)
    ids: dict[int, str] = field(default_factory=dict)

    def int_id(self, value: str, seed: int) -> int:
        """The integer standing for ``value`` (stable: the same every time it is served)."""
        known = self.ints.get(value)
        if known is not None:
            return known
        digest = hashlib.sha256(f"{seed}:{value}".encode()).digest()
        number = int.from_bytes(digest[:8], "big") % (_INT_ID_SPACE - 1) + 1
        while number in self.ids:  # a collision: the next free number, still deterministic
            number = number % (_INT_ID_SPACE - 1) + 1
        self.ints[value], self.ids[number] = number, value
        return number

    def original(self, value: Any) -> str | None:
        """The id an integer (or a digit string) stands for, if this sandbox issued it."""
        if isinstance(value, bool):
            return None
        if isinstance(value, str) and value.isdigit() and value.isascii():
            value = int(value)
        return self.ids.get(value) if isinstance(value, int) else None


def drift_state(state: SandboxState) -> DriftState:
    """The sandbox's :class:`DriftState`."""
    return state.component(DriftState)


def set_drift(state: SandboxState, drift: Drift | None) -> None:
    """Turn drift on with ``drift`` (replacing any other), or off with None (ids stay known)."""
    drift_state(state).drift = drift


# -- the hook ---------------------------------------------------------------------------------------

ApiHandler = Callable[[SandboxRequest, str, str], SandboxResponse]


def handle_api(
    state: SandboxState, request: SandboxRequest, request_id: str, handle: ApiHandler
) -> SandboxResponse:
    """``handle(request, api_path, request_id)`` with drift applied around it (called under the lock)."""
    current = drift_state(state)
    api_path = request.path[len(API_PREFIX) :] or "/"
    if current.drift is None and not current.ids:
        return handle(request, api_path, request_id)
    translated = _inbound(current, request) if current.ids else request
    if translated is request:
        response = handle(request, api_path, request_id)
    else:
        response = handle(translated, translated.path[len(API_PREFIX) :] or "/", request_id)
        _record_as_sent(state, request, api_path, request_id)
    drift = current.drift
    if (
        drift is not None
        and drift.matches(api_path)
        and _drift_response(drift, current, request.method, api_path, response)
        and drift.times is not None
    ):
        drift.times -= 1
        if drift.times <= 0:
            current.drift = None
    return response


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith("_id")


def _inbound(current: DriftState, request: SandboxRequest) -> SandboxRequest:
    """The request with the integer ids this sandbox handed out replaced by the ids they stand for."""
    segments = request.path.split("/")
    path_changed = False
    for i, segment in enumerate(segments):
        original = current.original(segment)
        if original is not None:
            segments[i], path_changed = original, True
    query = {
        key: (current.original(value) or value) if _is_id_key(key) else value
        for key, value in request.query.items()
    }
    body = request.body
    if body.strip():
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        restored = _restore_ids(current, parsed)
        if restored != parsed:
            body = json.dumps(restored).encode("utf-8")
    if not path_changed and query == request.query and body is request.body:
        return request
    return dataclasses.replace(request, path="/".join(segments), query=query, body=body)


def _restore_ids(current: DriftState, value: Any) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            original = current.original(item) if isinstance(key, str) and _is_id_key(key) else None
            out[key] = original if original is not None else _restore_ids(current, item)
        return out
    if isinstance(value, list):
        return [_restore_ids(current, item) for item in value]
    return value


def _record_as_sent(state: SandboxState, request: SandboxRequest, api_path: str, request_id: str) -> None:
    """Make the request's record show what the client sent, not the translated ids."""
    for record in reversed(state.requests):
        if record.request_id == request_id:
            record.path = api_path
            record.query = dict(request.query)
            try:
                record.json = json.loads(request.body) if request.body.strip() else None
            except ValueError:
                record.json = None
            return


# -- the transformation -----------------------------------------------------------------------------


@dataclass
class _Shaper:
    drift: Drift
    ids: DriftState

    def has(self, kind: DriftKind) -> bool:
        return kind in self.drift.kinds

    def extra(self) -> dict[str, Any]:
        return {"seed": self.drift.seed, "note": "a field this client does not know", "tags": ["drift"]}

    def value(self, value: Any, *, is_map: bool = False) -> Any:
        """``value`` with ids, timestamps and extra fields drifted, recursively."""
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if (
                    self.has("int_ids")
                    and _is_id_key(key)
                    and isinstance(item, str)
                    and _ISSUED_ID.fullmatch(item)
                ):
                    out[key] = self.ids.int_id(item, self.drift.seed)
                elif self.has("epoch") and key.endswith("_at") and isinstance(item, str):
                    out[key] = _epoch(item)
                else:
                    out[key] = self.value(item, is_map=key in _MAP_KEYS and isinstance(item, dict))
            if self.has("extra_fields") and not is_map:
                out[EXTRA_FIELD] = self.extra()
            return out
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value

    def body(self, method: str, api_path: str, data: Any) -> Any:
        if (
            self.has("null_content")
            and api_path in _NULL_CONTENT_PATHS
            and isinstance(data, dict)
            and "content" in data
        ):
            data = {**data, "content": None}
        data = self.value(data)
        if self.has("list_keys"):
            data = self.list_shape(method, api_path, data)
        return data

    def list_shape(self, method: str, api_path: str, data: Any) -> Any:
        endpoint = (method, api_path)
        if endpoint not in _LIST_ENDPOINTS:
            return data
        documented = _LIST_ENDPOINTS[endpoint]
        choice = self.drift.list_key or _seeded(self.drift.seed, api_path, LIST_KEYS)
        if documented is None:
            if not isinstance(data, list):
                return data
            wrapped: dict[str, Any] = {"items" if choice == "items" else "data": data}
            if self.has("extra_fields"):
                wrapped[EXTRA_FIELD] = self.extra()
            return wrapped
        if not isinstance(data, dict) or not isinstance(data.get(documented), list):
            return data
        if choice == "bare":
            return data[documented]
        return {(choice if key == documented else key): item for key, item in data.items()}

    def frames(self, frames: list[StreamFrame]) -> list[StreamFrame]:
        odd = self.has("odd_frames")
        out: list[StreamFrame] = []
        if odd:
            out += [StreamFrame(b": sandbox drift: a comment line\n\n"), StreamFrame(b"retry: 3000\n\n")]
        empty_delta_sent = False
        for frame in frames:
            payload = _frame_json(frame)
            if payload is None:
                out.append(frame)
                continue
            is_done = payload.get("event") == "done"
            if is_done and self.has("null_content"):
                payload = {**payload, "content": None}
            data = sse_frame(self.value(payload))
            if odd:
                data = b"event: message\nid: %d\n" % (len(out) + 1) + data
                if is_done:
                    data = data.replace(b"\n", b"\r\n")
            out.append(StreamFrame(data, delay=frame.delay))
            if odd and not empty_delta_sent and isinstance(payload.get("delta"), str) and payload["delta"]:
                empty_delta_sent = True
                out.append(StreamFrame(sse_frame(self.value({**payload, "delta": ""}))))
        return out


def _frame_json(frame: StreamFrame) -> dict[str, Any] | None:
    """The JSON object a ``data: {...}`` frame carries; None for anything else ([DONE], cuts, junk)."""
    if frame.cut or not frame.data.startswith(b"data: ") or not frame.data.endswith(b"\n\n"):
        return None
    try:
        payload = json.loads(frame.data[6:])
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _epoch(value: str) -> Any:
    if not _ISO.match(value):
        return value
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def _seeded(seed: int, salt: str, options: tuple[ListKey, ...]) -> ListKey:
    digest = hashlib.sha256(f"{seed}:{salt}".encode()).digest()
    return options[digest[0] % len(options)]


def _drift_response(
    drift: Drift, current: DriftState, method: str, api_path: str, response: SandboxResponse
) -> bool:
    """Drift ``response`` in place; whether it was a response that drifts (2xx JSON or a stream)."""
    if not 200 <= response.status < 300:
        return False
    shaper = _Shaper(drift, current)
    if response.frames is not None:
        response.frames = shaper.frames(response.frames)
        return True
    if not (response.header("Content-Type") or "").startswith("application/json"):
        return False
    try:
        data = json.loads(response.body)
    except ValueError:
        return False
    response.body = dumps(shaper.body(method, api_path, data))
    return True


# -- control API ------------------------------------------------------------------------------------


def _view(state: SandboxState) -> dict[str, Any]:
    drift = drift_state(state).drift
    return {"drift": None if drift is None else drift.to_dict()}


@CONTROL_ROUTES.route("GET", "/drift")
def get_drift(ctx: RequestContext) -> SandboxResponse:
    """The active drift (``{"drift": null}`` when off)."""
    return json_response(_view(ctx.state))


@CONTROL_ROUTES.route("POST", "/drift")
def start_drift(ctx: RequestContext) -> SandboxResponse:
    """Turn drift on: ``{"kinds": [...], "path", "times", "seed", "list_key"}`` (no body: every kind)."""
    body: Any = ctx.json_body() if ctx.request.body.strip() else {}
    if not isinstance(body, dict):
        raise ApiError(400, "Request body must be a JSON object")
    try:
        set_drift(ctx.state, drift_from_mapping(body))
    except (ValueError, TypeError) as exc:
        raise ApiError(400, f"Invalid drift: {exc}") from None
    return json_response({"ok": True, **_view(ctx.state)})


@CONTROL_ROUTES.route("DELETE", "/drift")
def stop_drift(ctx: RequestContext) -> SandboxResponse:
    """Turn drift off (integer ids already handed out keep working)."""
    set_drift(ctx.state, None)
    return json_response({"ok": True, "drift": None})
