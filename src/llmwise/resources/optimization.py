"""`client.optimization`: the routing policy, reports, alerts, replay, prompt test suites, test runs
and regression schedules."""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

from typing_extensions import Unpack

from .._base_client import TEXT
from .._lazy import LazyModule
from .._resource import APIResource, AsyncAPIResource, ResourceView
from .._response import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from .._types import RequestOptions
from ..types.params import PolicyUpdateParams, RegressionScheduleParams, TestSuiteParams
from ._params import api_operation, free_form_body, path_param, write_text

if TYPE_CHECKING:
    from ..types import optimization as _types
    from ..types.optimization import (
        AlertList,
        EvaluationResult,
        OptimizationPolicy,
        OptimizationReport,
        RegressionSchedule,
        RegressionScheduleList,
        ReplayResult,
        SnapshotList,
        TestRun,
        TestRunList,
        TestSuite,
        TestSuiteList,
        TestTemplateList,
    )
else:
    # Imported by the first call that needs them: pydantic models (see `llmwise._lazy`).
    _types = LazyModule("llmwise.types.optimization")

__all__ = [
    "Optimization",
    "AsyncOptimization",
    "Policy",
    "AsyncPolicy",
    "TestSuites",
    "AsyncTestSuites",
    "TestRuns",
    "AsyncTestRuns",
    "RegressionSchedules",
    "AsyncRegressionSchedules",
    "PolicyUpdateArgs",
    "TestSuiteArgs",
    "RegressionScheduleArgs",
]


class PolicyUpdateArgs(PolicyUpdateParams, RequestOptions, total=False):
    """Keyword arguments of `optimization.policy.update()`: policy fields plus request options."""


class TestSuiteArgs(TestSuiteParams, RequestOptions, total=False):
    """Keyword arguments of `test_suites.create()` / `update()`: suite fields plus request options."""


class RegressionScheduleArgs(RegressionScheduleParams, RequestOptions, total=False):
    """Keyword arguments of `regression_schedules.create()` / `update()`: schedule fields plus
    request options."""


TestSuiteArgs.__test__ = False  # type: ignore[attr-defined]  # not a pytest test class


def _csv_options(options: RequestOptions) -> RequestOptions:
    # The endpoint answers text/csv; say so, so a strict server does not refuse a JSON-only Accept.
    headers = {"Accept": "text/csv", **(options.get("extra_headers") or {})}
    return {**options, "extra_headers": headers}


def _save_csv(text: Any, path: str | os.PathLike[str] | None) -> None:
    # With `.with_raw_response` the result is an APIResponse, not the text: nothing to write then.
    if path is not None and isinstance(text, str):
        write_text(path, text)


# <async>
class AsyncPolicy(AsyncAPIResource):
    """The routing policy: defaults and guardrails of `model="auto"`."""

    @cached_property
    def with_raw_response(self) -> AsyncPolicyWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncPolicyWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncPolicyWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncPolicyWithStreamingResponse(self)

    async def retrieve(self, **options: Unpack[RequestOptions]) -> OptimizationPolicy:
        """Get the routing policy (`GET /optimization/policy`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "GET", "/optimization/policy", options=options, parse=_types.OptimizationPolicy.from_api
            )
        )

    async def update(self, **kwargs: Unpack[PolicyUpdateArgs]) -> OptimizationPolicy:
        """Change some policy fields (`PUT /optimization/policy`); the others keep their value.

        The policy schema is open: fields not listed here are sent as given.

        Args:
            goal: `balanced`, `latency`, `cost` or `reliability`.
            max_fallbacks: 0 to 5; above 0, `model="auto"` fails over (Mesh mode) to that many models.
            allowed_models, blocked_models: Model ids `auto` may, or may never, route to.
            max_cost_per_request_usd: The most one request may cost.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body, options = free_form_body("optimization.policy.update", kwargs, PolicyUpdateParams)
        return await self._client.request(
            api_operation(
                "PUT",
                "/optimization/policy",
                body=body,
                options=options,
                parse=_types.OptimizationPolicy.from_api,
            )
        )


class AsyncPolicyWithRawResponse(ResourceView):
    """`client.optimization.policy.with_raw_response`: the methods of `client.optimization.policy`, returning the HTTP response."""

    retrieve: Final = async_to_raw_response_wrapper(AsyncPolicy.retrieve)
    update: Final = async_to_raw_response_wrapper(AsyncPolicy.update)


class AsyncPolicyWithStreamingResponse(ResourceView):
    """`client.optimization.policy.with_streaming_response`: the methods of `client.optimization.policy` as context managers
    that read the body only when asked."""

    retrieve: Final = async_to_streamed_response_wrapper(AsyncPolicy.retrieve)
    update: Final = async_to_streamed_response_wrapper(AsyncPolicy.update)


class AsyncTestSuites(AsyncAPIResource):
    """Prompt test suites: prompts with expectations, run on a set of models."""

    __test__ = False  # not a pytest test class

    @cached_property
    def with_raw_response(self) -> AsyncTestSuitesWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncTestSuitesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncTestSuitesWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncTestSuitesWithStreamingResponse(self)

    async def list(self, *, limit: int = 25, **options: Unpack[RequestOptions]) -> TestSuiteList:
        """List test suites (`GET /optimization/test-suites`).

        Args:
            limit: The most suites to return (default 25).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "GET",
                "/optimization/test-suites",
                query={"limit": limit},
                options=options,
                parse=_types.TestSuiteList.from_api,
            )
        )

    async def create(self, **kwargs: Unpack[TestSuiteArgs]) -> TestSuite:
        """Create a test suite (`POST /optimization/test-suites`).

        The suite schema is open: fields not listed here are sent as given.

        Args:
            name: The suite's name.
            cases: The prompts, e.g. `[{"prompt": "2+2?", "expected_contains": "4"}]`.
            models: The models each case runs on.
            description: What it checks.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body, options = free_form_body("optimization.test_suites.create", kwargs, TestSuiteParams)
        return await self._client.request(
            api_operation(
                "POST",
                "/optimization/test-suites",
                body=body,
                options=options,
                parse=_types.TestSuite.from_api,
            )
        )

    async def update(self, suite_id: str | int, **kwargs: Unpack[TestSuiteArgs]) -> TestSuite:
        """Change a test suite (`PUT /optimization/test-suites/{suite_id}`).

        Args:
            suite_id: The suite's id (`suite_...`, or an integer id).
            name, cases, models, description: As for `create()`; fields not listed are sent as given.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/optimization/test-suites/{path_param('suite_id', suite_id)}"
        body, options = free_form_body("optimization.test_suites.update", kwargs, TestSuiteParams)
        return await self._client.request(
            api_operation("PUT", path, body=body, options=options, parse=_types.TestSuite.from_api)
        )

    async def run(self, suite_id: str | int, **options: Unpack[RequestOptions]) -> TestRun:
        """Run a test suite now (`POST /optimization/test-suites/{suite_id}/run`).

        Args:
            suite_id: The suite's id (`suite_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/optimization/test-suites/{path_param('suite_id', suite_id)}/run"
        return await self._client.request(
            api_operation("POST", path, body={}, options=options, parse=_types.TestRun.from_api)
        )


class AsyncTestSuitesWithRawResponse(ResourceView):
    """`client.optimization.test_suites.with_raw_response`: the methods of `client.optimization.test_suites`, returning the HTTP response."""

    list: Final = async_to_raw_response_wrapper(AsyncTestSuites.list)
    create: Final = async_to_raw_response_wrapper(AsyncTestSuites.create)
    update: Final = async_to_raw_response_wrapper(AsyncTestSuites.update)
    run: Final = async_to_raw_response_wrapper(AsyncTestSuites.run)


class AsyncTestSuitesWithStreamingResponse(ResourceView):
    """`client.optimization.test_suites.with_streaming_response`: the methods of `client.optimization.test_suites` as context managers
    that read the body only when asked."""

    list: Final = async_to_streamed_response_wrapper(AsyncTestSuites.list)
    create: Final = async_to_streamed_response_wrapper(AsyncTestSuites.create)
    update: Final = async_to_streamed_response_wrapper(AsyncTestSuites.update)
    run: Final = async_to_streamed_response_wrapper(AsyncTestSuites.run)


class AsyncTestRuns(AsyncAPIResource):
    """Results of test suite runs."""

    __test__ = False  # not a pytest test class

    @cached_property
    def with_raw_response(self) -> AsyncTestRunsWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncTestRunsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncTestRunsWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncTestRunsWithStreamingResponse(self)

    async def list(self, *, limit: int = 20, **options: Unpack[RequestOptions]) -> TestRunList:
        """List test runs, newest first (`GET /optimization/test-runs`).

        Args:
            limit: The most runs to return (default 20).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "GET",
                "/optimization/test-runs",
                query={"limit": limit},
                options=options,
                parse=_types.TestRunList.from_api,
            )
        )

    async def csv(
        self, run_id: str | int, *, path: str | os.PathLike[str] | None = None, **options: Unpack[RequestOptions]
    ) -> str:
        """Get a test run's results as CSV text (`GET /optimization/test-runs/{run_id}/csv`).

        Args:
            run_id: The run's id (`run_...`, or an integer id).
            path: Also write the CSV to this file (UTF-8, line endings kept).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        url = f"/optimization/test-runs/{path_param('run_id', run_id)}/csv"
        text = await self._client.request(
            api_operation("GET", url, options=_csv_options(options), parse=TEXT)
        )
        _save_csv(text, path)
        return text


class AsyncTestRunsWithRawResponse(ResourceView):
    """`client.optimization.test_runs.with_raw_response`: the methods of `client.optimization.test_runs`, returning the HTTP response."""

    list: Final = async_to_raw_response_wrapper(AsyncTestRuns.list)
    csv: Final = async_to_raw_response_wrapper(AsyncTestRuns.csv)


class AsyncTestRunsWithStreamingResponse(ResourceView):
    """`client.optimization.test_runs.with_streaming_response`: the methods of `client.optimization.test_runs` as context managers
    that read the body only when asked."""

    list: Final = async_to_streamed_response_wrapper(AsyncTestRuns.list)
    csv: Final = async_to_streamed_response_wrapper(AsyncTestRuns.csv)


class AsyncRegressionSchedules(AsyncAPIResource):
    """Test suites run on a cadence, to catch regressions."""

    @cached_property
    def with_raw_response(self) -> AsyncRegressionSchedulesWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncRegressionSchedulesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncRegressionSchedulesWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncRegressionSchedulesWithStreamingResponse(self)

    async def list(self, *, limit: int = 30, **options: Unpack[RequestOptions]) -> RegressionScheduleList:
        """List regression schedules (`GET /optimization/regression-schedules`).

        Args:
            limit: The most schedules to return (default 30).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "GET",
                "/optimization/regression-schedules",
                query={"limit": limit},
                options=options,
                parse=_types.RegressionScheduleList.from_api,
            )
        )

    async def create(self, **kwargs: Unpack[RegressionScheduleArgs]) -> RegressionSchedule:
        """Schedule a test suite (`POST /optimization/regression-schedules`).

        The schedule schema is open: fields not listed here are sent as given.

        Args:
            suite_id: The suite to run.
            cadence: `daily` or `weekly`.
            enabled: Whether it runs.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body, options = free_form_body(
            "optimization.regression_schedules.create", kwargs, RegressionScheduleParams
        )
        return await self._client.request(
            api_operation(
                "POST",
                "/optimization/regression-schedules",
                body=body,
                options=options,
                parse=_types.RegressionSchedule.from_api,
            )
        )

    async def update(self, schedule_id: str | int, **kwargs: Unpack[RegressionScheduleArgs]) -> RegressionSchedule:
        """Change a regression schedule (`PUT /optimization/regression-schedules/{schedule_id}`).

        Args:
            schedule_id: The schedule's id (`sched_...`, or an integer id).
            suite_id, cadence, enabled: As for `create()`; fields not listed are sent as given.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/optimization/regression-schedules/{path_param('schedule_id', schedule_id)}"
        body, options = free_form_body(
            "optimization.regression_schedules.update", kwargs, RegressionScheduleParams
        )
        return await self._client.request(
            api_operation("PUT", path, body=body, options=options, parse=_types.RegressionSchedule.from_api)
        )

    async def run(self, schedule_id: str | int, **options: Unpack[RequestOptions]) -> TestRun:
        """Run a schedule's suite now (`POST /optimization/regression-schedules/{schedule_id}/run`).

        Args:
            schedule_id: The schedule's id (`sched_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/optimization/regression-schedules/{path_param('schedule_id', schedule_id)}/run"
        return await self._client.request(
            api_operation("POST", path, body={}, options=options, parse=_types.TestRun.from_api)
        )


class AsyncRegressionSchedulesWithRawResponse(ResourceView):
    """`client.optimization.regression_schedules.with_raw_response`: the methods of `client.optimization.regression_schedules`, returning the HTTP response."""

    list: Final = async_to_raw_response_wrapper(AsyncRegressionSchedules.list)
    create: Final = async_to_raw_response_wrapper(AsyncRegressionSchedules.create)
    update: Final = async_to_raw_response_wrapper(AsyncRegressionSchedules.update)
    run: Final = async_to_raw_response_wrapper(AsyncRegressionSchedules.run)


class AsyncRegressionSchedulesWithStreamingResponse(ResourceView):
    """`client.optimization.regression_schedules.with_streaming_response`: the methods of `client.optimization.regression_schedules` as context managers
    that read the body only when asked."""

    list: Final = async_to_streamed_response_wrapper(AsyncRegressionSchedules.list)
    create: Final = async_to_streamed_response_wrapper(AsyncRegressionSchedules.create)
    update: Final = async_to_streamed_response_wrapper(AsyncRegressionSchedules.update)
    run: Final = async_to_streamed_response_wrapper(AsyncRegressionSchedules.run)


class AsyncOptimization(AsyncAPIResource):
    """Routing optimization: policy, reports, alerts, replay, and prompt regression testing."""

    @cached_property
    def with_raw_response(self) -> AsyncOptimizationWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `await response.parse()` gives what the method returns."""
        return AsyncOptimizationWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncOptimizationWithStreamingResponse:
        """The same methods as context managers (`async with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `await response.parse()`)."""
        return AsyncOptimizationWithStreamingResponse(self)

    @cached_property
    def policy(self) -> AsyncPolicy:
        """The routing policy (defaults and guardrails of `model="auto"`)."""
        return AsyncPolicy(self._client)

    @cached_property
    def test_suites(self) -> AsyncTestSuites:
        """Prompt test suites."""
        return AsyncTestSuites(self._client)

    @cached_property
    def test_runs(self) -> AsyncTestRuns:
        """Results of test suite runs (also as CSV)."""
        return AsyncTestRuns(self._client)

    @cached_property
    def regression_schedules(self) -> AsyncRegressionSchedules:
        """Test suites run on a cadence."""
        return AsyncRegressionSchedules(self._client)

    async def report(
        self,
        *,
        goal: str = "balanced",
        days: int = 30,
        min_calls_per_model: int = 3,
        use_policy: bool = True,
        persist_snapshot: bool = False,
        **options: Unpack[RequestOptions],
    ) -> OptimizationReport:
        """Get per-model statistics and the recommended model for a goal (`GET /optimization/report`).

        Args:
            goal: `balanced` (default), `latency`, `cost` or `reliability`.
            days: The window, in days (default 30).
            min_calls_per_model: Ignore models with fewer calls (default 3).
            use_policy: Apply the routing policy's guardrails (default True).
            persist_snapshot: Also save the report as a snapshot (default False).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        query = {
            "goal": goal,
            "days": days,
            "min_calls_per_model": min_calls_per_model,
            "use_policy": use_policy,
            "persist_snapshot": persist_snapshot,
        }
        return await self._client.request(
            api_operation(
                "GET",
                "/optimization/report",
                query=query,
                options=options,
                parse=_types.OptimizationReport.from_api,
            )
        )

    async def evaluate(self, **options: Unpack[RequestOptions]) -> EvaluationResult:
        """Evaluate recent traffic now and raise any alerts (`POST /optimization/evaluate`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "POST",
                "/optimization/evaluate",
                body={},
                options=options,
                parse=_types.EvaluationResult.from_api,
            )
        )

    async def snapshots(
        self, *, limit: int = 20, goal: str | None = None, **options: Unpack[RequestOptions]
    ) -> SnapshotList:
        """List saved reports, newest first (`GET /optimization/snapshots`).

        Args:
            limit: The most snapshots to return (default 20).
            goal: Only snapshots of this goal.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "GET",
                "/optimization/snapshots",
                query={"limit": limit, "goal": goal},
                options=options,
                parse=_types.SnapshotList.from_api,
            )
        )

    async def alerts(self, *, limit: int = 12, **options: Unpack[RequestOptions]) -> AlertList:
        """List optimization alerts, newest first (`GET /optimization/alerts`).

        Args:
            limit: The most alerts to return (default 12).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "GET",
                "/optimization/alerts",
                query={"limit": limit},
                options=options,
                parse=_types.AlertList.from_api,
            )
        )

    async def replay(
        self, *, days: int = 30, sample_size: int = 100, **options: Unpack[RequestOptions]
    ) -> ReplayResult:
        """Replay past traffic against the current policy and project the change (`POST /optimization/replay`).

        Args:
            days: How far back to sample, 1 to 90 (default 30).
            sample_size: How many requests to replay, 20 to 300 (default 100).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {"days": days, "sample_size": sample_size}
        return await self._client.request(
            api_operation(
                "POST", "/optimization/replay", body=body, options=options, parse=_types.ReplayResult.from_api
            )
        )

    async def test_templates(self, **options: Unpack[RequestOptions]) -> TestTemplateList:
        """List ready-made test suites to start from (`GET /optimization/test-templates`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return await self._client.request(
            api_operation(
                "GET", "/optimization/test-templates", options=options, parse=_types.TestTemplateList.from_api
            )
        )


class AsyncOptimizationWithRawResponse(ResourceView):
    """`client.optimization.with_raw_response`: the methods of `client.optimization`, returning the HTTP response."""

    report: Final = async_to_raw_response_wrapper(AsyncOptimization.report)
    evaluate: Final = async_to_raw_response_wrapper(AsyncOptimization.evaluate)
    snapshots: Final = async_to_raw_response_wrapper(AsyncOptimization.snapshots)
    alerts: Final = async_to_raw_response_wrapper(AsyncOptimization.alerts)
    replay: Final = async_to_raw_response_wrapper(AsyncOptimization.replay)
    test_templates: Final = async_to_raw_response_wrapper(AsyncOptimization.test_templates)


class AsyncOptimizationWithStreamingResponse(ResourceView):
    """`client.optimization.with_streaming_response`: the methods of `client.optimization` as context managers
    that read the body only when asked."""

    report: Final = async_to_streamed_response_wrapper(AsyncOptimization.report)
    evaluate: Final = async_to_streamed_response_wrapper(AsyncOptimization.evaluate)
    snapshots: Final = async_to_streamed_response_wrapper(AsyncOptimization.snapshots)
    alerts: Final = async_to_streamed_response_wrapper(AsyncOptimization.alerts)
    replay: Final = async_to_streamed_response_wrapper(AsyncOptimization.replay)
    test_templates: Final = async_to_streamed_response_wrapper(AsyncOptimization.test_templates)


# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Policy(APIResource):
    """The routing policy: defaults and guardrails of `model="auto"`."""

    @cached_property
    def with_raw_response(self) -> PolicyWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return PolicyWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> PolicyWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return PolicyWithStreamingResponse(self)

    def retrieve(self, **options: Unpack[RequestOptions]) -> OptimizationPolicy:
        """Get the routing policy (`GET /optimization/policy`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "GET", "/optimization/policy", options=options, parse=_types.OptimizationPolicy.from_api
            )
        )

    def update(self, **kwargs: Unpack[PolicyUpdateArgs]) -> OptimizationPolicy:
        """Change some policy fields (`PUT /optimization/policy`); the others keep their value.

        The policy schema is open: fields not listed here are sent as given.

        Args:
            goal: `balanced`, `latency`, `cost` or `reliability`.
            max_fallbacks: 0 to 5; above 0, `model="auto"` fails over (Mesh mode) to that many models.
            allowed_models, blocked_models: Model ids `auto` may, or may never, route to.
            max_cost_per_request_usd: The most one request may cost.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body, options = free_form_body("optimization.policy.update", kwargs, PolicyUpdateParams)
        return self._client.request(
            api_operation(
                "PUT",
                "/optimization/policy",
                body=body,
                options=options,
                parse=_types.OptimizationPolicy.from_api,
            )
        )


class PolicyWithRawResponse(ResourceView):
    """`client.optimization.policy.with_raw_response`: the methods of `client.optimization.policy`, returning the HTTP response."""

    retrieve: Final = to_raw_response_wrapper(Policy.retrieve)
    update: Final = to_raw_response_wrapper(Policy.update)


class PolicyWithStreamingResponse(ResourceView):
    """`client.optimization.policy.with_streaming_response`: the methods of `client.optimization.policy` as context managers
    that read the body only when asked."""

    retrieve: Final = to_streamed_response_wrapper(Policy.retrieve)
    update: Final = to_streamed_response_wrapper(Policy.update)


class TestSuites(APIResource):
    """Prompt test suites: prompts with expectations, run on a set of models."""

    __test__ = False  # not a pytest test class

    @cached_property
    def with_raw_response(self) -> TestSuitesWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return TestSuitesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> TestSuitesWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return TestSuitesWithStreamingResponse(self)

    def list(self, *, limit: int = 25, **options: Unpack[RequestOptions]) -> TestSuiteList:
        """List test suites (`GET /optimization/test-suites`).

        Args:
            limit: The most suites to return (default 25).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "GET",
                "/optimization/test-suites",
                query={"limit": limit},
                options=options,
                parse=_types.TestSuiteList.from_api,
            )
        )

    def create(self, **kwargs: Unpack[TestSuiteArgs]) -> TestSuite:
        """Create a test suite (`POST /optimization/test-suites`).

        The suite schema is open: fields not listed here are sent as given.

        Args:
            name: The suite's name.
            cases: The prompts, e.g. `[{"prompt": "2+2?", "expected_contains": "4"}]`.
            models: The models each case runs on.
            description: What it checks.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body, options = free_form_body("optimization.test_suites.create", kwargs, TestSuiteParams)
        return self._client.request(
            api_operation(
                "POST",
                "/optimization/test-suites",
                body=body,
                options=options,
                parse=_types.TestSuite.from_api,
            )
        )

    def update(self, suite_id: str | int, **kwargs: Unpack[TestSuiteArgs]) -> TestSuite:
        """Change a test suite (`PUT /optimization/test-suites/{suite_id}`).

        Args:
            suite_id: The suite's id (`suite_...`, or an integer id).
            name, cases, models, description: As for `create()`; fields not listed are sent as given.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/optimization/test-suites/{path_param('suite_id', suite_id)}"
        body, options = free_form_body("optimization.test_suites.update", kwargs, TestSuiteParams)
        return self._client.request(
            api_operation("PUT", path, body=body, options=options, parse=_types.TestSuite.from_api)
        )

    def run(self, suite_id: str | int, **options: Unpack[RequestOptions]) -> TestRun:
        """Run a test suite now (`POST /optimization/test-suites/{suite_id}/run`).

        Args:
            suite_id: The suite's id (`suite_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/optimization/test-suites/{path_param('suite_id', suite_id)}/run"
        return self._client.request(
            api_operation("POST", path, body={}, options=options, parse=_types.TestRun.from_api)
        )


class TestSuitesWithRawResponse(ResourceView):
    """`client.optimization.test_suites.with_raw_response`: the methods of `client.optimization.test_suites`, returning the HTTP response."""

    list: Final = to_raw_response_wrapper(TestSuites.list)
    create: Final = to_raw_response_wrapper(TestSuites.create)
    update: Final = to_raw_response_wrapper(TestSuites.update)
    run: Final = to_raw_response_wrapper(TestSuites.run)


class TestSuitesWithStreamingResponse(ResourceView):
    """`client.optimization.test_suites.with_streaming_response`: the methods of `client.optimization.test_suites` as context managers
    that read the body only when asked."""

    list: Final = to_streamed_response_wrapper(TestSuites.list)
    create: Final = to_streamed_response_wrapper(TestSuites.create)
    update: Final = to_streamed_response_wrapper(TestSuites.update)
    run: Final = to_streamed_response_wrapper(TestSuites.run)


class TestRuns(APIResource):
    """Results of test suite runs."""

    __test__ = False  # not a pytest test class

    @cached_property
    def with_raw_response(self) -> TestRunsWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return TestRunsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> TestRunsWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return TestRunsWithStreamingResponse(self)

    def list(self, *, limit: int = 20, **options: Unpack[RequestOptions]) -> TestRunList:
        """List test runs, newest first (`GET /optimization/test-runs`).

        Args:
            limit: The most runs to return (default 20).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "GET",
                "/optimization/test-runs",
                query={"limit": limit},
                options=options,
                parse=_types.TestRunList.from_api,
            )
        )

    def csv(
        self, run_id: str | int, *, path: str | os.PathLike[str] | None = None, **options: Unpack[RequestOptions]
    ) -> str:
        """Get a test run's results as CSV text (`GET /optimization/test-runs/{run_id}/csv`).

        Args:
            run_id: The run's id (`run_...`, or an integer id).
            path: Also write the CSV to this file (UTF-8, line endings kept).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        url = f"/optimization/test-runs/{path_param('run_id', run_id)}/csv"
        text = self._client.request(
            api_operation("GET", url, options=_csv_options(options), parse=TEXT)
        )
        _save_csv(text, path)
        return text


class TestRunsWithRawResponse(ResourceView):
    """`client.optimization.test_runs.with_raw_response`: the methods of `client.optimization.test_runs`, returning the HTTP response."""

    list: Final = to_raw_response_wrapper(TestRuns.list)
    csv: Final = to_raw_response_wrapper(TestRuns.csv)


class TestRunsWithStreamingResponse(ResourceView):
    """`client.optimization.test_runs.with_streaming_response`: the methods of `client.optimization.test_runs` as context managers
    that read the body only when asked."""

    list: Final = to_streamed_response_wrapper(TestRuns.list)
    csv: Final = to_streamed_response_wrapper(TestRuns.csv)


class RegressionSchedules(APIResource):
    """Test suites run on a cadence, to catch regressions."""

    @cached_property
    def with_raw_response(self) -> RegressionSchedulesWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return RegressionSchedulesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> RegressionSchedulesWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return RegressionSchedulesWithStreamingResponse(self)

    def list(self, *, limit: int = 30, **options: Unpack[RequestOptions]) -> RegressionScheduleList:
        """List regression schedules (`GET /optimization/regression-schedules`).

        Args:
            limit: The most schedules to return (default 30).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "GET",
                "/optimization/regression-schedules",
                query={"limit": limit},
                options=options,
                parse=_types.RegressionScheduleList.from_api,
            )
        )

    def create(self, **kwargs: Unpack[RegressionScheduleArgs]) -> RegressionSchedule:
        """Schedule a test suite (`POST /optimization/regression-schedules`).

        The schedule schema is open: fields not listed here are sent as given.

        Args:
            suite_id: The suite to run.
            cadence: `daily` or `weekly`.
            enabled: Whether it runs.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body, options = free_form_body(
            "optimization.regression_schedules.create", kwargs, RegressionScheduleParams
        )
        return self._client.request(
            api_operation(
                "POST",
                "/optimization/regression-schedules",
                body=body,
                options=options,
                parse=_types.RegressionSchedule.from_api,
            )
        )

    def update(self, schedule_id: str | int, **kwargs: Unpack[RegressionScheduleArgs]) -> RegressionSchedule:
        """Change a regression schedule (`PUT /optimization/regression-schedules/{schedule_id}`).

        Args:
            schedule_id: The schedule's id (`sched_...`, or an integer id).
            suite_id, cadence, enabled: As for `create()`; fields not listed are sent as given.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/optimization/regression-schedules/{path_param('schedule_id', schedule_id)}"
        body, options = free_form_body(
            "optimization.regression_schedules.update", kwargs, RegressionScheduleParams
        )
        return self._client.request(
            api_operation("PUT", path, body=body, options=options, parse=_types.RegressionSchedule.from_api)
        )

    def run(self, schedule_id: str | int, **options: Unpack[RequestOptions]) -> TestRun:
        """Run a schedule's suite now (`POST /optimization/regression-schedules/{schedule_id}/run`).

        Args:
            schedule_id: The schedule's id (`sched_...`, or an integer id).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        path = f"/optimization/regression-schedules/{path_param('schedule_id', schedule_id)}/run"
        return self._client.request(
            api_operation("POST", path, body={}, options=options, parse=_types.TestRun.from_api)
        )


class RegressionSchedulesWithRawResponse(ResourceView):
    """`client.optimization.regression_schedules.with_raw_response`: the methods of `client.optimization.regression_schedules`, returning the HTTP response."""

    list: Final = to_raw_response_wrapper(RegressionSchedules.list)
    create: Final = to_raw_response_wrapper(RegressionSchedules.create)
    update: Final = to_raw_response_wrapper(RegressionSchedules.update)
    run: Final = to_raw_response_wrapper(RegressionSchedules.run)


class RegressionSchedulesWithStreamingResponse(ResourceView):
    """`client.optimization.regression_schedules.with_streaming_response`: the methods of `client.optimization.regression_schedules` as context managers
    that read the body only when asked."""

    list: Final = to_streamed_response_wrapper(RegressionSchedules.list)
    create: Final = to_streamed_response_wrapper(RegressionSchedules.create)
    update: Final = to_streamed_response_wrapper(RegressionSchedules.update)
    run: Final = to_streamed_response_wrapper(RegressionSchedules.run)


class Optimization(APIResource):
    """Routing optimization: policy, reports, alerts, replay, and prompt regression testing."""

    @cached_property
    def with_raw_response(self) -> OptimizationWithRawResponse:
        """The same methods, returning the HTTP response (`headers`, `request_id`, ...);
        `response.parse()` gives what the method returns."""
        return OptimizationWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> OptimizationWithStreamingResponse:
        """The same methods as context managers (`with ... as response:`): the request is
        sent on entry, the body read only when asked (`response.iter_lines()`,
        `response.parse()`)."""
        return OptimizationWithStreamingResponse(self)

    @cached_property
    def policy(self) -> Policy:
        """The routing policy (defaults and guardrails of `model="auto"`)."""
        return Policy(self._client)

    @cached_property
    def test_suites(self) -> TestSuites:
        """Prompt test suites."""
        return TestSuites(self._client)

    @cached_property
    def test_runs(self) -> TestRuns:
        """Results of test suite runs (also as CSV)."""
        return TestRuns(self._client)

    @cached_property
    def regression_schedules(self) -> RegressionSchedules:
        """Test suites run on a cadence."""
        return RegressionSchedules(self._client)

    def report(
        self,
        *,
        goal: str = "balanced",
        days: int = 30,
        min_calls_per_model: int = 3,
        use_policy: bool = True,
        persist_snapshot: bool = False,
        **options: Unpack[RequestOptions],
    ) -> OptimizationReport:
        """Get per-model statistics and the recommended model for a goal (`GET /optimization/report`).

        Args:
            goal: `balanced` (default), `latency`, `cost` or `reliability`.
            days: The window, in days (default 30).
            min_calls_per_model: Ignore models with fewer calls (default 3).
            use_policy: Apply the routing policy's guardrails (default True).
            persist_snapshot: Also save the report as a snapshot (default False).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        query = {
            "goal": goal,
            "days": days,
            "min_calls_per_model": min_calls_per_model,
            "use_policy": use_policy,
            "persist_snapshot": persist_snapshot,
        }
        return self._client.request(
            api_operation(
                "GET",
                "/optimization/report",
                query=query,
                options=options,
                parse=_types.OptimizationReport.from_api,
            )
        )

    def evaluate(self, **options: Unpack[RequestOptions]) -> EvaluationResult:
        """Evaluate recent traffic now and raise any alerts (`POST /optimization/evaluate`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "POST",
                "/optimization/evaluate",
                body={},
                options=options,
                parse=_types.EvaluationResult.from_api,
            )
        )

    def snapshots(
        self, *, limit: int = 20, goal: str | None = None, **options: Unpack[RequestOptions]
    ) -> SnapshotList:
        """List saved reports, newest first (`GET /optimization/snapshots`).

        Args:
            limit: The most snapshots to return (default 20).
            goal: Only snapshots of this goal.
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "GET",
                "/optimization/snapshots",
                query={"limit": limit, "goal": goal},
                options=options,
                parse=_types.SnapshotList.from_api,
            )
        )

    def alerts(self, *, limit: int = 12, **options: Unpack[RequestOptions]) -> AlertList:
        """List optimization alerts, newest first (`GET /optimization/alerts`).

        Args:
            limit: The most alerts to return (default 12).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "GET",
                "/optimization/alerts",
                query={"limit": limit},
                options=options,
                parse=_types.AlertList.from_api,
            )
        )

    def replay(
        self, *, days: int = 30, sample_size: int = 100, **options: Unpack[RequestOptions]
    ) -> ReplayResult:
        """Replay past traffic against the current policy and project the change (`POST /optimization/replay`).

        Args:
            days: How far back to sample, 1 to 90 (default 30).
            sample_size: How many requests to replay, 20 to 300 (default 100).
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        body = {"days": days, "sample_size": sample_size}
        return self._client.request(
            api_operation(
                "POST", "/optimization/replay", body=body, options=options, parse=_types.ReplayResult.from_api
            )
        )

    def test_templates(self, **options: Unpack[RequestOptions]) -> TestTemplateList:
        """List ready-made test suites to start from (`GET /optimization/test-templates`).

        Args:
            **options: Per-call request options (extra_headers, timeout, max_retries, ...).
        """
        return self._client.request(
            api_operation(
                "GET", "/optimization/test-templates", options=options, parse=_types.TestTemplateList.from_api
            )
        )


class OptimizationWithRawResponse(ResourceView):
    """`client.optimization.with_raw_response`: the methods of `client.optimization`, returning the HTTP response."""

    report: Final = to_raw_response_wrapper(Optimization.report)
    evaluate: Final = to_raw_response_wrapper(Optimization.evaluate)
    snapshots: Final = to_raw_response_wrapper(Optimization.snapshots)
    alerts: Final = to_raw_response_wrapper(Optimization.alerts)
    replay: Final = to_raw_response_wrapper(Optimization.replay)
    test_templates: Final = to_raw_response_wrapper(Optimization.test_templates)


class OptimizationWithStreamingResponse(ResourceView):
    """`client.optimization.with_streaming_response`: the methods of `client.optimization` as context managers
    that read the body only when asked."""

    report: Final = to_streamed_response_wrapper(Optimization.report)
    evaluate: Final = to_streamed_response_wrapper(Optimization.evaluate)
    snapshots: Final = to_streamed_response_wrapper(Optimization.snapshots)
    alerts: Final = to_streamed_response_wrapper(Optimization.alerts)
    replay: Final = to_streamed_response_wrapper(Optimization.replay)
    test_templates: Final = to_streamed_response_wrapper(Optimization.test_templates)


# </sync>
