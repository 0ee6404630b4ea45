"""Optimization (`client.optimization`): the routing policy, reports, alerts, replay, prompt test
suites and regression schedules.

Documented: the policy's `max_fallbacks` (an integer; 0 turns Auto's implicit failover off) and
the request parameters. Every other response key is assumed (the contract leaves the schemas
unknown): ids are strings or integers, timestamps ISO 8601 or epoch numbers, and a field the server
sends as `null` reads as None. Listings are read from the assumed key (`snapshots`, `suites`, ...),
else from `data`, `items`, `results`, `entries` or `records`, else from a bare JSON array.
"""

from __future__ import annotations

from typing import ClassVar, Optional

from .._listing import ListResponse
from .._models import BaseModel
from .params import (  # request types: defined there, without pydantic
    OptimizationGoal,
    PolicyUpdateParams,
    RegressionScheduleParams,
    TestCaseParam,
    TestSuiteParams,
)
from .shared import Id, Number, Timestamp

__all__ = [
    "OptimizationGoal",
    "PolicyUpdateParams",
    "OptimizationPolicy",
    "ModelPerformance",
    "OptimizationReport",
    "EvaluationResult",
    "Snapshot",
    "SnapshotList",
    "Alert",
    "AlertList",
    "ReplayProjection",
    "ReplayResult",
    "TestCaseParam",
    "TestSuiteParams",
    "RegressionScheduleParams",
    "TestCase",
    "TestTemplate",
    "TestTemplateList",
    "TestSuite",
    "TestSuiteList",
    "TestResult",
    "TestRun",
    "TestRunList",
    "RegressionSchedule",
    "RegressionScheduleList",
]

# --- responses -------------------------------------------------------------------------------


class OptimizationPolicy(BaseModel):
    """The account's routing policy: the defaults and guardrails of `model="auto"`.

    Documented: `max_fallbacks` (an integer). Assumed: every other field.
    """

    goal: Optional[str] = None
    """The default goal: `balanced`, `latency`, `cost` or `reliability`."""
    max_fallbacks: Optional[int] = None
    """How many fallbacks `auto` fails over to (0: single model, no failover). Documented."""
    allowed_models: Optional[list[str]] = None
    """Only these models may be routed to (empty: all)."""
    blocked_models: Optional[list[str]] = None
    """These models are never routed to."""
    max_cost_per_request_usd: Optional[Number] = None
    """The most one request may cost, in USD (None: no cap)."""
    updated_at: Optional[Timestamp] = None
    """When it last changed."""


class ModelPerformance(BaseModel):
    """How one model performed over the report's window. Assumed shape."""

    model: Optional[str] = None
    """The model id."""
    calls: Optional[int] = None
    """Requests it served."""
    avg_latency_ms: Optional[Number] = None
    """Mean latency."""
    success_rate: Optional[Number] = None
    """Share of successful calls, 0 to 1."""
    avg_cost_usd: Optional[Number] = None
    """Mean cost per call, in USD."""


class OptimizationReport(BaseModel):
    """Which model to route to for a goal, from the account's recent traffic. Assumed shape."""

    goal: Optional[str] = None
    """The goal the report optimises for."""
    days: Optional[int] = None
    """The window, in days."""
    recommended_model: Optional[str] = None
    """The best model for the goal (None without enough traffic)."""
    models: Optional[list[ModelPerformance]] = None
    """Per-model statistics."""
    snapshot_id: Optional[Id] = None
    """The saved snapshot, with `persist_snapshot=True`."""


class EvaluationResult(BaseModel):
    """The answer to `optimization.evaluate()`. Assumed shape."""

    status: Optional[str] = None
    """`ok` when the evaluation ran."""
    evaluated_at: Optional[Timestamp] = None
    """When it ran."""
    alerts_created: Optional[int] = None
    """How many alerts it raised."""


class Snapshot(BaseModel):
    """A saved optimization report. Assumed shape."""

    id: Optional[Id] = None
    """The snapshot id."""
    goal: Optional[str] = None
    """The report's goal."""
    recommended_model: Optional[str] = None
    """The model it recommended."""
    created_at: Optional[Timestamp] = None
    """When it was saved."""


class SnapshotList(ListResponse[Snapshot]):
    """Saved reports, newest first. Assumed shape: `{snapshots: [...]}`."""

    _items_key: ClassVar[str] = "snapshots"

    snapshots: Optional[list[Snapshot]] = []
    """The snapshots: `[]` when the server sent no list, None when it sent `null`."""


class Alert(BaseModel):
    """An optimization alert (a model degrading, a cheaper option, ...). Assumed shape."""

    id: Optional[Id] = None
    """The alert id."""
    severity: Optional[str] = None
    """`info`, `warning`, ... (the vocabulary may grow)."""
    message: Optional[str] = None
    """What happened, in words."""
    created_at: Optional[Timestamp] = None
    """When it was raised."""


class AlertList(ListResponse[Alert]):
    """Alerts, newest first. Assumed shape: `{alerts: [...]}`."""

    _items_key: ClassVar[str] = "alerts"

    alerts: Optional[list[Alert]] = []
    """The alerts: `[]` when the server sent no list, None when it sent `null`."""


class ReplayProjection(BaseModel):
    """Projected change if the current policy had routed the sampled requests.

    The contract documents projected cost, latency and reliability deltas; their keys are assumed.
    """

    cost_delta_pct: Optional[Number] = None
    """Change in cost, in percent (negative: cheaper)."""
    latency_delta_pct: Optional[Number] = None
    """Change in latency, in percent (negative: faster)."""
    success_rate_delta_pct: Optional[Number] = None
    """Change in success rate, in percentage points."""


class ReplayResult(BaseModel):
    """The answer to `optimization.replay()`: past traffic replayed against the policy. Assumed shape."""

    days: Optional[int] = None
    """The window replayed, in days."""
    sample_size: Optional[int] = None
    """How many requests were asked for."""
    sampled: Optional[int] = None
    """How many were actually replayed."""
    projected: Optional[ReplayProjection] = None
    """The projected deltas."""


class TestCase(BaseModel):
    """One prompt of a test suite or template. Assumed shape."""

    __test__: ClassVar[bool] = False  # not a pytest test class (see the end of the module)

    prompt: Optional[str] = None
    """The prompt."""
    expected_contains: Optional[str] = None
    """Text the answer must contain to pass."""


class TestTemplate(BaseModel):
    """A ready-made test suite to start from. Assumed shape."""

    __test__: ClassVar[bool] = False

    id: Optional[Id] = None
    """The template id."""
    name: Optional[str] = None
    """Display name."""
    description: Optional[str] = None
    """What it checks."""
    cases: Optional[list[TestCase]] = None
    """Its prompts."""


class TestTemplateList(ListResponse[TestTemplate]):
    """The available test templates. Assumed shape: `{templates: [...]}`."""

    __test__: ClassVar[bool] = False
    _items_key: ClassVar[str] = "templates"
    _other_keys: ClassVar[tuple[str, ...]] = ("test_templates",)

    templates: Optional[list[TestTemplate]] = []
    """The templates: `[]` when the server sent no list, None when it sent `null`."""


class TestSuite(BaseModel):
    """A set of prompts run on a set of models to catch regressions. Assumed shape."""

    __test__: ClassVar[bool] = False

    id: Optional[Id] = None
    """The suite id (`suite_...`, or an integer)."""
    name: Optional[str] = None
    """Its name."""
    description: Optional[str] = None
    """What it checks."""
    cases: Optional[list[TestCase]] = None
    """Its prompts."""
    models: Optional[list[str]] = None
    """The models it runs on."""
    created_at: Optional[Timestamp] = None
    """When it was created."""
    updated_at: Optional[Timestamp] = None
    """When it last changed."""


class TestSuiteList(ListResponse[TestSuite]):
    """Test suites. Assumed shape: `{suites: [...]}`."""

    __test__: ClassVar[bool] = False
    _items_key: ClassVar[str] = "suites"
    _other_keys: ClassVar[tuple[str, ...]] = ("test_suites",)

    suites: Optional[list[TestSuite]] = []
    """The suites: `[]` when the server sent no list, None when it sent `null`."""


class TestResult(BaseModel):
    """One case run on one model. Assumed shape."""

    __test__: ClassVar[bool] = False

    prompt: Optional[str] = None
    """The case's prompt."""
    model: Optional[str] = None
    """The model it ran on."""
    passed: Optional[bool] = None
    """Whether the answer met the expectation."""
    output: Optional[str] = None
    """The model's answer."""
    latency_ms: Optional[Number] = None
    """How long it took."""


class TestRun(BaseModel):
    """A run of a test suite (by hand or by a regression schedule). Assumed shape."""

    __test__: ClassVar[bool] = False

    id: Optional[Id] = None
    """The run id (`run_...`, or an integer), for `optimization.test_runs.csv()`."""
    suite_id: Optional[Id] = None
    """The suite that ran."""
    schedule_id: Optional[Id] = None
    """The schedule that started it, if any."""
    status: Optional[str] = None
    """`completed`, ... (the vocabulary may grow)."""
    passed: Optional[int] = None
    """How many results passed."""
    failed: Optional[int] = None
    """How many failed."""
    results: Optional[list[TestResult]] = None
    """One result per case and model."""
    created_at: Optional[Timestamp] = None
    """When it ran."""


class TestRunList(ListResponse[TestRun]):
    """Test runs, newest first. Assumed shape: `{runs: [...]}`."""

    __test__: ClassVar[bool] = False
    _items_key: ClassVar[str] = "runs"
    _other_keys: ClassVar[tuple[str, ...]] = ("test_runs",)

    runs: Optional[list[TestRun]] = []
    """The runs: `[]` when the server sent no list, None when it sent `null`."""


class RegressionSchedule(BaseModel):
    """A test suite run on a cadence. Assumed shape."""

    id: Optional[Id] = None
    """The schedule id (`sched_...`, or an integer)."""
    suite_id: Optional[Id] = None
    """The suite it runs."""
    cadence: Optional[str] = None
    """`daily` or `weekly`."""
    enabled: Optional[bool] = None
    """Whether it runs."""
    next_run_at: Optional[Timestamp] = None
    """When it runs next."""
    last_run_id: Optional[Id] = None
    """Its latest run, if any."""
    created_at: Optional[Timestamp] = None
    """When it was created."""


class RegressionScheduleList(ListResponse[RegressionSchedule]):
    """Regression schedules. Assumed shape: `{schedules: [...]}`."""

    _items_key: ClassVar[str] = "schedules"
    _other_keys: ClassVar[tuple[str, ...]] = ("regression_schedules",)

    schedules: Optional[list[RegressionSchedule]] = []
    """The schedules: `[]` when the server sent no list, None when it sent `null`."""


# pytest collects classes named Test* from the modules of the tests that import them: opt out.
TestCaseParam.__test__ = False  # type: ignore[attr-defined]
TestSuiteParams.__test__ = False  # type: ignore[attr-defined]
