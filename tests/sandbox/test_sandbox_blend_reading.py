"""Blend ``chain`` runs step by step, each step reading the previous answer; each ``moa`` layer reads the
answers of the layer before (contract §3.3). Visible in the sandbox's deterministic texts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from llmwise import LLMWise
from llmwise.sandbox import Sandbox, model_text
from llmwise.testing import Scenario
from llmwise.types.shared import MessageParam

from .helpers import USER, Env

A, B, C = "gpt-5.2", "deepseek-v3", "claude-haiku-4.5"
QUESTION = USER[0]["content"]
SDK_USER: list[MessageParam] = [{"role": "user", "content": QUESTION}]


def sources_by_label(found: list[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for event in found:
        if event.get("phase") in ("gather", "layer") and not event.get("done"):
            label = f"{event['model']}#{event.get('step') or event.get('layer')}"
            out[label] = out.get(label, "") + event["delta"]
    return out


def test_chain_runs_sequentially_each_step_reading_the_previous_answer(env: Env) -> None:
    env.sb.set_model(A, latency=0.002)  # step 1 is slow: step 2 still waits for it
    found = env.stream_events("/blend", {"models": [A, B, C], "messages": USER, "strategy": "chain"})
    gather = [e for e in found if e.get("phase") == "gather"]
    # Sequential: every frame of step k comes after every frame of step k-1.
    assert [e["step"] for e in gather] == sorted(e["step"] for e in gather)
    assert [e["model"] for e in gather if e["done"]] == [A, B, C]

    texts = sources_by_label(found)
    first = texts[f"{A}#1"]
    assert first == model_text(A, USER)
    second = texts[f"{B}#2"]
    assert second.startswith(f'[{B}] Building on {A} ("{" ".join(first.split()[1:5])}...'), second
    assert second == model_text(B, USER, reading=[(A, first)])
    third = texts[f"{C}#3"]
    assert third.startswith(f"[{C}] Building on {B} (") and third == model_text(C, USER, reading=[(B, second)])

    body = env.post("/blend", {"models": [A, B, C], "messages": USER, "strategy": "chain", "stream": False}).json()
    assert [(s["model"], s["step"], s["content"]) for s in body["sources"]] == [
        (A, 1, first),
        (B, 2, second),
        (C, 3, third),
    ]
    # Step 2 read step 1's answer: its prompt holds it.
    assert body["sources"][1]["prompt_tokens"] > body["sources"][0]["prompt_tokens"] + len(first.split())


def test_chain_step_text_changes_with_the_previous_answer(env: Env) -> None:
    plain = env.post("/blend", {"models": [A, B], "messages": USER, "strategy": "chain", "stream": False}).json()
    env.sb.set_model(A, text="Use exponential backoff with jitter.")
    changed = env.post("/blend", {"models": [A, B], "messages": USER, "strategy": "chain", "stream": False}).json()
    assert plain["sources"][1]["content"] != changed["sources"][1]["content"]
    assert changed["sources"][1]["content"].startswith(f'[{B}] Building on {A} ("Use exponential backoff with...")')


def test_chain_passes_over_a_failed_step(env: Env) -> None:
    env.sb.set_model(B, fail_status=503)
    body = env.post("/blend", {"models": [A, B, C], "messages": USER, "strategy": "chain", "stream": False}).json()
    first, failed, third = body["sources"]
    assert failed["status"] == "error"
    assert third["content"] == model_text(C, USER, reading=[(A, first["content"])])


def test_a_reply_function_receives_what_the_step_read() -> None:
    sb = Sandbox()
    seen: list[Sequence[Mapping[str, Any]]] = []

    def second_step(messages: Sequence[Mapping[str, Any]]) -> str:
        seen.append(messages)
        return "Refined."

    sb.set_model(A, text="First draft.")
    sb.set_model(B, text=second_step)
    body = sb.request("POST", "/blend", json={"models": [A, B], "messages": USER, "strategy": "chain", "stream": False}).json()
    assert body["sources"][1]["content"] == "Refined."
    (messages,) = seen
    assert messages[0] == USER[0]
    assert messages[1]["role"] == "user"
    assert messages[1]["content"] == (
        f"Improve on the previous answer.\n\nQuestion: {QUESTION}\n\nAnswer from {A}:\nFirst draft."
    )


def test_moa_layers_read_the_previous_layer(env: Env) -> None:
    found = env.stream_events("/blend", {"models": [A, B], "messages": USER, "strategy": "moa", "layers": 3})
    texts = sources_by_label(found)
    layer1 = [(m, texts[f"{m}#1"]) for m in (A, B)]
    assert dict(layer1) == {A: model_text(A, USER), B: model_text(B, USER)}
    layer2 = [(m, texts[f"{m}#2"]) for m in (A, B)]
    for model, text in layer2:
        quoted = f'{A}: "{" ".join(layer1[0][1].split()[1:5])}..."; {B}: "{" ".join(layer1[1][1].split()[1:5])}..."'
        assert text.startswith(f"[{model}] Refining layer 1 ({quoted}):"), text
        assert text == model_text(model, USER, layer=2, reading=layer1)
    for model in (A, B):
        assert texts[f"{model}#3"] == model_text(model, USER, layer=3, reading=layer2)
        assert texts[f"{model}#3"].startswith(f"[{model}] Refining layer 2 (")


def test_moa_layer_two_changes_when_layer_one_does(env: Env) -> None:
    request = {"models": [A, B], "messages": USER, "strategy": "moa", "layers": 2, "stream": False}
    plain = env.post("/blend", request).json()
    env.sb.set_model(B, text="An entirely different first answer.")
    changed = env.post("/blend", request).json()
    assert plain["sources"][2]["content"] != changed["sources"][2]["content"]  # A's layer 2 read B's layer 1
    assert 'deepseek-v3: "An entirely different first..."' in changed["sources"][2]["content"]


def test_moa_in_a_users_test(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model(A).replies(lambda messages: f"A saw {len(messages)} messages.")
    llmwise_scenario.model(B).replies("B's view.")
    result = llmwise_client.blend.create(models=[A, B], strategy="moa", layers=2, messages=SDK_USER, synthesizer=C)
    assert result.sources is not None
    by_label = {s.label: s.content for s in result.sources}
    assert by_label[f"{A}#layer1"] == "A saw 1 messages."
    assert by_label[f"{A}#layer2"] == "A saw 2 messages."  # the question, then layer 1's answers
    assert result.content is not None and result.content.startswith(f"[{C}] ")
