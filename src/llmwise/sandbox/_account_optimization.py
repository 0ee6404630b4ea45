"""Optimization: policy, report, snapshots, alerts, evaluate, replay, test suites, runs, schedules.

Wire shapes: ``docs/account-wire.md``. The policy is ``state.policy`` itself, the dict auto routing
reads (``max_fallbacks > 0`` makes ``model="auto"`` fail over). Reports, alerts and replays are
computed from the history, deterministically; test runs use the sandbox's model text (and honour
``Sandbox.set_model``) without charging credits or adding history entries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._account_util import (
    DAY_SECONDS,
    bad,
    body_bool,
    body_enum,
    body_list,
    body_number,
    body_str,
    iso,
    newest_first,
    not_found,
    now,
    optional_body,
    page,
    q_bool,
    q_days,
    q_enum,
    q_int,
    q_limit,
    reject_unknown,
    within_days,
)
from ._catalogue import AUTO
from ._engine import ms, plan
from ._http import RequestContext, SandboxResponse, json_response
from ._routing import API_ROUTES
from ._state import HistoryEntry, SandboxState, new_id
from ._text import count_words
from ._validation import GOALS, model_id

CADENCES = ("daily", "weekly")
POLICY_FIELDS = ("goal", "max_fallbacks", "allowed_models", "blocked_models", "max_cost_per_request_usd")
MAX_FALLBACKS = 5
ALERT_SUCCESS_RATE = 0.8
CRITICAL_SUCCESS_RATE = 0.5
MAX_CASES = 100
MAX_SUITE_MODELS = 9


def _policy_defaults() -> dict[str, Any]:
    return {
        "goal": "balanced",
        "max_fallbacks": 0,
        "allowed_models": [],
        "blocked_models": [],
        "max_cost_per_request_usd": None,
        "updated_at": None,
    }


def policy_view(state: SandboxState) -> dict[str, Any]:
    """The documented policy: defaults overlaid with ``state.policy``."""
    view = _policy_defaults()
    view.update(state.policy)
    for key in ("allowed_models", "blocked_models"):
        view[key] = list(view[key] or [])
    return view


# -- per-sandbox store ----------------------------------------------------------------------------


@dataclass
class SuiteCase:
    prompt: str
    expected_contains: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"prompt": self.prompt}
        if self.expected_contains is not None:
            data["expected_contains"] = self.expected_contains
        return data


@dataclass
class Suite:
    id: str
    name: str
    description: str
    cases: list[SuiteCase]
    models: list[str]
    created_at: float = field(default_factory=now)
    updated_at: float = 0.0

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "cases": [c.to_dict() for c in self.cases],
            "models": list(self.models),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


@dataclass
class CaseResult:
    prompt: str
    model: str
    passed: bool
    output: str
    latency_ms: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "prompt": self.prompt,
            "model": self.model,
            "passed": self.passed,
            "output": self.output,
            "latency_ms": self.latency_ms,
        }


@dataclass
class SuiteRun:
    id: str
    suite_id: str
    schedule_id: str | None
    results: list[CaseResult]
    created_at: float = field(default_factory=now)

    def to_dict(self) -> dict[str, Any]:
        passed = sum(r.passed for r in self.results)
        data: dict[str, Any] = {"id": self.id, "suite_id": self.suite_id}
        if self.schedule_id is not None:
            data["schedule_id"] = self.schedule_id
        data.update(
            {
                "status": "completed",
                "passed": passed,
                "failed": len(self.results) - passed,
                "results": [r.to_dict() for r in self.results],
                "created_at": iso(self.created_at),
            }
        )
        return data


@dataclass
class Schedule:
    id: str
    suite_id: str
    cadence: str
    enabled: bool
    last_run_id: str | None = None
    created_at: float = field(default_factory=now)
    next_run_at: float = 0.0

    def __post_init__(self) -> None:
        self.next_run_at = self.next_run_at or self.created_at + self.period

    @property
    def period(self) -> float:
        return DAY_SECONDS * (7 if self.cadence == "weekly" else 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "suite_id": self.suite_id,
            "cadence": self.cadence,
            "enabled": self.enabled,
            "next_run_at": iso(self.next_run_at),
            "last_run_id": self.last_run_id,
            "created_at": iso(self.created_at),
        }


class Optimization:
    """Snapshots, alerts, suites, runs and schedules (each oldest first)."""

    def __init__(self) -> None:
        self.snapshots: list[dict[str, Any]] = []
        self.alerts: list[dict[str, Any]] = []
        self.suites: dict[str, Suite] = {}
        self.runs: list[SuiteRun] = []
        self.schedules: dict[str, Schedule] = {}

    def suite(self, suite_id: str) -> Suite:
        try:
            return self.suites[suite_id]
        except KeyError:
            raise not_found("Test suite", suite_id) from None

    def schedule(self, schedule_id: str) -> Schedule:
        try:
            return self.schedules[schedule_id]
        except KeyError:
            raise not_found("Regression schedule", schedule_id) from None


# -- policy ---------------------------------------------------------------------------------------


def _policy_model(state: SandboxState) -> Callable[[Any, str], str]:
    """A list-item validator: a catalogue model id (not ``auto``), errors naming ``field[i]``."""

    def check(value: Any, where: str) -> str:
        return model_id(state, value, where)

    return check


@API_ROUTES.route("GET", "/optimization/policy")
def get_policy(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/policy``."""
    return json_response(policy_view(ctx.state))


@API_ROUTES.route("PUT", "/optimization/policy")
def update_policy(ctx: RequestContext) -> SandboxResponse:
    """``PUT /optimization/policy``: a partial policy; unknown fields and bad values are 400."""
    body = {k: v for k, v in ctx.json_object().items() if k != "updated_at"}
    reject_unknown(body, POLICY_FIELDS, "policy")
    changes: dict[str, Any] = {}
    if "goal" in body:
        if body["goal"] not in GOALS:
            raise bad(f"'goal' must be one of {', '.join(GOALS)}, got {body['goal']!r}")
        changes["goal"] = body["goal"]
    if "max_fallbacks" in body:
        value = body["max_fallbacks"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FALLBACKS:
            raise bad(f"'max_fallbacks' must be an integer between 0 and {MAX_FALLBACKS}, got {value!r}")
        changes["max_fallbacks"] = value
    for key in ("allowed_models", "blocked_models"):
        if key in body:
            models = body_list(body, key, _policy_model(ctx.state)) or []
            changes[key] = list(dict.fromkeys(models))
    if "max_cost_per_request_usd" in body:
        changes["max_cost_per_request_usd"] = body_number(body, "max_cost_per_request_usd", 0, 1000)
    ctx.state.policy.update(changes)
    ctx.state.policy["updated_at"] = iso(now())
    return json_response(policy_view(ctx.state))


# -- statistics from the history ------------------------------------------------------------------


@dataclass
class ModelStats:
    model: str
    calls: int = 0
    ok: int = 0
    latency_ms: int = 0
    cost: float = 0.0

    @property
    def avg_latency_ms(self) -> int:
        return round(self.latency_ms / self.calls) if self.calls else 0

    @property
    def success_rate(self) -> float:
        return round(self.ok / self.calls, 4) if self.calls else 0.0

    @property
    def avg_cost_usd(self) -> float:
        return round(self.cost / self.calls, 8) if self.calls else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "calls": self.calls,
            "avg_latency_ms": self.avg_latency_ms,
            "success_rate": self.success_rate,
            "avg_cost_usd": self.avg_cost_usd,
        }


def attempted_models(entry: HistoryEntry) -> list[str]:
    """The models a request ran: auto -> the resolved model; mesh -> the chain up to the final model."""
    if entry.mode == "auto":
        return [entry.resolved_model] if entry.resolved_model else []
    models = list(dict.fromkeys(entry.models))
    if entry.mode == "mesh" and entry.resolved_model in models:
        return models[: models.index(entry.resolved_model) + 1]
    return [m for m in models if m != AUTO]


def model_stats(entries: Iterable[HistoryEntry]) -> dict[str, ModelStats]:
    """Per-model calls, successes, latency and cost (a request's cost is split over its models)."""
    stats: dict[str, ModelStats] = {}
    for entry in entries:
        models = attempted_models(entry)
        for model in models:
            row = stats.setdefault(model, ModelStats(model))
            row.calls += 1
            row.ok += model in entry.responses
            row.latency_ms += entry.latency_ms
            row.cost += entry.cost / len(models)
    return stats


def rank(rows: Sequence[ModelStats], goal: str) -> list[ModelStats]:
    """Best first for ``goal`` (ties by model id)."""
    if goal == "latency":
        return sorted(rows, key=lambda r: (r.avg_latency_ms, -r.success_rate, r.avg_cost_usd, r.model))
    if goal == "cost":
        return sorted(rows, key=lambda r: (r.avg_cost_usd, -r.success_rate, r.avg_latency_ms, r.model))
    if goal == "reliability":
        return sorted(rows, key=lambda r: (-r.success_rate, r.avg_latency_ms, r.avg_cost_usd, r.model))
    top_latency = max((r.avg_latency_ms for r in rows), default=0) or 1
    top_cost = max((r.avg_cost_usd for r in rows), default=0.0) or 1.0

    def balanced(row: ModelStats) -> float:
        value = row.success_rate - 0.5 * row.avg_latency_ms / top_latency - 0.5 * row.avg_cost_usd / top_cost
        return round(value, 6)

    return sorted(rows, key=lambda r: (-balanced(r), r.model))


def apply_policy(state: SandboxState, rows: Iterable[ModelStats]) -> list[ModelStats]:
    """Drop models the policy excludes (allowed/blocked lists, cost ceiling)."""
    policy = policy_view(state)
    allowed, blocked = set(policy["allowed_models"]), set(policy["blocked_models"])
    ceiling = policy["max_cost_per_request_usd"]
    return [
        r
        for r in rows
        if (not allowed or r.model in allowed)
        and r.model not in blocked
        and (ceiling is None or r.avg_cost_usd <= ceiling)
    ]


def _window(state: SandboxState, days: int) -> list[HistoryEntry]:
    moment = now()
    return [e for e in state.history if within_days(e.created_at, days, moment)]


@API_ROUTES.route("GET", "/optimization/report")
def report(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/report?goal=balanced&days=30&min_calls_per_model=3&use_policy=true&persist_snapshot=false``."""
    goal = q_enum(ctx, "goal", GOALS, "balanced") or "balanced"
    days = q_days(ctx, 30)
    min_calls = q_int(ctx, "min_calls_per_model", 3, 1, 100_000)
    use_policy = q_bool(ctx, "use_policy", True)
    persist = q_bool(ctx, "persist_snapshot", False)
    rows = [r for r in model_stats(_window(ctx.state, days)).values() if r.calls >= min_calls]
    if use_policy:
        rows = apply_policy(ctx.state, rows)
    ranked = rank(rows, goal)
    recommended = ranked[0].model if ranked else None
    snapshot_id = None
    if persist:
        snapshot = {
            "id": new_id("snap"),
            "goal": goal,
            "recommended_model": recommended,
            "created_at": iso(now()),
        }
        ctx.state.component(Optimization).snapshots.append(snapshot)
        snapshot_id = snapshot["id"]
    return json_response(
        {
            "goal": goal,
            "days": days,
            "recommended_model": recommended,
            "models": [r.to_dict() for r in ranked],
            "snapshot_id": snapshot_id,
        }
    )


@API_ROUTES.route("GET", "/optimization/snapshots")
def snapshots(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/snapshots?limit=20&goal=`` (newest first)."""
    limit = q_limit(ctx, 20)
    goal = q_enum(ctx, "goal", GOALS)
    items = [
        s for s in newest_first(ctx.state.component(Optimization).snapshots) if goal in (None, s["goal"])
    ]
    return json_response({"snapshots": [dict(s) for s in page(items, limit)]})


# -- alerts ---------------------------------------------------------------------------------------


def _alert_candidates(state: SandboxState) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    stats = model_stats(_window(state, 30))
    for row in sorted(stats.values(), key=lambda r: r.model):
        if row.success_rate < ALERT_SUCCESS_RATE:
            severity = "critical" if row.success_rate < CRITICAL_SUCCESS_RATE else "warning"
            found.append(
                (
                    severity,
                    f"{row.model}: success rate {row.success_rate:.0%} over the last 30 days "
                    f"({row.ok}/{row.calls} calls)",
                )
            )
    return found


@API_ROUTES.route("POST", "/optimization/evaluate")
def evaluate(ctx: RequestContext) -> SandboxResponse:
    """``POST /optimization/evaluate``: raise an alert per model under 80% success (30 days)."""
    optional_body(ctx)
    store = ctx.state.component(Optimization)
    known = {alert["message"] for alert in store.alerts}
    evaluated_at = iso(now())
    created = 0
    for severity, message in _alert_candidates(ctx.state):
        if message in known:
            continue
        store.alerts.append(
            {"id": new_id("alert"), "severity": severity, "message": message, "created_at": evaluated_at}
        )
        created += 1
    return json_response({"status": "ok", "evaluated_at": evaluated_at, "alerts_created": created})


@API_ROUTES.route("GET", "/optimization/alerts")
def alerts(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/alerts?limit=12`` (newest first)."""
    limit = q_limit(ctx, 12)
    items = page(newest_first(ctx.state.component(Optimization).alerts), limit)
    return json_response({"alerts": [dict(a) for a in items]})


# -- replay ---------------------------------------------------------------------------------------


def _replay_param(
    ctx: RequestContext, body: dict[str, Any], name: str, default: int, low: int, high: int
) -> int:
    if body.get(name) is not None:
        value = body[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise bad(f"'{name}' must be an integer between {low} and {high}, got {value!r}")
        return value
    return q_int(ctx, name, default, low, high)


def _delta_pct(base: float, projected: float) -> float:
    return round((projected - base) / base * 100, 1) if base else 0.0


@API_ROUTES.route("POST", "/optimization/replay")
def replay(ctx: RequestContext) -> SandboxResponse:
    """``POST /optimization/replay``: project the policy goal's best model over recent requests."""
    body = optional_body(ctx)
    days = _replay_param(ctx, body, "days", 30, 1, 90)
    sample_size = _replay_param(ctx, body, "sample_size", 100, 20, 300)
    sample = newest_first(_window(ctx.state, days))[:sample_size]
    projected = {"cost_delta_pct": 0.0, "latency_delta_pct": 0.0, "success_rate_delta_pct": 0.0}
    ranked = rank(apply_policy(ctx.state, model_stats(sample).values()), policy_view(ctx.state)["goal"])
    if sample and ranked:
        best = ranked[0]
        base_cost = sum(e.cost for e in sample) / len(sample)
        base_latency = sum(e.latency_ms for e in sample) / len(sample)
        base_success = sum(e.status == "ok" for e in sample) / len(sample)
        projected = {
            "cost_delta_pct": _delta_pct(base_cost, best.avg_cost_usd),
            "latency_delta_pct": _delta_pct(base_latency, best.avg_latency_ms),
            "success_rate_delta_pct": _delta_pct(base_success, best.success_rate),
        }
    return json_response(
        {"days": days, "sample_size": sample_size, "sampled": len(sample), "projected": projected}
    )


# -- test templates, suites and runs --------------------------------------------------------------

TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "id": "tpl_smoke",
        "name": "Smoke test",
        "description": "Two short prompts every model should answer.",
        "cases": [{"prompt": "Say hello in one sentence."}, {"prompt": "What is 2 + 2?"}],
    },
    {
        "id": "tpl_support",
        "name": "Customer support",
        "description": "Support-style answers; each must contain the word 'the'.",
        "cases": [
            {"prompt": "A customer cannot log in. What should they try first?", "expected_contains": "the"},
            {"prompt": "Explain our refund policy politely.", "expected_contains": "the"},
        ],
    },
    {
        "id": "tpl_routing",
        "name": "Routing regression",
        "description": "Prompts that exercise code, long-form and short answers.",
        "cases": [
            {"prompt": "Write a Python function that reverses a string."},
            {"prompt": "Summarize the trade-offs of caching in two sentences."},
        ],
    },
)


def _case(value: Any, where: str) -> SuiteCase:
    if not isinstance(value, dict):
        raise bad(f"'{where}' must be an object with a 'prompt'")
    prompt = body_str(value, "prompt", required=True, label=f"{where}.prompt")
    expected = body_str(value, "expected_contains", label=f"{where}.expected_contains")
    assert prompt is not None
    return SuiteCase(prompt, expected or None)


def _suite_fields(ctx: RequestContext, body: dict[str, Any], *, create: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    name = body_str(body, "name", required=create or "name" in body, max_length=200)
    if name is not None:
        fields["name"] = name.strip()
    description = body_str(body, "description", max_length=2000)
    if description is not None:
        fields["description"] = description
    cases = body_list(body, "cases", _case, required=create, min_items=1)
    if cases is not None:
        if len(cases) > MAX_CASES:
            raise bad(f"'cases' must have at most {MAX_CASES} items")
        fields["cases"] = cases
    models = body_list(body, "models", _policy_model(ctx.state), min_items=1)
    if models is not None:
        if len(models) > MAX_SUITE_MODELS or len(set(models)) != len(models):
            raise bad(f"'models' must list 1-{MAX_SUITE_MODELS} distinct models")
        fields["models"] = models
    return fields


def _default_models(state: SandboxState) -> list[str]:
    return [next(m for m in state.catalogue if m != AUTO)]


@API_ROUTES.route("GET", "/optimization/test-templates")
def test_templates(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/test-templates``."""
    return json_response({"templates": [dict(t) for t in TEMPLATES]})


@API_ROUTES.route("GET", "/optimization/test-suites")
def list_suites(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/test-suites?limit=25`` (newest first)."""
    limit = q_limit(ctx, 25)
    items = page(newest_first(list(ctx.state.component(Optimization).suites.values())), limit)
    return json_response({"suites": [s.to_dict() for s in items]})


@API_ROUTES.route("POST", "/optimization/test-suites")
def create_suite(ctx: RequestContext) -> SandboxResponse:
    """``POST /optimization/test-suites``: ``name`` and at least one case are required."""
    fields = _suite_fields(ctx, ctx.json_object(), create=True)
    suite = Suite(
        id=new_id("suite"),
        name=fields["name"],
        description=fields.get("description", ""),
        cases=fields["cases"],
        models=fields.get("models") or _default_models(ctx.state),
    )
    ctx.state.component(Optimization).suites[suite.id] = suite
    return json_response(suite.to_dict())


@API_ROUTES.route("PUT", "/optimization/test-suites/{suite_id}")
def update_suite(ctx: RequestContext) -> SandboxResponse:
    """``PUT /optimization/test-suites/{id}``: fields given replace the stored ones."""
    suite = ctx.state.component(Optimization).suite(ctx.params["suite_id"])
    for key, value in _suite_fields(ctx, ctx.json_object(), create=False).items():
        setattr(suite, key, value)
    suite.updated_at = now()
    return json_response(suite.to_dict())


def run_suite(state: SandboxState, suite: Suite, schedule_id: str | None = None) -> SuiteRun:
    """Run every case on every model of ``suite`` (case order, then model order)."""
    results: list[CaseResult] = []
    for case in suite.cases:
        messages = [{"role": "user", "content": case.prompt}]
        for model in suite.models:
            gen = plan(state, model, messages, prompt=case.prompt, prompt_tokens=count_words(case.prompt))
            output = "" if gen.failed else gen.text
            if gen.failed:
                passed = False
            elif case.expected_contains is not None:
                passed = case.expected_contains.lower() in output.lower()
            else:
                passed = bool(output.strip())
            results.append(CaseResult(case.prompt, model, passed, output, ms(gen.duration)))
    run = SuiteRun(new_id("run"), suite.id, schedule_id, results)
    state.component(Optimization).runs.append(run)
    return run


@API_ROUTES.route("POST", "/optimization/test-suites/{suite_id}/run")
def run_suite_now(ctx: RequestContext) -> SandboxResponse:
    """``POST /optimization/test-suites/{id}/run``."""
    optional_body(ctx)
    suite = ctx.state.component(Optimization).suite(ctx.params["suite_id"])
    return json_response(run_suite(ctx.state, suite).to_dict())


@API_ROUTES.route("GET", "/optimization/test-runs")
def list_runs(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/test-runs?limit=20`` (newest first)."""
    limit = q_limit(ctx, 20)
    items = page(newest_first(ctx.state.component(Optimization).runs), limit)
    return json_response({"runs": [r.to_dict() for r in items]})


@API_ROUTES.route("GET", "/optimization/test-runs/{run_id}/csv")
def run_csv(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/test-runs/{id}/csv``: ``text/csv``, one row per result."""
    run_id = ctx.params["run_id"]
    run = next((r for r in ctx.state.component(Optimization).runs if r.id == run_id), None)
    if run is None:
        raise not_found("Test run", run_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["prompt", "model", "passed", "latency_ms", "output"])
    for result in run.results:
        writer.writerow(
            [
                result.prompt,
                result.model,
                "true" if result.passed else "false",
                result.latency_ms,
                result.output,
            ]
        )
    return SandboxResponse(
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{run.id}.csv"',
        },
        body=out.getvalue().encode("utf-8"),
    )


# -- regression schedules -------------------------------------------------------------------------


@API_ROUTES.route("GET", "/optimization/regression-schedules")
def list_schedules(ctx: RequestContext) -> SandboxResponse:
    """``GET /optimization/regression-schedules?limit=30`` (newest first)."""
    limit = q_limit(ctx, 30)
    items = page(newest_first(list(ctx.state.component(Optimization).schedules.values())), limit)
    return json_response({"schedules": [s.to_dict() for s in items]})


@API_ROUTES.route("POST", "/optimization/regression-schedules")
def create_schedule(ctx: RequestContext) -> SandboxResponse:
    """``POST /optimization/regression-schedules``: ``suite_id`` (404 unknown), ``cadence``, ``enabled``."""
    body = ctx.json_object()
    store = ctx.state.component(Optimization)
    suite_id = body_str(body, "suite_id", required=True)
    assert suite_id is not None
    cadence = body_enum(body, "cadence", CADENCES) or "daily"
    enabled = body_bool(body, "enabled")
    store.suite(suite_id)
    schedule = Schedule(new_id("sched"), suite_id, cadence, True if enabled is None else enabled)
    store.schedules[schedule.id] = schedule
    return json_response(schedule.to_dict())


@API_ROUTES.route("PUT", "/optimization/regression-schedules/{schedule_id}")
def update_schedule(ctx: RequestContext) -> SandboxResponse:
    """``PUT /optimization/regression-schedules/{id}``: any of ``suite_id``, ``cadence``, ``enabled``."""
    store = ctx.state.component(Optimization)
    schedule = store.schedule(ctx.params["schedule_id"])
    body = ctx.json_object()
    suite_id = body_str(body, "suite_id")
    cadence = body_enum(body, "cadence", CADENCES)
    enabled = body_bool(body, "enabled")
    if suite_id is not None:
        store.suite(suite_id)
        schedule.suite_id = suite_id
    if cadence is not None and cadence != schedule.cadence:
        schedule.cadence = cadence
        schedule.next_run_at = now() + schedule.period
    if enabled is not None:
        schedule.enabled = enabled
    return json_response(schedule.to_dict())


@API_ROUTES.route("POST", "/optimization/regression-schedules/{schedule_id}/run")
def run_schedule(ctx: RequestContext) -> SandboxResponse:
    """``POST /optimization/regression-schedules/{id}/run``: run its suite now."""
    optional_body(ctx)
    store = ctx.state.component(Optimization)
    schedule = store.schedule(ctx.params["schedule_id"])
    run = run_suite(ctx.state, store.suite(schedule.suite_id), schedule.id)
    schedule.last_run_id = run.id
    schedule.next_run_at = now() + schedule.period
    return json_response(run.to_dict())
