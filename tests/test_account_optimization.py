"""`client.optimization` against the sandbox: policy (and its effect on `auto`), report, snapshots,
alerts, replay, templates, test suites, test runs (CSV) and regression schedules."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from account_support import chat, msg
from llmwise import BadRequestError, InternalServerError, NotFoundError
from llmwise.types.chat import RouteEvent, TraceEvent
from llmwise.types.optimization import (
    AlertList,
    EvaluationResult,
    OptimizationPolicy,
    OptimizationReport,
    RegressionSchedule,
    RegressionScheduleList,
    ReplayResult,
    SnapshotList,
)
from llmwise.types.optimization import TestRun as Run
from llmwise.types.optimization import TestRunList as RunList
from llmwise.types.optimization import TestSuite as Suite
from llmwise.types.optimization import TestSuiteList as SuiteList
from llmwise.types.optimization import TestTemplateList as TemplateList
from support import SandboxEnv, run

CASES = [
    {"prompt": "Say hello, then a comma, in one sentence.", "expected_contains": "the"},
    {"prompt": "2+2?"},
]


def test_policy_update_turns_on_auto_failover(env: SandboxEnv) -> None:
    policy = env.call(env.client.optimization.policy.retrieve())
    assert isinstance(policy, OptimizationPolicy)
    assert policy.max_fallbacks == 0 and policy.goal == "balanced"

    events, error, _ = env.stream(model="auto", messages=msg("Plan a migration."))
    assert error is None
    assert not any(isinstance(e, (RouteEvent, TraceEvent)) for e in events)

    updated = env.call(env.client.optimization.policy.update(max_fallbacks=2))
    assert env.sandbox.requests[-1].json == {"max_fallbacks": 2}
    assert updated.max_fallbacks == 2 and updated.updated_at
    assert env.call(env.client.optimization.policy.retrieve()).max_fallbacks == 2

    events, error, stream = env.stream(model="auto", messages=msg("Plan a migration."))
    assert error is None
    routes = [e for e in events if isinstance(e, RouteEvent)]
    assert routes and routes[-1].status == "ok"
    trace = next(e for e in events if isinstance(e, TraceEvent))
    assert trace.final_model == routes[-1].model
    assert run(stream.get_final_completion()).resolved_model == trace.final_model


def test_policy_fields_are_checked_and_unknown_ones_sent(env: SandboxEnv) -> None:
    updated = env.call(
        env.client.optimization.policy.update(
            goal="cost", blocked_models=["gpt-5.2"], allowed_models=[], max_cost_per_request_usd=0.5
        )
    )
    assert (updated.goal, updated.blocked_models, updated.max_cost_per_request_usd) == (
        "cost",
        ["gpt-5.2"],
        0.5,
    )

    before = len(env.sandbox.requests)
    with pytest.raises(TypeError, match="max_fallbacks"):
        env.call(env.client.optimization.policy.update(max_fallbacks="2"))
    assert len(env.sandbox.requests) == before

    # The policy schema is open: an unknown field goes to the server as given (this one refuses it).
    update = env.client.optimization.policy.update
    with pytest.raises(BadRequestError):
        env.call(update(max_fallbacks=1, shadow_traffic_pct=5))
    assert env.sandbox.requests[-1].json == {"max_fallbacks": 1, "shadow_traffic_pct": 5}
    with pytest.raises(BadRequestError):
        env.call(update(max_fallbacks=9))  # out of range: the server owns value ranges


def test_report_and_snapshots(env: SandboxEnv) -> None:
    for i in range(3):
        chat(env, f"Question {i}")
    report = env.call(env.client.optimization.report())
    assert env.sandbox.requests[-1].query == {
        "goal": "balanced",
        "days": "30",
        "min_calls_per_model": "3",
        "use_policy": "true",
        "persist_snapshot": "false",
    }
    assert isinstance(report, OptimizationReport)
    assert (report.goal, report.days, report.recommended_model, report.snapshot_id) == (
        "balanced",
        30,
        "gpt-5.2",
        None,
    )
    assert report.models is not None
    (stats,) = report.models
    assert (stats.model, stats.calls, stats.success_rate) == ("gpt-5.2", 3, 1.0)

    saved = env.call(
        env.client.optimization.report(goal="latency", persist_snapshot=True, min_calls_per_model=1)
    )
    assert env.sandbox.requests[-1].query["persist_snapshot"] == "true"
    assert saved.snapshot_id
    snapshots = env.call(env.client.optimization.snapshots())
    assert env.sandbox.requests[-1].query == {"limit": "20"}
    assert isinstance(snapshots, SnapshotList)
    assert [(s.id, s.goal, s.recommended_model) for s in snapshots.data] == [
        (saved.snapshot_id, "latency", "gpt-5.2")
    ]
    assert env.call(env.client.optimization.snapshots(goal="cost", limit=5)).snapshots == []
    assert env.sandbox.requests[-1].query == {"limit": "5", "goal": "cost"}


def test_evaluate_and_alerts(env: SandboxEnv) -> None:
    env.sandbox.set_model("claude-sonnet-4.5", fail_status=500)
    for _ in range(2):
        with pytest.raises(InternalServerError):
            chat(env, "Hi", model="claude-sonnet-4.5", max_retries=0)

    result = env.call(env.client.optimization.evaluate())
    assert env.sandbox.requests[-1].json == {}
    assert isinstance(result, EvaluationResult)
    assert result.status == "ok" and result.alerts_created == 1 and result.evaluated_at

    alerts = env.call(env.client.optimization.alerts())
    assert env.sandbox.requests[-1].query == {"limit": "12"}
    assert isinstance(alerts, AlertList)
    (alert,) = alerts.data
    assert alert.severity == "critical" and alert.message and "claude-sonnet-4.5" in alert.message
    assert env.call(env.client.optimization.evaluate()).alerts_created == 0  # not raised twice


def test_replay(env: SandboxEnv) -> None:
    chat(env, "One")
    result = env.call(env.client.optimization.replay())
    assert env.sandbox.requests[-1].json == {"days": 30, "sample_size": 100}
    assert isinstance(result, ReplayResult)
    assert (result.days, result.sample_size, result.sampled) == (30, 100, 1)
    assert result.projected is not None and result.projected.cost_delta_pct is not None

    env.call(env.client.optimization.replay(days=7, sample_size=20))
    assert env.sandbox.requests[-1].json == {"days": 7, "sample_size": 20}
    with pytest.raises(BadRequestError):
        env.call(env.client.optimization.replay(days=91))


def test_templates(env: SandboxEnv) -> None:
    templates = env.call(env.client.optimization.test_templates())
    assert isinstance(templates, TemplateList)
    assert templates.templates and all(t.id and t.cases for t in templates.templates)
    first = templates.templates[0]
    assert first.cases is not None and first.cases[0].prompt


def test_suites_runs_and_csv(env: SandboxEnv, tmp_path: Path) -> None:
    suites = env.client.optimization.test_suites
    created = env.call(suites.create(name="Smoke", cases=CASES, models=["gpt-5.2", "gemini-3-flash"]))
    assert env.sandbox.requests[-1].json == {
        "name": "Smoke",
        "cases": CASES,
        "models": ["gpt-5.2", "gemini-3-flash"],
    }
    assert isinstance(created, Suite)
    assert isinstance(created.id, str) and created.id.startswith("suite_") and created.name == "Smoke"
    assert created.cases is not None and [c.prompt for c in created.cases] == [c["prompt"] for c in CASES]
    assert created.cases[0].expected_contains == "the" and created.cases[1].expected_contains is None

    updated = env.call(suites.update(created.id, description="Two prompts"))
    assert env.sandbox.requests[-1].json == {"description": "Two prompts"}
    assert updated.description == "Two prompts" and updated.name == "Smoke"
    listed = env.call(suites.list())
    assert env.sandbox.requests[-1].query == {"limit": "25"}
    assert isinstance(listed, SuiteList) and [s.id for s in listed.data] == [created.id]

    result = env.call(suites.run(created.id))
    assert env.sandbox.requests[-1].json == {}
    assert isinstance(result, Run)
    assert result.suite_id == created.id and result.status == "completed" and result.schedule_id is None
    assert result.results is not None and len(result.results) == 4  # 2 cases x 2 models
    assert result.passed is not None and result.failed is not None
    assert result.passed + result.failed == 4
    assert result.passed == sum(1 for r in result.results if r.passed)

    runs = env.call(env.client.optimization.test_runs.list())
    assert env.sandbox.requests[-1].query == {"limit": "20"}
    assert isinstance(runs, RunList) and [r.id for r in runs.data] == [result.id]

    target = tmp_path / "run.csv"
    text = env.call(env.client.optimization.test_runs.csv(result.id, path=target))
    assert isinstance(text, str)
    assert env.sandbox.requests[-1].headers["accept"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == "prompt,model,passed,latency_ms,output"
    assert [(r["prompt"], r["model"]) for r in rows] == [(x.prompt, x.model) for x in result.results]
    assert [r["output"] for r in rows] == [x.output for x in result.results]
    assert target.read_bytes() == text.encode()  # byte for byte, line endings included

    # Without a path nothing is written; the text is the same.
    assert env.call(env.client.optimization.test_runs.csv(result.id)) == text


def test_suite_errors(env: SandboxEnv) -> None:
    suites = env.client.optimization.test_suites
    with pytest.raises(NotFoundError):
        env.call(suites.run("suite_missing"))
    with pytest.raises(NotFoundError):
        env.call(suites.update("suite/x y", name="x"))
    assert env.sandbox.requests[-1].path == "/optimization/test-suites/suite%2Fx%20y"
    with pytest.raises(NotFoundError):
        env.call(env.client.optimization.test_runs.csv("run 1/2"))
    assert env.sandbox.requests[-1].path == "/optimization/test-runs/run%201%2F2/csv"
    with pytest.raises(BadRequestError):
        env.call(suites.create(name="No cases", cases=[]))
    before = len(env.sandbox.requests)
    with pytest.raises(ValueError, match="suite_id"):
        env.call(suites.run(""))
    with pytest.raises(ValueError, match="run_id"):
        env.call(env.client.optimization.test_runs.csv(" "))
    with pytest.raises(TypeError, match="cases"):
        env.call(suites.create(name="Bad", cases="2+2?"))
    assert len(env.sandbox.requests) == before


def test_regression_schedules(env: SandboxEnv) -> None:
    suite = env.call(
        env.client.optimization.test_suites.create(name="Nightly", cases=CASES[1:], models=["gpt-5.2"])
    )
    schedules = env.client.optimization.regression_schedules

    created = env.call(schedules.create(suite_id=suite.id))
    assert env.sandbox.requests[-1].json == {"suite_id": suite.id}
    assert isinstance(created, RegressionSchedule)
    assert isinstance(created.id, str) and created.id.startswith("sched_") and created.suite_id == suite.id
    assert (created.cadence, created.enabled, created.last_run_id) == ("daily", True, None)
    assert created.next_run_at

    updated = env.call(schedules.update(created.id, cadence="weekly", enabled=False))
    assert env.sandbox.requests[-1].json == {"cadence": "weekly", "enabled": False}
    assert (updated.cadence, updated.enabled) == ("weekly", False)

    result = env.call(schedules.run(created.id))
    assert isinstance(result, Run) and result.schedule_id == created.id and result.suite_id == suite.id

    listed = env.call(schedules.list())
    assert env.sandbox.requests[-1].query == {"limit": "30"}
    assert isinstance(listed, RegressionScheduleList)
    (schedule,) = listed.data
    assert schedule.last_run_id == result.id

    with pytest.raises(NotFoundError):
        env.call(schedules.create(suite_id="suite_missing"))
    with pytest.raises(NotFoundError):
        env.call(schedules.run("sched_missing"))
    with pytest.raises(ValueError, match="schedule_id"):
        env.call(schedules.update("", cadence="daily"))
