"""Every stream kind's frames, said differently: every JSON object frame comes out as an event,
every error frame raises, and the `done` frame's credits always arrive (issue #10).

The seeds are real sandbox streams (`corpus.stream_frames`); hypothesis perturbs frames (values
dropped, retyped, nulled, extra fields), inserts events of unknown kinds, text under an unknown
event name, and terminal error frames of other shapes than the sandbox's.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwise import APIResponseValidationError, LLMWise, ServerStreamError
from llmwise._models import BaseModel

from .corpus import MODELS, MSG, STREAM_KINDS, stream_frames
from .drift_support import assert_no_secret, captured_logs, client_for, same
from .perturb import SECRET, perturbed

SEEDS = {kind: stream_frames(kind) for kind in STREAM_KINDS}

ERROR_FRAMES: list[dict[str, Any]] = [
    {"event": "error", "error": "All fallback models failed", "status_code": 503, "refunded": True},
    {"event": "error", "error": {"message": "Overloaded", "code": "overloaded"}, "status": 529},
    {"event": "error", "error": 503},
    {"event": "ERROR", "message": "upstream exploded"},
    {"event": "failure", "error": "provider down", "status_code": "502"},
    {"error": "Insufficient credits", "status_code": 402, "refunded": False},
    {"error": {"type": "overloaded_error", "message": "Overloaded"}},
    {"event": "error"},
    {"event": "error", "error": "Bad key", "detail": {"key": SECRET}},
]
"""Terminal error frames of shapes the contract allows (its §4.7 leaves the shape open)."""

UNKNOWN_FRAMES: list[dict[str, Any]] = [
    {"event": "x_new_kind", "payload": {"a": [1, 2]}},
    {"event": "heartbeat"},
    {"x_no_event_no_delta": True},
]


def _stream(client: LLMWise, kind: str) -> Any:
    if kind == "chat":
        return client.chat.stream(model="gpt-5.2", messages=MSG)
    if kind == "chat-routing":
        return client.chat.stream(model="gpt-5.2", messages=MSG, routing={"fallback": ["gemini-3-flash"]})
    if kind == "judge":
        return client.judge.stream(contestants=MODELS, judge="claude-sonnet-4.5", messages=MSG)
    return getattr(client, kind).stream(models=MODELS, messages=MSG)


def _final(stream: Any) -> Any:
    if hasattr(stream, "get_final_completion"):
        return stream.get_final_completion()
    return stream.get_final_result()


def _read(frames: list[str], kind: str, *, strict: bool) -> tuple[list[Any], BaseException | None, Any]:
    client = client_for(frames, strict=strict, stream=True)
    events: list[Any] = []
    stream = _stream(client, kind)
    try:
        for event in stream:
            events.append(event)
        final = _final(stream)
    except Exception as exc:
        return events, exc, None
    finally:
        client.close()
    return events, None, final


def _objects(frames: list[str]) -> list[dict[str, Any] | None]:
    """Each payload up to `[DONE]`, decoded when it is a JSON object (None when not)."""
    out: list[dict[str, Any] | None] = []
    for payload in frames:
        if payload == "[DONE]":
            break
        try:
            value = json.loads(payload)
        except ValueError:
            value = None
        out.append(value if isinstance(value, dict) else None)
    return out


def check(frames: list[str], kind: str, error_at: int | None) -> None:
    """The stream policy for one body; `error_at`: the index of an inserted terminal error frame."""
    objects = _objects(frames)
    with captured_logs() as logs:
        events, error, final = _read(frames, kind, strict=False)
    assert_no_secret(*logs)
    if error_at is not None:
        assert isinstance(error, ServerStreamError), f"{kind}: the error frame was swallowed ({error!r})"
        assert_no_secret(error.message)
        # Every object frame before the error came out as an event.
        assert len(events) == sum(1 for o in objects[:error_at] if o is not None)
        return
    assert error is None, f"{kind}: raised {error!r}"
    assert len(events) == sum(1 for o in objects if o is not None), f"{kind}: a frame was dropped"
    done = [o for o in objects if o is not None and o.get("event") == "done"]
    if done:
        done_events = [e for e in events if isinstance(e, BaseModel) and e.get("event") == "done"]
        assert len(done_events) == 1, f"{kind}: the done frame did not come out as the done event"
        for key in ("credits_charged", "credits_remaining"):
            if key in done[0]:
                sent = done[0][key]
                assert same(sent, done_events[0].get(key)), f"{kind}: {key} {sent!r} was lost"
                if isinstance(sent, (int, float)) and not isinstance(sent, bool):
                    assert same(sent, final.get(key)), f"{kind}: {key} missing from the final result"
    issues = [issue for e in events if isinstance(e, BaseModel) for issue in e.response_issues]
    assert_no_secret(*issues)
    _, strict_error, _ = _read(frames, kind, strict=True)
    if issues:
        assert isinstance(strict_error, APIResponseValidationError), f"{kind}: strict mode accepted {issues}"
        assert_no_secret(strict_error, strict_error.errors)
    else:
        assert strict_error is None, f"{kind}: strict mode raised {strict_error!r}"


SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def drifted_stream(draw: st.DrawFn, kind: str) -> tuple[list[str], int | None]:
    """The kind's seed frames with some perturbed, unknown events inserted, maybe an error frame."""
    seed = SEEDS[kind]
    body = [json.loads(p) for p in seed[:-1]]  # without [DONE]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        i = draw(st.integers(min_value=0, max_value=len(body) - 1))
        body[i] = draw(perturbed(body[i]))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        i = draw(st.integers(min_value=0, max_value=len(body) - 1))
        body.insert(i, draw(st.sampled_from(UNKNOWN_FRAMES)))
    error_at = None
    if draw(st.booleans()):
        error_at = draw(st.integers(min_value=0, max_value=len(body)))
        body.insert(error_at, draw(st.sampled_from(ERROR_FRAMES)))
    return [json.dumps(frame) for frame in body] + ["[DONE]"], error_at


@pytest.mark.parametrize("kind", STREAM_KINDS)
def test_random_stream_drift(kind: str) -> None:
    @SETTINGS
    @given(case=drifted_stream(kind))
    def run(case: tuple[list[str], int | None]) -> None:
        check(case[0], kind, case[1])

    run()


@pytest.mark.parametrize("kind", STREAM_KINDS)
@pytest.mark.parametrize("error", range(len(ERROR_FRAMES)))
def test_error_frames_of_every_shape_raise(kind: str, error: int) -> None:
    seed = SEEDS[kind]
    for at in (0, len(seed) // 2, len(seed) - 2):  # first, mid-stream, just before done
        frames = [*seed[:at], json.dumps(ERROR_FRAMES[error]), *seed[at:]]
        check(frames, kind, at)


@pytest.mark.parametrize("kind", STREAM_KINDS)
def test_every_frame_value_dropped_nulled_or_retyped(kind: str) -> None:
    seed = SEEDS[kind]
    for i, payload in enumerate(seed[:-1]):
        frame = json.loads(payload)
        for key in [k for k in frame if k != "event"]:
            for value in (None, SECRET, {"x_drift": 1}, 7, [1]):
                changed = {**frame, key: value}
                check([*seed[:i], json.dumps(changed), *seed[i + 1 :]], kind, None)
            dropped = {k: v for k, v in frame.items() if k != key}
            check([*seed[:i], json.dumps(dropped), *seed[i + 1 :]], kind, None)
        extra = {**frame, "x_server_added": {"nested": True}}
        check([*seed[:i], json.dumps(extra), *seed[i + 1 :]], kind, None)


@pytest.mark.parametrize("kind", ["chat", "chat-routing"])
def test_text_under_an_unknown_event_name_is_text(kind: str) -> None:
    seed = SEEDS[kind]
    frames = [*seed[:-3], json.dumps({"event": "content_delta", "delta": " [odd]"}), *seed[-3:]]
    _, error, final = _read(frames, kind, strict=False)
    assert error is None
    assert " [odd]" in final.content


def test_chat_text_does_not_depend_on_model_being_on_every_chunk() -> None:
    seed = SEEDS["chat"]
    frames = []
    for i, payload in enumerate(seed):
        frame = json.loads(payload) if payload != "[DONE]" else None
        if frame is not None and "delta" in frame and i % 2:
            frame.pop("model", None)
        frames.append(json.dumps(frame) if frame is not None else payload)
    expected = "".join(json.loads(p).get("delta", "") for p in seed[:-1])
    _, error, final = _read(frames, "chat", strict=True)
    assert error is None
    assert final.content == expected and expected
