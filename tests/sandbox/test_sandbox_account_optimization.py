"""Optimization and settings endpoints (docs/account-wire.md): policy (and auto failover), report,
snapshots, alerts, replay, test suites/runs/CSV, regression schedules, provider keys, copilot."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest

from llmwise.sandbox import model_text

from .helpers import USER, Env

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
FREE = "arcee-trinity-large-preview-free"


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def error(response: httpx.Response, status: int, *names: str) -> str:
    assert response.status_code == status, response.text
    message: str = response.json()["error"]
    for name in names:
        assert name in message, message
    return message


def chat(env: Env, model: str, text: str = "Summarize the release notes") -> httpx.Response:
    return env.post(
        "/chat", {"model": model, "messages": [{"role": "user", "content": text}], "stream": False}
    )


# -- policy ---------------------------------------------------------------------------------------


def test_policy_defaults_and_updates(env: Env) -> None:
    assert ok(env.client.get("/optimization/policy")) == {
        "goal": "balanced",
        "max_fallbacks": 0,
        "allowed_models": [],
        "blocked_models": [],
        "max_cost_per_request_usd": None,
        "updated_at": None,
    }
    updated = ok(
        env.client.put(
            "/optimization/policy",
            json={"goal": "cost", "blocked_models": ["grok-3", "grok-3"], "max_cost_per_request_usd": 0.01},
        )
    )
    assert updated["goal"] == "cost" and updated["blocked_models"] == ["grok-3"]
    assert updated["max_cost_per_request_usd"] == 0.01 and updated["max_fallbacks"] == 0
    assert ISO.fullmatch(updated["updated_at"])
    assert ok(env.client.get("/optimization/policy")) == updated
    cleared = ok(
        env.client.put("/optimization/policy", json={"max_cost_per_request_usd": None, "updated_at": "x"})
    )
    assert cleared["max_cost_per_request_usd"] is None and cleared["goal"] == "cost"


@pytest.mark.parametrize(
    "body,name",
    [
        ({"max_fallbacks": 6}, "'max_fallbacks'"),
        ({"max_fallbacks": -1}, "'max_fallbacks'"),
        ({"max_fallbacks": "2"}, "'max_fallbacks'"),
        ({"max_fallbacks": True}, "'max_fallbacks'"),
        ({"goal": "speed"}, "'goal'"),
        ({"allowed_models": ["gpt-9"]}, "'allowed_models[0]'"),
        ({"blocked_models": "gpt-5.2"}, "'blocked_models'"),
        ({"max_cost_per_request_usd": -1}, "'max_cost_per_request_usd'"),
        ({"max_fallback": 1}, "'max_fallback'"),
    ],
)
def test_policy_constraint_violations(env: Env, body: dict[str, Any], name: str) -> None:
    error(env.client.put("/optimization/policy", json=body), 400, name)
    assert env.sb.policy == {"max_fallbacks": 0}  # nothing was applied


def test_policy_max_fallbacks_turns_auto_into_failover(env: Env) -> None:
    body = {"model": "auto", "messages": USER}
    single = env.stream_events("/chat", body)
    assert not any(e.get("event") in ("route", "trace") for e in single)
    assert single[-1]["mode"] == "auto" and single[-1]["resolved_model"] == "gemini-3-flash"

    assert ok(env.client.put("/optimization/policy", json={"max_fallbacks": 2}))["max_fallbacks"] == 2
    assert env.sb.policy["max_fallbacks"] == 2  # the same dict auto routing reads
    env.sb.set_model("gemini-3-flash", fail_status=503)
    found = env.stream_events("/chat", body)
    routes = [(e["model"], e["status"]) for e in found if e.get("event") == "route"]
    assert routes == [
        ("gemini-3-flash", "trying"),
        ("gemini-3-flash", "failed"),
        ("gpt-5.2", "trying"),
        ("gpt-5.2", "ok"),
    ]
    trace = next(e for e in found if e.get("event") == "trace")
    assert trace["final_model"] == "gpt-5.2" and [a["model"] for a in trace["attempts"]] == [
        "gemini-3-flash",
        "gpt-5.2",
    ]
    assert found[-1]["mode"] == "mesh" and found[-1]["resolved_model"] == "gpt-5.2"
    assert "".join(e["delta"] for e in found if e.get("event") == "chunk") == model_text("gpt-5.2", USER)

    ok(env.client.put("/optimization/policy", json={"max_fallbacks": 0}))
    assert env.post("/chat", {**body, "stream": False}).status_code == 503  # no failover any more


# -- report, snapshots, alerts, evaluate, replay --------------------------------------------------


def _traffic(env: Env) -> None:
    for _ in range(3):
        assert chat(env, "gpt-5.2").status_code == 200
        assert chat(env, FREE).status_code == 200
    for fail in (False, False, True):
        env.sb.set_model("deepseek-v3", fail_status=503 if fail else None)
        chat(env, "deepseek-v3")
    env.sb.set_model("deepseek-v3")
    chat(env, "mistral-large")  # one call only: under min_calls_per_model


def test_report_is_computed_from_history(env: Env) -> None:
    _traffic(env)
    report = ok(env.client.get("/optimization/report"))
    assert (report["goal"], report["days"], report["snapshot_id"]) == ("balanced", 30, None)
    rows = {row["model"]: row for row in report["models"]}
    assert set(rows) == {"gpt-5.2", FREE, "deepseek-v3"}
    assert rows[FREE] == {
        "model": FREE,
        "calls": 3,
        "avg_latency_ms": 0,
        "success_rate": 1.0,
        "avg_cost_usd": 0.0,
    }
    assert rows["deepseek-v3"]["success_rate"] == 0.6667 and rows["gpt-5.2"]["avg_cost_usd"] > 0
    assert report["recommended_model"] == report["models"][0]["model"] == FREE
    assert ok(env.client.get("/optimization/report")) == report  # deterministic

    reliability = ok(env.client.get("/optimization/report", params={"goal": "reliability"}))
    assert [r["model"] for r in reliability["models"]] == [FREE, "gpt-5.2", "deepseek-v3"]
    assert ok(env.client.get("/optimization/report", params={"goal": "cost"}))["recommended_model"] == FREE
    one_call = ok(env.client.get("/optimization/report", params={"min_calls_per_model": 1}))
    assert "mistral-large" in {r["model"] for r in one_call["models"]}
    none = ok(env.client.get("/optimization/report", params={"min_calls_per_model": 10}))
    assert none["models"] == [] and none["recommended_model"] is None

    ok(env.client.put("/optimization/policy", json={"blocked_models": [FREE]}))
    assert ok(env.client.get("/optimization/report"))["recommended_model"] == "gpt-5.2"
    unfiltered = ok(env.client.get("/optimization/report", params={"use_policy": "false"}))
    assert unfiltered["recommended_model"] == FREE

    env.sb.state.history[0].created_at -= 40 * 86400  # one gpt-5.2 call falls out of the window
    assert {r["model"] for r in ok(env.client.get("/optimization/report"))["models"]} == {"deepseek-v3"}
    assert (
        ok(env.client.get("/optimization/report", params={"days": 90, "use_policy": "0"}))["models"][0][
            "calls"
        ]
        == 3
    )


def test_snapshots_are_persisted_on_request(env: Env) -> None:
    _traffic(env)
    first = ok(env.client.get("/optimization/report", params={"persist_snapshot": "true"}))
    assert re.fullmatch(r"snap_[0-9a-f]{24}", first["snapshot_id"])
    second = ok(
        env.client.get("/optimization/report", params={"persist_snapshot": "true", "goal": "reliability"})
    )
    snapshots = ok(env.client.get("/optimization/snapshots"))["snapshots"]
    assert [s["id"] for s in snapshots] == [second["snapshot_id"], first["snapshot_id"]]
    assert snapshots[1] == {
        "id": first["snapshot_id"],
        "goal": "balanced",
        "recommended_model": FREE,
        "created_at": snapshots[1]["created_at"],
    }
    only = ok(env.client.get("/optimization/snapshots", params={"goal": "balanced"}))["snapshots"]
    assert [s["id"] for s in only] == [first["snapshot_id"]]
    assert len(ok(env.client.get("/optimization/snapshots", params={"limit": 1}))["snapshots"]) == 1


def test_evaluate_raises_alerts_for_unreliable_models(env: Env) -> None:
    assert ok(env.post("/optimization/evaluate", {}))["alerts_created"] == 0
    _traffic(env)
    env.sb.set_model("mistral-large", fail_status=503)
    chat(env, "mistral-large")
    result = ok(env.post("/optimization/evaluate", {}))
    assert (
        result["status"] == "ok" and result["alerts_created"] == 2 and ISO.fullmatch(result["evaluated_at"])
    )
    alerts = ok(env.client.get("/optimization/alerts"))["alerts"]
    assert [(a["severity"], a["message"]) for a in alerts] == [
        ("warning", "mistral-large: success rate 50% over the last 30 days (1/2 calls)"),
        ("warning", "deepseek-v3: success rate 67% over the last 30 days (2/3 calls)"),
    ]
    assert all(
        re.fullmatch(r"alert_[0-9a-f]{24}", a["id"]) and a["created_at"] == result["evaluated_at"]
        for a in alerts
    )
    assert ok(env.post("/optimization/evaluate", {}))["alerts_created"] == 0  # nothing new
    chat(env, "mistral-large")
    assert ok(env.post("/optimization/evaluate", {}))["alerts_created"] == 1
    latest = ok(env.client.get("/optimization/alerts", params={"limit": 1}))["alerts"]
    assert latest[0]["severity"] == "critical"  # under 50%
    assert latest[0]["message"] == "mistral-large: success rate 33% over the last 30 days (1/3 calls)"


def test_replay_projects_the_policy_goal(env: Env) -> None:
    empty = ok(env.post("/optimization/replay", {}))
    assert empty == {
        "days": 30,
        "sample_size": 100,
        "sampled": 0,
        "projected": {"cost_delta_pct": 0.0, "latency_delta_pct": 0.0, "success_rate_delta_pct": 0.0},
    }
    _traffic(env)
    ok(env.client.put("/optimization/policy", json={"goal": "cost"}))
    replay = ok(env.post("/optimization/replay", {"days": 7, "sample_size": 20}))
    assert (replay["days"], replay["sample_size"], replay["sampled"]) == (7, 20, 10)
    assert replay["projected"]["cost_delta_pct"] == -100.0  # the free model costs nothing
    assert replay["projected"]["success_rate_delta_pct"] == 11.1  # 9/10 ok -> 100%
    assert replay["projected"]["latency_delta_pct"] == 0.0
    assert ok(env.post("/optimization/replay", {"days": 7, "sample_size": 20})) == replay

    query = ok(env.client.post("/optimization/replay", params={"days": 5, "sample_size": 50}))
    assert (query["days"], query["sample_size"]) == (5, 50)
    mixed = ok(env.client.post("/optimization/replay", params={"days": 5}, json={"days": 9}))
    assert (mixed["days"], mixed["sample_size"]) == (9, 100)  # the body wins over the query


@pytest.mark.parametrize(
    "body,query,name",
    [
        ({"days": 0}, {}, "'days'"),
        ({"days": 91}, {}, "'days'"),
        ({"sample_size": 19}, {}, "'sample_size'"),
        ({"sample_size": 301}, {}, "'sample_size'"),
        ({"sample_size": "100"}, {}, "'sample_size'"),
        ({}, {"days": "abc"}, "'days'"),
        ({}, {"sample_size": "5"}, "'sample_size'"),
    ],
)
def test_replay_ranges(env: Env, body: dict[str, Any], query: dict[str, str], name: str) -> None:
    error(env.client.post("/optimization/replay", params=query, json=body), 400, name)


# -- test templates, suites, runs, CSV ------------------------------------------------------------


def test_templates(env: Env) -> None:
    templates = ok(env.client.get("/optimization/test-templates"))["templates"]
    assert [t["id"] for t in templates] == ["tpl_smoke", "tpl_support", "tpl_routing"]
    assert all(set(t) == {"id", "name", "description", "cases"} and t["cases"] for t in templates)
    assert all(isinstance(c["prompt"], str) for t in templates for c in t["cases"])


def test_suite_create_update_run_and_csv(env: Env) -> None:
    cases = [{"prompt": "Say hello", "expected_contains": "THE"}, {"prompt": "Count to three"}]
    suite = ok(
        env.post(
            "/optimization/test-suites",
            {"name": "Smoke", "cases": cases, "models": ["gpt-5.2", "deepseek-v3"], "extra": "ignored"},
        )
    )
    assert re.fullmatch(r"suite_[0-9a-f]{24}", suite["id"])
    assert suite == {
        "id": suite["id"],
        "name": "Smoke",
        "description": "",
        "cases": cases,
        "models": ["gpt-5.2", "deepseek-v3"],
        "created_at": suite["created_at"],
        "updated_at": suite["created_at"],
    }
    default = ok(env.post("/optimization/test-suites", {"name": "Defaults", "cases": [{"prompt": "hi"}]}))
    assert default["models"] == ["gpt-5.2"]  # the first catalogue model
    assert [s["id"] for s in ok(env.client.get("/optimization/test-suites"))["suites"]] == [
        default["id"],
        suite["id"],
    ]

    renamed = ok(
        env.client.put(
            f"/optimization/test-suites/{suite['id']}", json={"name": "Smoke v2", "description": "d"}
        )
    )
    assert renamed["name"] == "Smoke v2" and renamed["description"] == "d" and renamed["cases"] == cases
    assert renamed["updated_at"] >= renamed["created_at"]

    env.sb.set_model("deepseek-v3", fail_status=503)
    run = ok(env.post(f"/optimization/test-suites/{suite['id']}/run", {}))
    assert re.fullmatch(r"run_[0-9a-f]{24}", run["id"])
    assert run["suite_id"] == suite["id"] and run["status"] == "completed" and "schedule_id" not in run
    hello = model_text("gpt-5.2", [{"role": "user", "content": "Say hello"}])
    assert run["results"][0] == {
        "prompt": "Say hello",
        "model": "gpt-5.2",
        "passed": "the" in hello.lower(),
        "output": hello,
        "latency_ms": 0,
    }
    assert [(r["prompt"], r["model"], r["passed"]) for r in run["results"]] == [
        ("Say hello", "gpt-5.2", True),
        ("Say hello", "deepseek-v3", False),
        ("Count to three", "gpt-5.2", True),
        ("Count to three", "deepseek-v3", False),
    ]
    assert run["results"][1]["output"] == "" and (run["passed"], run["failed"]) == (2, 2)
    assert env.sb.credits == 1000 and env.sb.history == []  # runs are free and not history

    ok(
        env.client.put(
            f"/optimization/test-suites/{suite['id']}",
            json={"cases": [{"prompt": "x", "expected_contains": "zzz"}]},
        )
    )
    env.sb.set_model("deepseek-v3")
    second = ok(env.client.post(f"/optimization/test-suites/{suite['id']}/run"))
    assert (second["passed"], second["failed"]) == (0, 2)
    runs = ok(env.client.get("/optimization/test-runs"))["runs"]
    assert [r["id"] for r in runs] == [second["id"], run["id"]] and runs[1] == run

    response = env.client.get(f"/optimization/test-runs/{run['id']}/csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["prompt", "model", "passed", "latency_ms", "output"]
    assert rows[1] == ["Say hello", "gpt-5.2", "true", "0", hello]
    assert rows[2] == ["Say hello", "deepseek-v3", "false", "0", ""]
    assert len(rows) == 5
    error(env.client.get("/optimization/test-runs/run_missing/csv"), 404, "run_missing")
    error(env.post("/optimization/test-suites/suite_missing/run", {}), 404, "suite_missing")
    error(env.client.put("/optimization/test-suites/suite_missing", json={"name": "x"}), 404, "suite_missing")


@pytest.mark.parametrize(
    "body,name",
    [
        ({"cases": [{"prompt": "p"}]}, "'name'"),
        ({"name": "  ", "cases": [{"prompt": "p"}]}, "'name'"),
        ({"name": "n"}, "'cases'"),
        ({"name": "n", "cases": []}, "'cases'"),
        ({"name": "n", "cases": "p"}, "'cases'"),
        ({"name": "n", "cases": [{}]}, "'cases[0].prompt'"),
        ({"name": "n", "cases": ["p"]}, "'cases[0]'"),
        ({"name": "n", "cases": [{"prompt": "p", "expected_contains": 3}]}, "'cases[0].expected_contains'"),
        ({"name": "n", "cases": [{"prompt": "p"}], "models": ["gpt-9"]}, "'models[0]'"),
        ({"name": "n", "cases": [{"prompt": "p"}], "models": ["gpt-5.2", "gpt-5.2"]}, "'models'"),
        ({"name": "n", "cases": [{"prompt": "p"}], "models": []}, "'models'"),
    ],
)
def test_suite_constraint_violations(env: Env, body: dict[str, Any], name: str) -> None:
    error(env.post("/optimization/test-suites", body), 400, name)


def test_regression_schedules(env: Env) -> None:
    suite = ok(env.post("/optimization/test-suites", {"name": "s", "cases": [{"prompt": "hi"}]}))["id"]
    schedule = ok(env.post("/optimization/regression-schedules", {"suite_id": suite}))
    assert re.fullmatch(r"sched_[0-9a-f]{24}", schedule["id"])
    assert (schedule["suite_id"], schedule["cadence"], schedule["enabled"], schedule["last_run_id"]) == (
        suite,
        "daily",
        True,
        None,
    )
    assert ISO.fullmatch(schedule["next_run_at"]) and schedule["next_run_at"] > schedule["created_at"]
    weekly = ok(
        env.post(
            "/optimization/regression-schedules", {"suite_id": suite, "cadence": "weekly", "enabled": False}
        )
    )
    assert (
        weekly["cadence"] == "weekly"
        and weekly["enabled"] is False
        and weekly["next_run_at"] > schedule["next_run_at"]
    )
    listed = ok(env.client.get("/optimization/regression-schedules"))["schedules"]
    assert [s["id"] for s in listed] == [weekly["id"], schedule["id"]]

    updated = ok(
        env.client.put(
            f"/optimization/regression-schedules/{schedule['id']}",
            json={"cadence": "weekly", "enabled": False},
        )
    )
    assert updated["cadence"] == "weekly" and updated["enabled"] is False
    run = ok(env.post(f"/optimization/regression-schedules/{schedule['id']}/run", {}))
    assert run["schedule_id"] == schedule["id"] and run["suite_id"] == suite and run["status"] == "completed"
    after = ok(env.client.get("/optimization/regression-schedules"))["schedules"][1]
    assert after["last_run_id"] == run["id"]
    assert ok(env.client.get("/optimization/test-runs"))["runs"][0]["schedule_id"] == schedule["id"]

    error(env.post("/optimization/regression-schedules", {"suite_id": "suite_missing"}), 404, "suite_missing")
    error(env.post("/optimization/regression-schedules", {}), 400, "'suite_id'")
    error(
        env.post("/optimization/regression-schedules", {"suite_id": suite, "cadence": "hourly"}),
        400,
        "'cadence'",
    )
    error(env.post("/optimization/regression-schedules", {"suite_id": suite, "enabled": 1}), 400, "'enabled'")
    error(
        env.client.put(f"/optimization/regression-schedules/{schedule['id']}", json={"suite_id": "nope"}),
        404,
        "nope",
    )
    error(env.client.put("/optimization/regression-schedules/sched_missing", json={}), 404, "sched_missing")
    error(env.post("/optimization/regression-schedules/sched_missing/run", {}), 404, "sched_missing")


def test_optimization_list_defaults(env: Env) -> None:
    suite = ok(env.post("/optimization/test-suites", {"name": "s", "cases": [{"prompt": "hi"}]}))["id"]
    for i in range(25):
        ok(env.post("/optimization/test-suites", {"name": f"s{i}", "cases": [{"prompt": "hi"}]}))
    for _ in range(21):
        ok(env.post(f"/optimization/test-suites/{suite}/run", {}))
    for _ in range(31):
        ok(env.post("/optimization/regression-schedules", {"suite_id": suite}))
    for _ in range(21):
        ok(env.client.get("/optimization/report", params={"persist_snapshot": "true"}))
    env.sb.set_model("gpt-5.2", fail_status=503)
    for _ in range(13):
        chat(env, "gpt-5.2")
        assert ok(env.post("/optimization/evaluate", {}))["alerts_created"] == 1
    assert len(ok(env.client.get("/optimization/test-suites"))["suites"]) == 25
    assert len(ok(env.client.get("/optimization/test-runs"))["runs"]) == 20
    assert len(ok(env.client.get("/optimization/regression-schedules"))["schedules"]) == 30
    assert len(ok(env.client.get("/optimization/snapshots"))["snapshots"]) == 20
    assert len(ok(env.client.get("/optimization/alerts"))["alerts"]) == 12


BAD_QUERIES = [
    ("/optimization/report", "goal", "speed"),
    ("/optimization/report", "days", "0"),
    ("/optimization/report", "days", "thirty"),
    ("/optimization/report", "min_calls_per_model", "0"),
    ("/optimization/report", "use_policy", "maybe"),
    ("/optimization/report", "persist_snapshot", "2"),
    ("/optimization/snapshots", "limit", "0"),
    ("/optimization/snapshots", "goal", "fast"),
    ("/optimization/alerts", "limit", "abc"),
    ("/optimization/test-suites", "limit", "-1"),
    ("/optimization/test-runs", "limit", "x"),
    ("/optimization/regression-schedules", "limit", "0"),
]


def test_bad_query_values_are_400_naming_the_parameter(env: Env) -> None:
    for path, name, value in BAD_QUERIES:
        error(env.client.get(path, params={name: value}), 400, f"'{name}'")


# -- settings: provider keys, copilot -------------------------------------------------------------


def test_provider_keys_never_return_raw_keys(env: Env) -> None:
    assert ok(env.client.get("/settings/keys")) == {"providers": []}
    secret = "sk-openai-secret-value-1234"
    saved = env.client.put(
        "/settings/keys", json={"keys": {"openai": secret, "Anthropic": "sk-ant-secret-9876"}}
    )
    assert secret not in saved.text and "sk-ant-secret" not in saved.text
    providers = ok(saved)["providers"]
    assert [(p["provider"], p["configured"], p["last4"]) for p in providers] == [
        ("anthropic", True, "9876"),
        ("openai", True, "1234"),
    ]
    assert all(
        set(p) == {"provider", "configured", "last4", "updated_at"} and ISO.fullmatch(p["updated_at"])
        for p in providers
    )
    assert ok(env.client.get("/settings/keys")) == {"providers": providers}
    replaced = ok(env.client.put("/settings/keys", json={"keys": {"openai": "sk-new-key-5555"}}))["providers"]
    assert [p["last4"] for p in replaced] == ["9876", "5555"]

    assert ok(env.client.delete("/settings/keys/openai")) == {"deleted": True, "provider": "openai"}
    error(env.client.delete("/settings/keys/openai"), 404, "openai")
    assert [p["provider"] for p in ok(env.client.get("/settings/keys"))["providers"]] == ["anthropic"]
    error(env.client.put("/settings/keys", json={}), 400, "'keys'")
    error(env.client.put("/settings/keys", json={"keys": ["sk"]}), 400, "'keys'")
    error(env.client.put("/settings/keys", json={"keys": {"openai": "short"}}), 400, "'keys.openai'")
    error(
        env.client.put("/settings/keys", json={"keys": {"bad name!": "sk-long-enough"}}),
        400,
        "'keys.bad name!'",
    )


def test_copilot_state_and_ask(env: Env) -> None:
    assert ok(env.client.get("/settings/copilot")) == {"goal": None, "onboarded": False, "checklist": {}}
    state = ok(
        env.client.put("/settings/copilot", json={"goal": "cut costs", "checklist": {"first_chat": True}})
    )
    assert state == {"goal": "cut costs", "onboarded": False, "checklist": {"first_chat": True}}
    state = ok(env.client.put("/settings/copilot", json={"onboarded": True, "checklist": {"byok": False}}))
    assert state == {"goal": "cut costs", "onboarded": True, "checklist": {"first_chat": True, "byok": False}}
    assert ok(env.client.get("/settings/copilot")) == state
    error(env.client.put("/settings/copilot", json={"checklist": {"x": "yes"}}), 400, "'checklist.x'")
    error(env.client.put("/settings/copilot", json={"onboarded": "yes"}), 400, "'onboarded'")
    error(env.client.put("/settings/copilot", json={"goal": 3}), 400, "'goal'")

    question = {
        "question": "Why did my credits drop after a compare?",
        "path": "/dashboard/usage",
        "context": {"plan": "free"},
    }
    answer = ok(env.post("/settings/copilot/ask", question))
    assert set(answer) == {"answer", "sources"}
    assert answer["answer"].startswith("On /dashboard/usage:") and "cut costs" in answer["answer"]
    assert answer["sources"] == ["/docs/billing-and-credits", "/docs/compare-blend-judge-reference"]
    assert ok(env.post("/settings/copilot/ask", question)) == answer  # deterministic
    general = ok(env.post("/settings/copilot/ask", {"question": "hello?"}))
    assert general["sources"] == ["/docs"] and general["answer"]
    error(env.post("/settings/copilot/ask", {"question": "   "}), 400, "'question'")
    error(env.post("/settings/copilot/ask", {}), 400, "'question'")
    error(env.post("/settings/copilot/ask", {"question": "q", "context": {"a": 1}}), 400, "'context.a'")
    assert (
        env.post("/settings/copilot/ask", {"question": "q"}).headers["x-ratelimit-limit"] == "30"
    )  # copilot bucket
