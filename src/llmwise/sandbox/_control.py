"""The control API under ``/_sandbox`` (no auth, never recorded, never faulted).

It lets a test in another process script the server::

    POST /_sandbox/reset
    GET|POST|DELETE /_sandbox/faults          POST body: {"type": "rate_limit", "times": 2, "retry_after": 1}
                                              or {"spec": "cut:after=3"} or a list of either
    GET|POST /_sandbox/models/{id}            POST body: {"latency", "fail_status", "fail_after_chunks",
                                              "fail_message", "text"} (replaces the behaviour)
    GET|DELETE /_sandbox/requests             recorded requests
    GET|POST /_sandbox/credits                POST body: {"credits": N}
    GET|POST /_sandbox/policy                 POST body: keys merged into the policy
    GET /_sandbox/history                     completed orchestration requests
    GET|POST|DELETE /_sandbox/drift           POST body: {"kinds": [...], "path", "times", "seed",
                                              "list_key"} (see llmwise.sandbox._drift)
    GET|POST /_sandbox/clock                  POST body: {"advance": seconds} (moves the sandbox's time)
    GET|DELETE /_sandbox/breakers             circuit breakers (see llmwise.sandbox._mesh); DELETE closes all
    GET|POST|DELETE /_sandbox/breakers/{id}   POST body: {"state": "open"} (trip) or {"state": "closed"}

Every POST must carry ``Content-Type: application/json``, with or without a body (else 415): a web
page can send a text/plain or form POST to 127.0.0.1 without a CORS preflight, but not a JSON one,
so no page a developer visits can reset or script a running sandbox.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import _mesh
from ._drift import DriftSpec, drift_from_mapping, set_drift
from ._faults import (
    CreditsSpec,
    FaultSpec,
    InvalidJSONSpec,
    ModelBehaviour,
    ModelSpec,
    PolicySpec,
    fault_from_mapping,
    parse_spec,
)
from ._http import ApiError, RequestContext, SandboxResponse, json_response
from ._routing import CONTROL_ROUTES
from ._state import SandboxState
from ._structured import faults as structured_faults
from ._structured import parse_invalid_json_options

_BEHAVIOUR_KEYS = ("latency", "fail_status", "fail_after_chunks", "fail_message", "text")


def apply_spec(state: SandboxState, spec: str) -> None:
    """Apply one ``--fault`` SPEC string (raises ValueError on a bad spec)."""
    parsed = parse_spec(spec)
    if isinstance(parsed, FaultSpec):
        state.add_fault(parsed.fault)
    elif isinstance(parsed, ModelSpec):
        # Specs accumulate, so `model:x:fail=429` and `model:x:latency=2` combine.
        current = state.behaviour(parsed.model)
        state.set_model(parsed.model, replace(current, **parsed.changes))
    elif isinstance(parsed, CreditsSpec):
        state.ledger.set_balance(parsed.credits)
    elif isinstance(parsed, PolicySpec):
        state.policy.update(parsed.changes)
    elif isinstance(parsed, DriftSpec):
        set_drift(state, parsed.drift)
    elif isinstance(parsed, InvalidJSONSpec):
        structured_faults(state).add(parsed.fault)


def _object(ctx: RequestContext) -> dict[str, Any]:
    if not ctx.request.body.strip():
        return {}
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "Request body must be a JSON object")
    return body


def _faults_view(state: SandboxState) -> dict[str, Any]:
    # `invalid_json` faults are a queue of their own (they apply to answers, not requests): listed last.
    views = [fault.to_dict() for fault in state.faults]
    return {"faults": [*views, *(fault.to_dict() for fault in structured_faults(state).queue)]}


@CONTROL_ROUTES.route("GET", "/")
def index(ctx: RequestContext) -> SandboxResponse:
    """The list of control endpoints."""
    return json_response({"control_endpoints": [f"{r.method} /_sandbox{r.pattern}" for r in CONTROL_ROUTES]})


@CONTROL_ROUTES.route("POST", "/reset")
def reset(ctx: RequestContext) -> SandboxResponse:
    """Back to the constructor's state."""
    ctx.state.reset()
    return json_response({"ok": True, "credits": ctx.state.ledger.balance})


@CONTROL_ROUTES.route("GET", "/faults")
def list_faults(ctx: RequestContext) -> SandboxResponse:
    """Pending faults, in consumption order."""
    return json_response(_faults_view(ctx.state))


@CONTROL_ROUTES.route("POST", "/faults")
def add_faults(ctx: RequestContext) -> SandboxResponse:
    """Queue one fault (object) or several (list); ``{"spec": "..."}`` uses the CLI mini-language."""
    body = ctx.json_body()
    items = body if isinstance(body, list) else [body]
    try:
        for item in items:
            if not isinstance(item, dict):
                raise ValueError("a fault must be a JSON object")
            if "spec" in item:
                if not isinstance(item["spec"], str):
                    raise ValueError("'spec' must be a string")
                apply_spec(ctx.state, item["spec"])
            elif item.get("type") == "drift":
                set_drift(ctx.state, drift_from_mapping(item))
            elif item.get("type") == "invalid_json":
                options = {k: str(v) for k, v in item.items() if k != "type" and v is not None}
                structured_faults(ctx.state).add(parse_invalid_json_options(options))
            else:
                ctx.state.add_fault(fault_from_mapping(item))
    except (ValueError, TypeError) as exc:
        raise ApiError(400, f"Invalid fault: {exc}") from None
    return json_response({"ok": True, **_faults_view(ctx.state)})


@CONTROL_ROUTES.route("DELETE", "/faults")
def clear_faults(ctx: RequestContext) -> SandboxResponse:
    """Drop every pending fault and stop drift."""
    ctx.state.faults.clear()
    structured_faults(ctx.state).queue.clear()
    set_drift(ctx.state, None)
    return json_response({"ok": True, "faults": []})


def _model_view(ctx: RequestContext, model_id: str) -> dict[str, Any]:
    return {"id": model_id, **ctx.state.behaviour(model_id).to_dict()}


@CONTROL_ROUTES.route("GET", "/models/{model_id}")
def get_model(ctx: RequestContext) -> SandboxResponse:
    """A model's configured behaviour."""
    model_id = ctx.params["model_id"]
    if not ctx.state.is_known_model(model_id):
        raise ApiError(404, f"Unknown model {model_id!r}")
    return json_response(_model_view(ctx, model_id))


@CONTROL_ROUTES.route("POST", "/models/{model_id}")
def set_model(ctx: RequestContext) -> SandboxResponse:
    """Replace a model's behaviour (an empty body restores the defaults)."""
    model_id = ctx.params["model_id"]
    if not ctx.state.is_known_model(model_id):
        raise ApiError(404, f"Unknown model {model_id!r}")
    body = _object(ctx)
    unknown = sorted(set(body) - set(_BEHAVIOUR_KEYS))
    if unknown:
        raise ApiError(
            400, f"Unknown model option(s): {', '.join(unknown)} (allowed: {', '.join(_BEHAVIOUR_KEYS)})"
        )
    try:
        ctx.state.set_model(model_id, ModelBehaviour(**body))
    except (ValueError, TypeError) as exc:
        raise ApiError(400, f"Invalid model behaviour: {exc}") from None
    return json_response({"ok": True, **_model_view(ctx, model_id)})


@CONTROL_ROUTES.route("GET", "/requests")
def list_requests(ctx: RequestContext) -> SandboxResponse:
    """Recorded ``/api/v1`` requests, oldest first."""
    return json_response({"requests": [r.to_dict() for r in ctx.state.requests]})


@CONTROL_ROUTES.route("DELETE", "/requests")
def clear_requests(ctx: RequestContext) -> SandboxResponse:
    """Forget recorded requests."""
    ctx.state.requests.clear()
    return json_response({"ok": True, "requests": []})


@CONTROL_ROUTES.route("GET", "/credits")
def get_credits(ctx: RequestContext) -> SandboxResponse:
    """The balance and its transactions."""
    ledger = ctx.state.ledger
    return json_response(
        {"credits": ledger.balance, "transactions": [t.to_dict() for t in ledger.transactions]}
    )


@CONTROL_ROUTES.route("POST", "/credits")
def set_credits(ctx: RequestContext) -> SandboxResponse:
    """Set the balance: ``{"credits": N}``."""
    credits = _object(ctx).get("credits")
    if isinstance(credits, bool) or not isinstance(credits, int):
        raise ApiError(400, "'credits' must be an integer")
    ctx.state.ledger.set_balance(credits)
    return json_response({"ok": True, "credits": ctx.state.ledger.balance})


@CONTROL_ROUTES.route("GET", "/policy")
def get_policy(ctx: RequestContext) -> SandboxResponse:
    """The optimization policy (``max_fallbacks`` drives auto failover)."""
    return json_response(ctx.state.policy)


@CONTROL_ROUTES.route("POST", "/policy")
def update_policy(ctx: RequestContext) -> SandboxResponse:
    """Merge keys into the policy."""
    ctx.state.policy.update(_object(ctx))
    return json_response({"ok": True, **ctx.state.policy})


@CONTROL_ROUTES.route("GET", "/history")
def list_history(ctx: RequestContext) -> SandboxResponse:
    """Completed orchestration requests, oldest first."""
    return json_response({"history": [h.to_dict() for h in ctx.state.history]})


@CONTROL_ROUTES.route("GET", "/clock")
def get_clock(ctx: RequestContext) -> SandboxResponse:
    """The sandbox's time (monotonic seconds) and how far ``advance`` moved it."""
    clock = ctx.state.clock
    return json_response({"now": clock(), "advanced": clock.offset})


@CONTROL_ROUTES.route("POST", "/clock")
def advance_clock(ctx: RequestContext) -> SandboxResponse:
    """Move the sandbox's time forward: ``{"advance": 30}``."""
    seconds: Any = _object(ctx).get("advance")
    try:
        ctx.state.clock.advance(seconds)
    except ValueError as exc:
        raise ApiError(400, f"'advance': {exc}") from None
    return json_response({"ok": True, "now": ctx.state.clock(), "advanced": ctx.state.clock.offset})


def _breaker_model(ctx: RequestContext) -> str:
    model_id = ctx.params["model_id"]
    if model_id == "auto" or not ctx.state.is_known_model(model_id):
        raise ApiError(404, f"Unknown model {model_id!r}")
    return model_id


@CONTROL_ROUTES.route("GET", "/breakers")
def list_breakers(ctx: RequestContext) -> SandboxResponse:
    """Every breaker that saw a failure or was tripped, with the thresholds."""
    return json_response(_mesh.views(ctx.state))


@CONTROL_ROUTES.route("DELETE", "/breakers")
def reset_breakers(ctx: RequestContext) -> SandboxResponse:
    """Close and forget every breaker."""
    _mesh.reset_breakers(ctx.state)
    return json_response({"ok": True, **_mesh.views(ctx.state)})


@CONTROL_ROUTES.route("GET", "/breakers/{model_id}")
def get_breaker(ctx: RequestContext) -> SandboxResponse:
    """One model's breaker (closed when it never failed)."""
    return json_response(_mesh.view(ctx.state, _breaker_model(ctx)))


@CONTROL_ROUTES.route("POST", "/breakers/{model_id}")
def set_breaker(ctx: RequestContext) -> SandboxResponse:
    """``{"state": "open"}`` trips the breaker now; ``{"state": "closed"}`` closes and forgets it."""
    model_id = _breaker_model(ctx)
    wanted = _object(ctx).get("state")
    if wanted == "open":
        _mesh.trip(ctx.state, model_id)
    elif wanted == "closed":
        _mesh.reset_breakers(ctx.state, model_id)
    else:
        raise ApiError(400, "'state' must be 'open' (trip the breaker) or 'closed' (reset it)")
    return json_response({"ok": True, **_mesh.view(ctx.state, model_id)})


@CONTROL_ROUTES.route("DELETE", "/breakers/{model_id}")
def reset_breaker(ctx: RequestContext) -> SandboxResponse:
    """Close and forget one model's breaker."""
    model_id = _breaker_model(ctx)
    _mesh.reset_breakers(ctx.state, model_id)
    return json_response({"ok": True, **_mesh.view(ctx.state, model_id)})
