"""Injectable faults and per-model behaviour, plus the ``--fault SPEC`` mini-language.

One vocabulary serves three front ends: the Python methods of :class:`~llmwise.sandbox.Sandbox`,
the control API (``POST /_sandbox/faults``) and the command line (``--fault SPEC``).
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Union

if TYPE_CHECKING:
    from ._drift import DriftSpec

FaultKind = Literal["rate_limit", "server_error", "cut_stream", "malformed_frame", "unknown_event"]

STREAM_FAULTS: frozenset[str] = frozenset({"cut_stream", "malformed_frame", "unknown_event"})

# Short names accepted by the spec language and the control API.
_KIND_ALIASES: dict[str, FaultKind] = {
    "rate_limit": "rate_limit",
    "ratelimit": "rate_limit",
    "429": "rate_limit",
    "server_error": "server_error",
    "5xx": "server_error",
    "cut_stream": "cut_stream",
    "cut": "cut_stream",
    "malformed_frame": "malformed_frame",
    "malformed": "malformed_frame",
    "unknown_event": "unknown_event",
    "unknown": "unknown_event",
}

# Parameter aliases: spec/control-API name -> Fault attribute.
_PARAM_ALIASES = {
    "times": "times",
    "path": "path",
    "retry_after": "retry_after",
    "status": "status",
    "after": "after_events",
    "after_events": "after_events",
    "payload": "payload",
}

API_PREFIX = "/api/v1"

TextSource = Union[str, Callable[[Sequence[Mapping[str, Any]]], str]]


def normalize_path(path: str) -> str:
    """``"chat"``, ``"/chat/"`` and ``"/api/v1/chat"`` all become ``"/chat"``."""
    path = "/" + path.strip().strip("/")
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        path = path[len(API_PREFIX) :] or "/"
    return path


@dataclass
class Fault:
    """A queued fault. ``times`` counts down as matching requests consume it."""

    kind: FaultKind
    times: int = 1
    path: str | None = None
    retry_after: float = 1.0
    status: int = 503
    after_events: int = 1
    payload: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KIND_ALIASES.values():
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1:
            raise ValueError("times must be an integer >= 1")
        if (
            isinstance(self.after_events, bool)
            or not isinstance(self.after_events, int)
            or self.after_events < 0
        ):
            raise ValueError("after_events must be an integer >= 0")
        if not isinstance(self.retry_after, (int, float)) or self.retry_after < 0:
            raise ValueError("retry_after must be a number of seconds >= 0")
        if isinstance(self.status, bool) or not isinstance(self.status, int) or not 400 <= self.status <= 599:
            raise ValueError("status must be an HTTP error status (400-599; usually 5xx)")
        if self.payload is not None and not isinstance(self.payload, dict):
            raise ValueError("payload must be a JSON object")
        if self.path is not None:
            self.path = normalize_path(self.path)

    @property
    def is_stream_fault(self) -> bool:
        """Cut/malformed/unknown faults only apply to SSE responses."""
        return self.kind in STREAM_FAULTS

    def matches(self, api_path: str) -> bool:
        """Whether this fault applies to ``api_path`` (relative to ``/api/v1``; globs allowed)."""
        return self.path is None or fnmatch.fnmatchcase(api_path, self.path)

    @property
    def retry_after_header(self) -> str:
        """``Retry-After`` is whole seconds, rounded up (HTTP allows no fractions)."""
        return str(math.ceil(self.retry_after))

    def to_dict(self) -> dict[str, Any]:
        """A JSON view (as listed by ``GET /_sandbox/faults``)."""
        data: dict[str, Any] = {"type": self.kind, "times": self.times, "path": self.path}
        if self.kind == "rate_limit":
            data["retry_after"] = self.retry_after
        elif self.kind == "server_error":
            data["status"] = self.status
        else:
            data["after_events"] = self.after_events
        if self.kind == "unknown_event":
            data["payload"] = self.payload
        return data


@dataclass
class ModelBehaviour:
    """How one model behaves. ``fail_status`` without ``fail_after_chunks`` fails before any output."""

    latency: float | None = None
    fail_status: int | None = None
    fail_after_chunks: int | None = None
    fail_message: str | None = None
    text: TextSource | None = None

    def __post_init__(self) -> None:
        if self.latency is not None and (not isinstance(self.latency, (int, float)) or self.latency < 0):
            raise ValueError("latency must be a number of seconds >= 0")
        if self.fail_status is not None and (
            isinstance(self.fail_status, bool)
            or not isinstance(self.fail_status, int)
            or not 400 <= self.fail_status <= 599
        ):
            raise ValueError("fail_status must be an HTTP error status (400-599)")
        if self.fail_after_chunks is not None:
            if (
                isinstance(self.fail_after_chunks, bool)
                or not isinstance(self.fail_after_chunks, int)
                or self.fail_after_chunks < 0
            ):
                raise ValueError("fail_after_chunks must be an integer >= 0")
            if self.fail_status is None:
                # Failing mid-stream needs a status to report; 500 is the neutral choice.
                self.fail_status = 500
        if self.text is not None and not (isinstance(self.text, str) or callable(self.text)):
            raise ValueError("text must be a string or a callable(messages) -> str")

    def to_dict(self) -> dict[str, Any]:
        """A JSON view (callable texts show as ``"<callable>"``)."""
        text: Any = self.text if isinstance(self.text, str) or self.text is None else "<callable>"
        return {
            "latency": self.latency,
            "fail_status": self.fail_status,
            "fail_after_chunks": self.fail_after_chunks,
            "fail_message": self.fail_message,
            "text": text,
        }


def fault_kind(name: str) -> FaultKind:
    """Resolve a fault name or alias (``cut`` -> ``cut_stream``)."""
    try:
        return _KIND_ALIASES[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted({"rate_limit", "server_error", "cut", "malformed", "unknown_event"}))
        raise ValueError(f"unknown fault {name!r} (known: {known})") from None


def fault_from_mapping(data: Mapping[str, Any]) -> Fault:
    """Build a fault from a control-API JSON object such as ``{"type": "rate_limit", "times": 2}``."""
    kind_name = data.get("type", data.get("kind"))
    if not isinstance(kind_name, str):
        raise ValueError("a fault needs a 'type' (rate_limit, server_error, cut, malformed, unknown_event)")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("type", "kind"):
            continue
        try:
            kwargs[_PARAM_ALIASES[key]] = value
        except KeyError:
            raise ValueError(f"unknown fault parameter {key!r}") from None
    return Fault(fault_kind(kind_name), **kwargs)


@dataclass
class FaultSpec:
    """``rate_limit:times=2`` and friends."""

    fault: Fault


@dataclass
class ModelSpec:
    """``model:<id>:fail=429,after=2,latency=0.5,message=...,text=...``."""

    model: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class CreditsSpec:
    """``credits:<n>``."""

    credits: int


@dataclass
class InvalidJSONSpec:
    """``invalid_json[:times=N,kind=K,model=M]`` (see ``_structured``)."""

    fault: Any


@dataclass
class PolicySpec:
    """``policy:max_fallbacks=2``."""

    changes: dict[str, Any] = field(default_factory=dict)


Spec = Union[FaultSpec, ModelSpec, CreditsSpec, PolicySpec, InvalidJSONSpec, "DriftSpec"]

SPEC_HELP = """\
fault SPEC mini-language (repeat --fault to combine; faults are consumed in order):
  rate_limit[:times=N,retry_after=S,path=P]   next N requests -> 429 + Retry-After (default N=1, S=1)
  server_error[:status=N,times=N,path=P]      next N requests -> HTTP 5xx JSON error (default 503)
  cut[:after=K,times=N,path=P]                next N streams: connection cut after K SSE frames
  malformed[:after=K,times=N,path=P]          inject 'data: {not json' after K frames
  unknown_event[:after=K,times=N,path=P]      inject {"event":"sandbox_mystery",...} after K frames
  model:ID:fail=STATUS[,after=K][,message=M]  model ID fails with STATUS (after K chunks if given)
  model:ID:latency=S                          model ID waits S seconds between chunks
  model:ID:text=T                             model ID always answers T
  credits:N                                   set the credit balance (credits:0 -> 402s)
  policy:max_fallbacks=N                      auto requests fail over along N fallback models
  invalid_json[:times=N,kind=K,model=M]       next N answers to the SDK's parse() do not validate
                                              (K: schema (default), syntax or prose; M: one model)
  drift[:kinds=K,...][,path=P,times=N,seed=S,list_key=L]
                                              serve the same data in drifted shapes (default: all
                                              kinds, every response) to test code against shape drift:
      epoch         *_at ISO timestamps -> epoch seconds
      int_ids       issued ids (conv_..., req_...) -> integers; integers sent back still work
      list_keys     list key -> data/items, or a bare array (L: data, items or bare; default seeded)
      extra_fields  an unknown "x_drift" field in every object (bodies and stream events)
      null_content  chat/blend "content": null (streams still send deltas; done gets content: null)
      odd_frames    legal but unusual SSE: comments, retry:/event:/id: fields, an empty delta, CRLF
P is an API path relative to /api/v1 such as /chat (globs allowed); default: any path.
examples: rate_limit:times=2,retry_after=1  server_error:status=503  cut:after=3
          model:gpt-5.2:fail=429  model:gpt-5.2:latency=2  credits:0
          drift  drift:kinds=epoch,int_ids  drift:list_keys,path=/conversations*,times=3"""


def _number(key: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{key} must be a number, got {raw!r}") from None


def _integer(key: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{key} must be an integer, got {raw!r}") from None


def _params(text: str) -> dict[str, str]:
    params: dict[str, str] = {}
    if not text:
        return params
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"expected key=value, got {item!r}")
        params[key.strip()] = value.strip()
    return params


def parse_spec(spec: str) -> Spec:
    """Parse one ``--fault`` SPEC (see :data:`SPEC_HELP`)."""
    spec = spec.strip()
    head, _, rest = spec.partition(":")
    head = head.strip().lower()
    if head == "credits":
        return CreditsSpec(_integer("credits", rest.strip()))
    if head == "policy":
        policy: dict[str, Any] = {}
        for key, value in _params(rest).items():
            policy[key] = _integer(key, value) if key == "max_fallbacks" else value
        return PolicySpec(policy)
    if head == "drift":
        from ._drift import DriftSpec, parse_drift_options  # _drift imports this module

        return DriftSpec(parse_drift_options(rest))
    if head == "invalid_json":
        from ._structured import parse_invalid_json_options

        return InvalidJSONSpec(parse_invalid_json_options(_params(rest)))
    if head == "model":
        model, sep, options = rest.partition(":")
        if not model.strip() or not sep:
            raise ValueError("expected model:<id>:<key>=<value>[,...]")
        changes: dict[str, Any] = {}
        for key, value in _params(options).items():
            if key in ("fail", "fail_status", "status"):
                changes["fail_status"] = _integer(key, value)
            elif key in ("after", "fail_after_chunks"):
                changes["fail_after_chunks"] = _integer(key, value)
            elif key == "latency":
                changes["latency"] = _number(key, value)
            elif key in ("message", "fail_message"):
                changes["fail_message"] = value
            elif key == "text":
                changes["text"] = value
            else:
                raise ValueError(f"unknown model option {key!r} (fail, after, latency, message, text)")
        if not changes:
            raise ValueError("model spec needs at least one option, e.g. model:gpt-5.2:fail=429")
        return ModelSpec(model.strip(), changes)
    kind = fault_kind(head)
    kwargs: dict[str, Any] = {}
    for key, value in _params(rest).items():
        name = _PARAM_ALIASES.get(key)
        if name in ("times", "status", "after_events"):
            kwargs[name] = _integer(key, value)
        elif name == "retry_after":
            kwargs[name] = _number(key, value)
        elif name == "path":
            kwargs[name] = value
        else:
            raise ValueError(f"unknown option {key!r} for {kind}")
    return FaultSpec(Fault(kind, **kwargs))
