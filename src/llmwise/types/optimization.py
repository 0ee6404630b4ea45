"""Optimization (`client.optimization`): the routing policy, reports, alerts, replay, prompt test
suites and regression schedules."""

from __future__ import annotations

from typing import ClassVar, Literal, Optional

from typing_extensions import TypedDict

from .._models import BaseModel
from .._pagination import ListResponse
from .shared import Number

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

OptimizationGoal = Literal["balanced", "latency", "cost", "reliability"]
"""What `auto` routing optimises for."""


# --- request bodies --------------------------------------------------------------------------
# The server's schemas for these bodies are unknown (contract §3.12): these are the documented
# fields; the methods also pass any other keyword on to the server unchecked.


class PolicyUpdateParams(TypedDict, total=False):
    """Fields of `PUT /optimization/policy` (a partial policy: omitted fields keep their value)."""

    goal: OptimizationGoal
    """The default goal of `auto` routing."""
    max_fallbacks: int
    """0 to 5: how many fallbacks `model="auto"` may fail over to (0 turns failover off)."""
    allowed_models: list[str]
    """Only these models may be routed to (empty: all)."""
    blocked_models: list[str]
    """These models are never routed to."""
    max_cost_per_request_usd: float
    """The most one request may cost, in USD."""


class TestCaseParam(TypedDict, total=False):
    """One prompt of a test suite."""

    prompt: str
    """The prompt sent to each model."""
    expected_contains: str
    """The case passes when the answer contains this text."""


class TestSuiteParams(TypedDict, total=False):
    """Fields of `POST /optimization/test-suites` and `PUT /optimization/test-suites/{suite_id}`."""

    name: str
    """The suite's name (required to create one)."""
    description: str
    """What it checks."""
    cases: list[TestCaseParam]
    """The prompts (at least one to create a suite)."""
    models: list[str]
    """The models each case runs on."""


class RegressionScheduleParams(TypedDict, total=False):
    """Fields of `POST /optimization/regression-schedules` and `PUT .../{schedule_id}`."""

    suite_id: str
    """The test suite to run (required to create a schedule)."""
    cadence: Literal["daily", "weekly"]
    """How often it runs."""
    enabled: bool
    """Whether it runs at all."""


# --- responses -------------------------------------------------------------------------------


class OptimizationPolicy(BaseModel):
    """The account's routing policy: the defaults and guardrails of `model="auto"`."""

    goal: Optional[str] = None
    """The default goal: `balanced`, `latency`, `cost` or `reliability`."""
    max_fallbacks: Optional[int] = None
    """How many fallbacks `auto` fails over to (0: single model, no failover)."""
    allowed_models: Optional[list[str]] = None
    """Only these models may be routed to (empty: all)."""
    blocked_models: Optional[list[str]] = None
    """These models are never routed to."""
    max_cost_per_request_usd: Optional[Number] = None
    """The most one request may cost, in USD (None: no cap)."""
    updated_at: Optional[str] = None
    """When it last changed (ISO 8601, UTC)."""


class ModelPerformance(BaseModel):
    """How one model performed over the report's window."""

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
    """Which model to route to for a goal, from the account's recent traffic."""

    goal: Optional[str] = None
    """The goal the report optimises for."""
    days: Optional[int] = None
    """The window, in days."""
    recommended_model: Optional[str] = None
    """The best model for the goal (None without enough traffic)."""
    models: Optional[list[ModelPerformance]] = None
    """Per-model statistics."""
    snapshot_id: Optional[str] = None
    """The saved snapshot, with `persist_snapshot=True`."""


class EvaluationResult(BaseModel):
    """The answer to `optimization.evaluate()`."""

    status: Optional[str] = None
    """`ok` when the evaluation ran."""
    evaluated_at: Optional[str] = None
    """When it ran (ISO 8601, UTC)."""
    alerts_created: Optional[int] = None
    """How many alerts it raised."""


class Snapshot(BaseModel):
    """A saved optimization report."""

    id: Optional[str] = None
    """The snapshot id."""
    goal: Optional[str] = None
    """The report's goal."""
    recommended_model: Optional[str] = None
    """The model it recommended."""
    created_at: Optional[str] = None
    """When it was saved (ISO 8601, UTC)."""


class SnapshotList(ListResponse):
    """Saved reports, newest first."""

    _items_key: ClassVar[str] = "snapshots"

    snapshots: list[Snapshot] = []
    """The snapshots."""


class Alert(BaseModel):
    """An optimization alert (a model degrading, a cheaper option, ...)."""

    id: Optional[str] = None
    """The alert id."""
    severity: Optional[str] = None
    """`info`, `warning`, ... (the vocabulary may grow)."""
    message: Optional[str] = None
    """What happened, in words."""
    created_at: Optional[str] = None
    """When it was raised (ISO 8601, UTC)."""


class AlertList(ListResponse):
    """Alerts, newest first."""

    _items_key: ClassVar[str] = "alerts"

    alerts: list[Alert] = []
    """The alerts."""


class ReplayProjection(BaseModel):
    """Projected change if the current policy had routed the sampled requests."""

    cost_delta_pct: Optional[Number] = None
    """Change in cost, in percent (negative: cheaper)."""
    latency_delta_pct: Optional[Number] = None
    """Change in latency, in percent (negative: faster)."""
    success_rate_delta_pct: Optional[Number] = None
    """Change in success rate, in percentage points."""


class ReplayResult(BaseModel):
    """The answer to `optimization.replay()`: past traffic replayed against the policy."""

    days: Optional[int] = None
    """The window replayed, in days."""
    sample_size: Optional[int] = None
    """How many requests were asked for."""
    sampled: Optional[int] = None
    """How many were actually replayed."""
    projected: Optional[ReplayProjection] = None
    """The projected deltas."""


class TestCase(BaseModel):
    """One prompt of a test suite or template."""

    __test__: ClassVar[bool] = False  # not a pytest test class (see the end of the module)

    prompt: Optional[str] = None
    """The prompt."""
    expected_contains: Optional[str] = None
    """Text the answer must contain to pass."""


class TestTemplate(BaseModel):
    """A ready-made test suite to start from."""

    __test__: ClassVar[bool] = False

    id: Optional[str] = None
    """The template id."""
    name: Optional[str] = None
    """Display name."""
    description: Optional[str] = None
    """What it checks."""
    cases: Optional[list[TestCase]] = None
    """Its prompts."""


class TestTemplateList(ListResponse):
    """The available test templates."""

    __test__: ClassVar[bool] = False
    _items_key: ClassVar[str] = "templates"

    templates: list[TestTemplate] = []
    """The templates."""


class TestSuite(BaseModel):
    """A set of prompts run on a set of models to catch regressions."""

    __test__: ClassVar[bool] = False

    id: Optional[str] = None
    """The suite id (`suite_...`)."""
    name: Optional[str] = None
    """Its name."""
    description: Optional[str] = None
    """What it checks."""
    cases: Optional[list[TestCase]] = None
    """Its prompts."""
    models: Optional[list[str]] = None
    """The models it runs on."""
    created_at: Optional[str] = None
    """When it was created (ISO 8601, UTC)."""
    updated_at: Optional[str] = None
    """When it last changed (ISO 8601, UTC)."""


class TestSuiteList(ListResponse):
    """Test suites."""

    __test__: ClassVar[bool] = False
    _items_key: ClassVar[str] = "suites"

    suites: list[TestSuite] = []
    """The suites."""


class TestResult(BaseModel):
    """One case run on one model."""

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
    """A run of a test suite (by hand or by a regression schedule)."""

    __test__: ClassVar[bool] = False

    id: Optional[str] = None
    """The run id (`run_...`), for `optimization.test_runs.csv()`."""
    suite_id: Optional[str] = None
    """The suite that ran."""
    schedule_id: Optional[str] = None
    """The schedule that started it, if any."""
    status: Optional[str] = None
    """`completed`, ... (the vocabulary may grow)."""
    passed: Optional[int] = None
    """How many results passed."""
    failed: Optional[int] = None
    """How many failed."""
    results: Optional[list[TestResult]] = None
    """One result per case and model."""
    created_at: Optional[str] = None
    """When it ran (ISO 8601, UTC)."""


class TestRunList(ListResponse):
    """Test runs, newest first."""

    __test__: ClassVar[bool] = False
    _items_key: ClassVar[str] = "runs"

    runs: list[TestRun] = []
    """The runs."""


class RegressionSchedule(BaseModel):
    """A test suite run on a cadence."""

    id: Optional[str] = None
    """The schedule id (`sched_...`)."""
    suite_id: Optional[str] = None
    """The suite it runs."""
    cadence: Optional[str] = None
    """`daily` or `weekly`."""
    enabled: Optional[bool] = None
    """Whether it runs."""
    next_run_at: Optional[str] = None
    """When it runs next (ISO 8601, UTC)."""
    last_run_id: Optional[str] = None
    """Its latest run, if any."""
    created_at: Optional[str] = None
    """When it was created (ISO 8601, UTC)."""


class RegressionScheduleList(ListResponse):
    """Regression schedules."""

    _items_key: ClassVar[str] = "schedules"

    schedules: list[RegressionSchedule] = []
    """The schedules."""


# pytest collects classes named Test* from the modules of the tests that import them: opt out.
TestCaseParam.__test__ = False  # type: ignore[attr-defined]
TestSuiteParams.__test__ = False  # type: ignore[attr-defined]
