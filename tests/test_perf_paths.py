"""The fast paths added for the benchmarks (see benchmarks/README.md) give exactly what the plain paths gave.

Each optimisation is checked against a reference fed the same inputs: the code it replaced, kept
here verbatim, or the plain path it short-cuts.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import pkgutil
import sys
import types
import typing
import uuid
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any, Literal, Optional, Union

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typing_extensions import NotRequired, Required, is_typeddict

import llmwise.resources
import llmwise.types
from llmwise import LLMWise
from llmwise._base_client import Operation, _encode_json, uuid4_hex
from llmwise._sse import ServerSentEvent, SSEDecoder
from llmwise._streaming._core import _END, _NEED_MORE, Accumulator, StreamState
from llmwise._streaming.chat import ChatAccumulator, parse_chat_event, parse_chat_text
from llmwise._validate import _fits, check_params
from llmwise.types.chat import (
    ChatDoneEvent,
    MeshChunkEvent,
    RouteEvent,
    TextChunkEvent,
    TraceEvent,
)

KEY = "mm_sk_" + "0123456789abcdef" * 4
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def split_at(data: bytes, points: list[int]) -> list[bytes]:
    bounds = [0, *sorted(points), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


# --- the SSE decoder ---------------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"


class OriginalSSEDecoder:
    """The decoder before the benchmarks, verbatim but for names (lines kept their line breaks)."""

    def __init__(self) -> None:
        self.last_event_id = ""
        self.retry: int | None = None
        self._bom_buf: bytes | None = b""
        self._pending: list[bytes] = []
        self._skip_lf = False
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if not chunk:
            return []
        if self._bom_buf is not None:
            buf = self._bom_buf + chunk
            if len(buf) < len(_BOM) and _BOM.startswith(buf):
                self._bom_buf = buf
                return []
            self._bom_buf = None
            chunk = buf[len(_BOM) :] if buf.startswith(_BOM) else buf
            if not chunk:
                return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
                if not chunk:
                    return []
        lines = chunk.splitlines(keepends=True)
        tail = lines[-1]
        last = tail[-1]
        unterminated = False
        if last == 0x0D:
            self._skip_lf = True
        elif last != 0x0A:
            if len(lines) == 1:
                self._pending.append(tail)
                return []
            lines.pop()
            unterminated = True
        pending = self._pending
        if pending:
            pending.append(lines[0])
            lines[0] = b"".join(pending)
            pending.clear()
        if unterminated:
            pending.append(tail)
        return self._process(lines)

    def flush(self) -> list[ServerSentEvent]:
        self._pending.clear()
        self._skip_lf = False
        self._bom_buf = b""
        events = self._process([b"\n"]) if self._data else []
        self._event = self._id = self._retry = None
        return events

    def _process(self, lines: list[bytes]) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        data = self._data
        for raw in lines:
            line = raw.rstrip(b"\r\n")
            if not line:
                if data:
                    events.append(ServerSentEvent(self._event, "\n".join(data), self._id, self._retry))
                    data.clear()
                self._event = self._id = self._retry = None
                continue
            name, _, value = line.partition(b":")
            if not name:
                continue
            if value[:1] == b" ":
                value = value[1:]
            if name == b"data":
                data.append(value.decode("utf-8", "replace"))
            elif name == b"event":
                self._event = value.decode("utf-8", "replace") or None
            elif name == b"id":
                if b"\0" not in value:
                    self._id = self.last_event_id = value.decode("utf-8", "replace")
            elif name == b"retry" and value.isdigit():
                try:
                    self._retry = self.retry = int(value)
                except ValueError:
                    pass
        return events


sse_tokens = st.sampled_from(
    [
        *(b"data", b"data: ", b"event", b"id", b"retry", b":", b": ", b" ", b"\n", b"\r", b"\r\n", b"\n\n"),
        *(b"x", b"12", b"\x00", b'{"delta":"a"}', b"[DONE]", _BOM, _BOM[:1], b"\xc3", b"\xa9", b"\xff"),
    ]
)
sse_bytes = st.lists(sse_tokens, max_size=80).map(b"".join) | st.binary(max_size=200)


@SETTINGS
@given(stream=sse_bytes, data=st.data())
def test_decoder_matches_the_original_chunk_by_chunk(stream: bytes, data: st.DataObject) -> None:
    points = data.draw(st.lists(st.integers(0, len(stream)), max_size=20))
    old, new, payloads = OriginalSSEDecoder(), SSEDecoder(), SSEDecoder()
    # With a limit nothing reaches (the streams' default path), the size checks change nothing.
    bounded = SSEDecoder(max_size=2 * len(stream) + 1)
    for chunk in [*split_at(stream, points), *split_at(stream, points[:3])]:  # two streams in a row
        expected = old.feed(chunk)
        assert new.feed(chunk) == expected
        assert payloads.feed_data(chunk) == [e.data for e in expected]
        assert bounded.feed_data(chunk) == [e.data for e in expected]
        assert (new.last_event_id, new.retry) == (old.last_event_id, old.retry)
    assert not bounded.overflowed
    expected = old.flush()
    assert new.flush() == expected
    assert payloads.flush_data() == [e.data for e in expected]
    assert bounded.flush_data() == [e.data for e in expected]
    assert (payloads.last_event_id, payloads.retry) == (old.last_event_id, old.retry)


# Bodies made mostly of `data: <payload>` + blank line pairs (the decoder's batched path), with
# payload bytes that include invalid or cut UTF-8, and now and then another line among them.
_payload_bytes = st.lists(
    st.sampled_from([b"x", b'{"delta":"a"}', b"\xc3", b"\xa9", b"\xff", b"\xe2\x82", b"\xe2\x82\xac", b" ", b":"]),
    max_size=6,
).map(b"".join)
_pair_lines = st.one_of(
    _payload_bytes.map(lambda p: b"data: " + p + b"\n\n"),
    _payload_bytes.map(lambda p: b"data: " + p + b"\r\n\r\n"),
    st.sampled_from([b"data:x\n\n", b"event: e\n", b"id: 7\n", b": c\n", b"data: a\ndata: b\n\n", b"\n", b"data: [DONE]\n\n"]),
)
_paired_bodies = st.lists(_pair_lines, max_size=40).map(b"".join)


@SETTINGS
@given(stream=_paired_bodies, data=st.data())
def test_decoder_batched_data_lines_match_the_original(stream: bytes, data: st.DataObject) -> None:
    points = data.draw(st.lists(st.integers(0, len(stream)), max_size=8))
    old, payloads = OriginalSSEDecoder(), SSEDecoder()
    bounded = SSEDecoder(max_size=2 * len(stream) + 1)
    for chunk in split_at(stream, points):
        expected = [e.data for e in old.feed(chunk)]
        assert payloads.feed_data(chunk) == expected
        assert bounded.feed_data(chunk) == expected
        assert (payloads.last_event_id, payloads.retry) == (old.last_event_id, old.retry)
    expected = [e.data for e in old.flush()]
    assert payloads.flush_data() == expected
    assert bounded.flush_data() == expected
    assert old.flush() == payloads.flush()  # both reset


# --- JSON in StreamState: the scanner called directly ---------------------------------------------------


class Nothing(Accumulator[Any]):
    pass


def drain(state: StreamState[Any], chunks: list[bytes]) -> tuple[list[Any], list[str], str]:
    """The events a stream hands out, the frames it skipped, and how it ended."""
    events: list[Any] = []
    feed = iter(chunks)
    try:
        while True:
            item = state.pop()
            if item is _NEED_MORE:
                chunk = next(feed, None)
                if chunk is None:
                    state.feed_eof()
                else:
                    state.feed(chunk)
                continue
            if item is _END:
                return events, state.skipped, "end"
            events.append(item)
    except Exception as exc:
        return events, state.skipped, repr(exc)


def reference_payloads(payloads: list[str]) -> tuple[list[Any], list[str]]:
    """What the stream did with each payload before: json.loads, skip what is not an object."""
    events: list[Any] = []
    skipped: list[str] = []
    for data in payloads:
        if not data:
            continue
        if data == "[DONE]":
            break
        try:
            obj = json.loads(data)
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict):
            events.append(obj)
        else:
            skipped.append(data)
    return events, skipped


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)


@st.composite
def json_payloads(draw: st.DrawFn) -> str:
    text = json.dumps(draw(json_values), ensure_ascii=draw(st.booleans()))
    how = draw(st.sampled_from(["plain", "padded", "cut", "garbage", "bom", "big int", "raw"]))
    if how == "padded":
        text = draw(st.sampled_from([" ", "\t", "  "])) + text + draw(st.sampled_from(["", " ", "\t"]))
    elif how == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif how == "garbage":
        text += draw(st.sampled_from(["x", "}", ",", " 1", "]"]))
    elif how == "bom":
        text = "\ufeff" + text
    elif how == "big int":
        text = '{"n": ' + "7" * draw(st.integers(4290, 4310)) + "}"
    elif how == "raw":
        text = draw(st.text(max_size=20))
    return text.replace("\n", " ").replace("\r", " ")


@SETTINGS
@given(payloads=st.lists(json_payloads(), max_size=6))
def test_stream_json_matches_json_loads(payloads: list[str]) -> None:
    body = "".join(f"data: {p}\n\n" for p in [*payloads, "[DONE]"]).encode()
    events, skipped, _ = drain(StreamState(lambda obj: obj, Nothing), [body])
    expected_events, expected_skipped = reference_payloads(payloads)
    assert repr(events) == repr(expected_events)  # repr: NaN != NaN
    assert skipped == expected_skipped


# --- chat text chunks parsed straight from their JSON ---------------------------------------------------

CHUNK_KEYS = ["model", "delta", "done", "latency_ms", "content_length", "event", "error", "phase"]
odd_values = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=10)
    | st.sampled_from(["event", '"event"', "done", "\\u0065", "true", "1", "", "😀", "é\n\t\"\\"])
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.sampled_from(["event", "x"]), st.integers(), max_size=1)
)


@st.composite
def chunk_payloads(draw: st.DrawFn) -> str:
    fields = draw(st.dictionaries(st.sampled_from(CHUNK_KEYS), odd_values, max_size=6))
    if draw(st.booleans()):
        fields.setdefault("delta", draw(st.text(max_size=12)))
    text = json.dumps(fields, ensure_ascii=draw(st.booleans()), separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])))
    how = draw(st.sampled_from(["plain", "plain", "duplicate", "escaped key", "padded", "cut", "surrogate"]))
    if how == "duplicate" and len(text) > 2:
        key = draw(st.sampled_from(CHUNK_KEYS))
        text = text[:-1] + (", " if fields else "") + f'"{key}": {json.dumps(draw(odd_values))}' + "}"
    elif how == "escaped key":
        text = text.replace('"event"', '"\\u0065vent"').replace('"delta"', '"d\\u0065lta"')
    elif how == "padded":
        text = " " + text + " "
    elif how == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif how == "surrogate":
        text = '{"delta": "\\ud800"}'
    return text


def same_model(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    assert repr(a.__dict__) == repr(b.__dict__)  # repr: NaN != NaN
    assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__
    assert repr(a.__pydantic_extra__) == repr(b.__pydantic_extra__)
    assert a.__pydantic_private__ == b.__pydantic_private__
    assert repr(a.to_dict()) == repr(b.to_dict())


def plain_path(data: str) -> Any:
    """What a stream made of a payload before the short cut: an event, or a reason to skip it."""
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError):
        return "malformed"
    if not isinstance(obj, dict):
        return "malformed"
    try:
        return parse_chat_event(obj)
    except ValueError:
        return "does not fit"


@SETTINGS
@given(data=chunk_payloads())
def test_chat_text_short_cut_matches_the_plain_path(data: str) -> None:
    parse_chat_event({"delta": ""})  # the short cut waits for the first normal parse to build the schema
    fast = parse_chat_text(data)
    if fast is not None:
        same_model(fast, plain_path(data))


@pytest.mark.parametrize(
    "data",
    [
        '{"model":"gpt-5.2","delta":"Hello ","done":false}',
        '{"model":"gpt-5.2","delta":"","done":true,"latency_ms":1720,"content_length":51}',
        '{"model":"gpt-5.2","delta":"a \\"quoted\\" word\\n","done":false}',
        '{"delta":"\\u00e9t\\u00e9 \\ud83d\\ude00"}',
        '{"model":null,"delta":"x","latency_ms":12.5}',
    ],
)
def test_chat_text_short_cut_is_taken_for_ordinary_chunks(data: str) -> None:
    parse_chat_event({"delta": ""})
    fast = parse_chat_text(data)
    assert fast is not None
    same_model(fast, plain_path(data))


@pytest.mark.parametrize(
    "data",
    [
        '{"event":"done","delta":"x"}',  # names an event
        '{"\\u0065vent":"chunk","delta":"x"}',  # ... in disguise
        '{"model":"m","done":true}',  # no delta
        '{"delta":"x","phase":"gather"}',  # a field this SDK does not know
        '{"delta":"x","done":"true"}',  # lax validation would convert it
        '{"delta":"x","done":1}',
        '{"delta":"\\ud800"}',  # a lone surrogate: json.loads reads it, pydantic does not
        '{"error":"boom"}',
        "[1, 2]",
        "not json",
    ],
)
def test_chat_text_short_cut_leaves_the_rest_to_the_plain_path(data: str) -> None:
    parse_chat_event({"delta": ""})
    assert parse_chat_text(data) is None


def test_chat_text_short_cut_respects_the_int_digit_limit() -> None:
    parse_chat_event({"delta": ""})
    data = '{"delta":"x","content_length":' + "1" * 700 + "}"
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        assert parse_chat_text(data) is None
        assert plain_path(data) == "malformed"
    finally:
        sys.set_int_max_str_digits(limit)


@SETTINGS
@given(payloads=st.lists(chunk_payloads(), max_size=8), data=st.data())
def test_chat_stream_with_and_without_the_short_cut(payloads: list[str], data: st.DataObject) -> None:
    body = "".join(f"data: {p}\n\n" for p in [*payloads, "[DONE]"]).encode()
    points = data.draw(st.lists(st.integers(0, len(body)), max_size=6))
    chunks = split_at(body, points)
    fast_events, fast_skipped, fast_end = drain(StreamState(parse_chat_event, ChatAccumulator, parse_chat_text), chunks)
    plain_events, plain_skipped, plain_end = drain(StreamState(parse_chat_event, ChatAccumulator), chunks)
    assert (fast_skipped, fast_end) == (plain_skipped, plain_end)
    assert len(fast_events) == len(plain_events)
    for a, b in zip(fast_events, plain_events, strict=True):
        same_model(a, b)


# --- the chat accumulator ---------------------------------------------------------------------------------


class ReferenceChatAccumulator(ChatAccumulator):
    """The text bookkeeping written plainly (one list entry per delta), by the rules of
    `llmwise._streaming` (rule 5): a chunk without a model (or with a model that is no string)
    continues the current answer; one naming another model switches to it, and the first model named
    takes over the text that came before any name."""

    def __init__(self) -> None:
        super().__init__()
        self._pieces: dict[Optional[str], list[str]] = {}
        self._at: Optional[str] = None

    def add(self, event: Any) -> None:
        if isinstance(event, (TextChunkEvent, MeshChunkEvent)):
            model = event.model if isinstance(event.model, str) else None
            if model is None or model == self._at:
                target = self._at
            else:
                target = model
                if target not in self._pieces and self._at is None and None in self._pieces:
                    self._pieces[target] = self._pieces.pop(None)
                self._at = target
            pieces = self._pieces.setdefault(target, [])
            if isinstance(event.delta, str) and event.delta:
                pieces.append(event.delta)
            if target:
                self.model = target
            if isinstance(event, MeshChunkEvent) and isinstance(event.finish_reason, str) and event.finish_reason:
                self.finish_reason = event.finish_reason
        elif isinstance(event, RouteEvent):
            if event.status == "trying" and isinstance(event.model, str):
                self._pieces[event.model] = []
                self._at = event.model
        elif isinstance(event, TraceEvent):
            self.trace = event
            if isinstance(event.final_model, str) and event.final_model:
                self._at = event.final_model
        elif isinstance(event, ChatDoneEvent):
            self.done = event

    @property
    def text(self) -> str:
        return "".join(self._pieces.get(self._at, ()))


models = st.sampled_from([None, "a", "b", ""])
# Values the lenient reader may keep as sent: never a crash, never text.
raw_models = st.sampled_from([5, {"id": "a"}, ["a"]])
raw_deltas = st.sampled_from([7, None, {"text": "x"}])
chat_events = st.one_of(
    st.builds(TextChunkEvent, model=models, delta=st.sampled_from(["", "x", "yz "])),
    st.builds(lambda m, d: TextChunkEvent.model_construct(model=m, delta=d), raw_models, st.sampled_from(["x", ""])),
    st.builds(lambda m, d: TextChunkEvent.model_construct(model=m, delta=d), models, raw_deltas),
    st.builds(lambda f: MeshChunkEvent.model_construct(model="a", delta="m", finish_reason=f), st.sampled_from([3, ""])),
    st.builds(lambda m: RouteEvent.model_construct(model=m, status="trying"), raw_models),
    st.builds(lambda m: TraceEvent.model_construct(final_model=m), raw_models),
    st.builds(MeshChunkEvent, model=models, delta=st.sampled_from(["", "m"]), finish_reason=st.sampled_from([None, "stop"])),
    st.builds(RouteEvent, model=models, status=st.sampled_from(["trying", "failed", "ok"])),
    st.builds(TraceEvent, final_model=models),
    st.builds(ChatDoneEvent, model=models),
)


@SETTINGS
@given(events=st.lists(chat_events, max_size=40), repeat=st.integers(1, 30))
def test_chat_accumulator_matches_the_reference(events: list[Any], repeat: int) -> None:
    # Repeated so that the text passes the block size (256 pieces) now and then.
    new, old = ChatAccumulator(), ReferenceChatAccumulator()
    for event in events * repeat:
        new.add(event)
        old.add(event)
        assert new.text == old.text
    assert (new.model, new.finish_reason, new.done, new.trace) == (old.model, old.finish_reason, old.done, old.trace)
    assert new.completion() == old.completion()


def test_a_long_stream_keeps_about_a_byte_per_character() -> None:
    acc = ChatAccumulator()
    for i in range(10_000):
        acc.add(TextChunkEvent(model="m", delta=f"w{i % 10} "))
    pieces = acc._texts["m"]
    assert len(pieces.blocks) == 10_000 // 256 and len(pieces.recent) == 10_000 % 256
    assert acc.text == "".join(f"w{i % 10} " for i in range(10_000))


def test_reading_the_text_leaves_it_whole_once() -> None:
    # The end of a stream reads `.text` (for the ledger): afterwards the pieces are gone, only the
    # whole is held, and text arriving later is added to it.
    acc = ChatAccumulator()
    for i in range(1_000):
        acc.add(TextChunkEvent(model="m", delta=f"w{i % 10} "))
    expected = "".join(f"w{i % 10} " for i in range(1_000))
    assert acc.text == expected
    pieces = acc._texts["m"]
    assert pieces.blocks == [expected] and pieces.recent == []
    assert acc.text is acc.text  # nothing joined again
    acc.add(TextChunkEvent(model="m", delta="end"))
    assert acc.text == expected + "end"


# --- check_params: each type's check compiled once ------------------------------------------------------


@cache
def original_hints(td: type) -> tuple[dict[str, Any], frozenset[str]]:
    hints = typing.get_type_hints(td, include_extras=True)
    required = set(getattr(td, "__required_keys__", ()))
    for key, hint in hints.items():
        origin = typing.get_origin(hint)
        if origin is Required:
            required.add(key)
        elif origin is NotRequired:
            required.discard(key)
    return hints, frozenset(required)


def original_fits(value: Any, tp: Any) -> bool:
    """`_fits` before the benchmarks, verbatim."""
    origin = typing.get_origin(tp)
    if origin in (Required, NotRequired):
        return original_fits(value, typing.get_args(tp)[0])
    if tp is Any or tp is object:
        return True
    if origin in (Union, types.UnionType):
        return any(original_fits(value, arg) for arg in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if origin is Literal:
        return any(isinstance(value, type(arg)) for arg in typing.get_args(tp))
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp in (str, bool):
        return isinstance(value, tp)
    if is_typeddict(tp):
        if not isinstance(value, Mapping):
            return False
        hints, required = original_hints(tp)
        if any(k not in value for k in required):
            return False
        return all(original_fits(v, hints[k]) for k, v in value.items() if k in hints and v is not None)
    if origin in (list, Sequence, typing.Sequence) or tp in (list, Sequence):
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            return False
        args = typing.get_args(tp)
        return not args or all(original_fits(v, args[0]) for v in value)
    if origin in (dict, Mapping, typing.Mapping) or tp in (dict, Mapping):
        if not isinstance(value, Mapping):
            return False
        args = typing.get_args(tp)
        return not args or all(original_fits(k, args[0]) and original_fits(v, args[1]) for k, v in value.items())
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def sdk_typeddicts() -> Iterator[type]:
    """The request shapes check_params is given (the `*Args` of the methods' signatures, which
    also name httpx types for type checkers only, are not among them)."""
    for package in (llmwise.types, llmwise.resources):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if is_typeddict(value) and value.__module__ == module.__name__ and not value.__name__.endswith("Args"):
                    yield value


TYPEDDICTS = sorted(set(sdk_typeddicts()), key=lambda td: f"{td.__module__}.{td.__qualname__}")
HINTS = [(td, key) for td in TYPEDDICTS for key in original_hints(td)[0]]

param_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(["user", "text", "image_url", "auto", "x", "rate-limit"])
    | st.binary(max_size=2),
    lambda inner: st.lists(inner, max_size=3)
    | st.tuples(inner)
    | st.dictionaries(
        st.sampled_from(["role", "content", "type", "text", "image_url", "url", "fallback", "strategy", "input", "x"]),
        inner,
        max_size=3,
    ),
    max_leaves=8,
)


def test_every_params_typeddict_is_covered() -> None:
    assert len(TYPEDDICTS) >= 12 and len(HINTS) >= 50


@SETTINGS
@given(hint=st.sampled_from(HINTS), value=param_values)
def test_compiled_checks_match_the_original(hint: tuple[type, str], value: Any) -> None:
    td, key = hint
    tp = original_hints(td)[0][key]
    assert _fits(value, tp) == original_fits(value, tp)


def original_check_params(where: str, params: Mapping[str, Any], td: type) -> None:
    """`check_params` before the benchmarks, verbatim (over the original `_fits`)."""
    import difflib

    from llmwise._validate import _mismatch

    hints, required = original_hints(td)
    for key, value in params.items():
        if key not in hints:
            close = difflib.get_close_matches(key, list(hints), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"{where}() got an unexpected keyword argument {key!r}.{hint}")
        if value is None:
            continue
        problem = _mismatch(value, hints[key]) if not original_fits(value, hints[key]) else None
        if problem:
            raise TypeError(f"{where}(): argument {key!r} {problem}")
    missing = [key for key in sorted(required) if params.get(key) is None]
    if missing:
        names = ", ".join(repr(k) for k in missing)
        raise TypeError(f"{where}() missing required keyword argument{'s' if len(missing) > 1 else ''}: {names}")


@SETTINGS
@given(td=st.sampled_from(TYPEDDICTS), data=st.data())
def test_check_params_raises_as_before(td: type, data: st.DataObject) -> None:
    keys = [*original_hints(td)[0], "temprature", "x"]
    params = data.draw(st.dictionaries(st.sampled_from(keys), param_values, max_size=4))
    errors: list[str | None] = []
    for check in (original_check_params, check_params):
        try:
            check("m", params, td)
        except TypeError as exc:
            errors.append(str(exc))
        else:
            errors.append(None)
    assert errors[0] == errors[1]


# --- request building ---------------------------------------------------------------------------------------

header_sets = st.dictionaries(
    st.sampled_from(["User-Agent", "user-agent", "Accept", "ACCEPT", "X-Trace", "Authorization"]),
    st.sampled_from(["a", "text/csv"]),
    max_size=3,
)


def sent_headers(client: LLMWise, op: Operation[Any]) -> list[tuple[str, str]]:
    request = client._build_request(client._http, op, "llmwise-key")
    return sorted((k.lower(), v) for k, v in request.headers.multi_items())


@SETTINGS
@given(default_headers=header_sets, extra_headers=st.none() | header_sets, stream=st.booleans())
def test_pool_headers_leave_the_sent_headers_unchanged(
    default_headers: dict[str, str], extra_headers: dict[str, str] | None, stream: bool
) -> None:
    # The pool the client made sends our User-Agent and Accept itself; a pool passed in does not,
    # and takes the path every request took before.
    own = LLMWise(KEY, base_url="http://h", default_headers=default_headers)
    passed = LLMWise(KEY, base_url="http://h", default_headers=default_headers, http_client=httpx.Client())
    assert own._pool_headers and not passed._pool_headers
    options: Any = {"extra_headers": extra_headers} if extra_headers is not None else {}
    op = Operation("POST", "/chat", parse=dict, body={"model": "m"}, options=options, stream=stream)
    assert sent_headers(own, op) == sent_headers(passed, op)


def test_uuid4_hex_is_uuid4() -> None:
    for raw in [bytes(16), b"\xff" * 16, *(os.urandom(16) for _ in range(2000))]:
        assert uuid4_hex(raw) == uuid.UUID(bytes=raw, version=4).hex


@SETTINGS
@given(value=json_values)
def test_json_encoder_is_json_dumps(value: Any) -> None:
    assert _encode_json(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)
