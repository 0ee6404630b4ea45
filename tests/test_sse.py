"""Tests for the incremental SSE decoder in llmwise._sse."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwise._sse import ServerSentEvent, SSEDecoder

BOM = b"\xef\xbb\xbf"
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decode(chunks: Iterable[bytes], *, flush: bool = True) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    if flush:
        events.extend(decoder.flush())
    return events


def split_at(data: bytes, points: Sequence[int]) -> list[bytes]:
    bounds = [0, *sorted(points), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def ev(
    data: str, event: str | None = None, id: str | None = None, retry: int | None = None
) -> ServerSentEvent:
    return ServerSentEvent(event=event, data=data, id=id, retry=retry)


# --- line endings ---------------------------------------------------------------------------


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"], ids=["LF", "CR", "CRLF"])
def test_line_endings(eol: bytes) -> None:
    stream = eol.join([b"data: a", b"data: b", b"", b"data: c", b"", b""])
    assert decode([stream], flush=False) == [ev("a\nb"), ev("c")]


def test_mixed_line_endings() -> None:
    assert decode([b"data: a\rdata: b\ndata: c\r\n\n"], flush=False) == [ev("a\nb\nc")]


def test_crlf_split_across_chunks_is_one_line_break() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    # If the LF were taken as a second line break, "a" would be dispatched here.
    assert decoder.feed(b"\ndata: b\r") == []
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"\r") == [ev("a\nb")]
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"data: c\n\n") == [ev("c")]


def test_crlf_split_with_empty_chunk_in_between() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"") == []
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"\r\n") == [ev("a")]


def test_cr_at_chunk_end_followed_by_cr_is_two_line_breaks() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\rdata: b\r") == [ev("a")]


def test_lf_after_skipped_lf_is_a_blank_line() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\n\n") == [ev("a")]


# --- BOM ------------------------------------------------------------------------------------


def test_bom_at_start_is_skipped() -> None:
    assert decode([BOM + b"data: x\n\n"]) == [ev("x")]


@pytest.mark.parametrize("cut", range(1, len(BOM) + 1))
def test_bom_split_across_chunks(cut: int) -> None:
    stream = BOM + b"data: x\n\n"
    assert decode([stream[:cut], stream[cut:]]) == [ev("x")]
    assert decode([bytes([b]) for b in stream]) == [ev("x")]


def test_bom_only_skipped_once() -> None:
    # The second BOM becomes part of the field name, which is then unknown.
    assert decode([BOM + BOM + b"data: x\n\n"]) == []
    assert decode([BOM, BOM + b"data: x\n\n"]) == []


def test_bom_not_at_start_is_kept() -> None:
    assert decode([b"data: a\n\n" + BOM + b"data: b\n\n"]) == [ev("a")]
    assert decode([b"data: " + BOM + b"x\n\n"]) == [ev("\ufeffx")]


def test_partial_bom_prefix_is_not_swallowed() -> None:
    assert decode([b"\xef\xbb", b"x\ndata: y\n\n"]) == [ev("y")]
    assert decode([b"\xef", b"\xbb:comment\ndata: y\n\n"]) == [ev("y")]


# --- field parsing --------------------------------------------------------------------------


def test_comments_are_ignored() -> None:
    stream = b": keep-alive\ndata: a\n:\n: another\ndata: b\n\n:only a comment\n\n"
    assert decode([stream]) == [ev("a\nb")]


def test_multi_line_data_joined_with_lf() -> None:
    assert decode([b"data: one\ndata: two\ndata: three\n\n"]) == [ev("one\ntwo\nthree")]


def test_field_with_no_colon_has_empty_value() -> None:
    assert decode([b"data\n\n"]) == [ev("")]
    assert decode([b"data\ndata\n\n"]) == [ev("\n")]
    assert decode([b"event\ndata: x\n\n"]) == [ev("x")]
    assert decode([b"id\ndata: x\n\n"]) == [ev("x", id="")]


def test_data_with_empty_value() -> None:
    assert decode([b"data:\n\n"]) == [ev("")]
    assert decode([b"data: \n\n"]) == [ev("")]
    assert decode([b"data:\ndata: x\ndata:\n\n"]) == [ev("\nx\n")]


def test_only_one_leading_space_is_removed() -> None:
    assert decode([b"data:no-space\n\n"]) == [ev("no-space")]
    assert decode([b"data: one\n\n"]) == [ev("one")]
    assert decode([b"data:  two\n\n"]) == [ev(" two")]
    assert decode([b"data:\tx \n\n"]) == [ev("\tx ")]


def test_value_may_contain_colons() -> None:
    assert decode([b"data: a: b:c\n\n"]) == [ev("a: b:c")]


def test_field_names_are_case_sensitive_and_unknown_fields_ignored() -> None:
    assert decode([b"Data: x\nfoo: bar\n data: y\n\n"]) == []
    assert decode([b"foo: bar\ndata: x\n\n"]) == [ev("x")]


def test_event_field() -> None:
    assert decode([b"event: delta\ndata: x\n\n"]) == [ev("x", event="delta")]
    assert decode([b"event: a\nevent: b\ndata: x\n\n"]) == [ev("x", event="b")]


def test_empty_event_field_means_default_type() -> None:
    assert decode([b"event:\ndata: x\n\n"]) == [ev("x")]


def test_event_type_does_not_leak_into_next_event() -> None:
    assert decode([b"event: a\ndata: 1\n\ndata: 2\n\n"]) == [ev("1", event="a"), ev("2")]


def test_id_field() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 42\ndata: x\n\n") == [ev("x", id="42")]
    assert decoder.last_event_id == "42"


def test_id_with_nul_is_ignored() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 1\ndata: a\n\n") == [ev("a", id="1")]
    assert decoder.feed(b"id: 2\x003\ndata: b\n\n") == [ev("b")]
    assert decoder.last_event_id == "1"


def test_last_event_id_persists_across_events() -> None:
    decoder = SSEDecoder()
    assert decoder.last_event_id == ""
    assert decoder.feed(b"id: 7\ndata: a\n\n") == [ev("a", id="7")]
    assert decoder.feed(b"data: b\n\n") == [ev("b")]
    assert decoder.last_event_id == "7"
    # An id in a block that is not dispatched still updates it.
    assert decoder.feed(b"id: 8\n\n") == []
    assert decoder.last_event_id == "8"
    # An empty id resets it.
    assert decoder.feed(b"id\ndata: c\n\n") == [ev("c", id="")]
    assert decoder.last_event_id == ""


def test_retry_field() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"retry: 3000\ndata: x\n\n") == [ev("x", retry=3000)]
    assert decoder.retry == 3000
    assert decoder.feed(b"data: y\n\n") == [ev("y")]
    assert decoder.feed(b"retry: 10\n\n") == []
    assert decoder.retry == 10


@pytest.mark.parametrize(
    "value",
    [b"", b"12a", b"-1", b"+1", b"1.5", b" 5", b"5 ", b"1_000", "١٢".encode(), "²".encode(), b"0x10"],
)
def test_invalid_retry_is_ignored(value: bytes) -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"retry: 1\n\nretry: " + value + b"\ndata: x\n\n") == [ev("x")]
    assert decoder.retry == 1


def test_retry_with_too_many_digits_does_not_raise() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"retry: " + b"9" * 100_000 + b"\ndata: x\n\n") == [ev("x")]
    assert decoder.feed(b"retry: 0007\ndata: y\n\n") == [ev("y", retry=7)]


def test_event_with_empty_data_buffer_is_not_dispatched() -> None:
    stream = b"event: ping\nid: 1\nretry: 5\n\n\n\ndata: x\n\n"
    assert decode([stream]) == [ev("x")]


def test_json() -> None:
    (event,) = decode([b'data: {"a": [1, 2],\ndata:  "b": null}\n\n'])
    assert event.json() == {"a": [1, 2], "b": None}


# --- UTF-8 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["é", "€", "😀", "a"])
def test_utf8_character_split_at_every_byte(char: str) -> None:
    stream = f"event: {char}\ndata: x{char}y\n\n".encode()
    expected = [ev(f"x{char}y", event=char)]
    for cut in range(1, len(stream)):
        assert decode([stream[:cut], stream[cut:]]) == expected, cut
    assert decode([bytes([b]) for b in stream]) == expected


def test_invalid_utf8_is_replaced() -> None:
    assert decode([b"data: a\xffb\xc3\n\n"]) == [ev("a\ufffdb\ufffd")]
    assert decode([b"data: \xe2\x82\rdata: \x82\n\n"]) == [ev("\ufffd\n\ufffd")]


def test_nul_in_data_is_kept() -> None:
    assert decode([b"data: a\x00b\n\n"]) == [ev("a\x00b")]


# --- flush ----------------------------------------------------------------------------------


def test_flush_dispatches_pending_complete_lines() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"event: e\nid: 3\ndata: a\ndata: b\n") == []
    assert decoder.flush() == [ev("a\nb", event="e", id="3")]
    assert decoder.flush() == []


def test_flush_discards_partial_line() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\ndata: b") == []
    assert decoder.flush() == [ev("a")]
    assert decode([b"data: cut-off"]) == []
    assert decode([b"id: 5\ndata: cut-off"]) == []


def test_flush_does_not_dispatch_without_data() -> None:
    assert decode([b"event: e\nid: 1\n"]) == []
    assert decode([]) == []


def test_flush_after_trailing_cr() -> None:
    assert decode([b"data: a\r"]) == [ev("a")]


def test_decoder_usable_after_flush() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 9\nevent: e\ndata: partial")
    assert decoder.flush() == []
    assert decoder.feed(b"data: new\n\n") == [ev("new")]
    assert decoder.last_event_id == "9"


# --- linear time ----------------------------------------------------------------------------


def test_huge_single_line_in_small_chunks() -> None:
    # Quadratic re-scanning or re-concatenation would take minutes here.
    payload = b"x" * (2 * 1024 * 1024)
    stream = b"data: " + payload + b"\n\n"
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for i in range(0, len(stream), 16):
        events.extend(decoder.feed(stream[i : i + 16]))
    assert len(events) == 1
    assert len(events[0].data) == len(payload)


def test_huge_multi_line_event_in_small_chunks() -> None:
    stream = b"data: 0123456789abcdef\n" * 100_000 + b"\n"
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for i in range(0, len(stream), 64):
        events.extend(decoder.feed(stream[i : i + 64]))
    assert len(events) == 1
    assert events[0].data == "\n".join(["0123456789abcdef"] * 100_000)


def test_many_tiny_chunks() -> None:
    stream = b"data: x\n\n" * 20_000
    assert decode([stream[i : i + 1] for i in range(len(stream))]) == [ev("x")] * 20_000


# --- max_size: one line or event is bounded -------------------------------------------------


def feed_all(decoder: SSEDecoder, chunks: Iterable[bytes]) -> list[str]:
    events: list[str] = []
    for chunk in chunks:
        events.extend(decoder.feed_data(chunk))
    return events


def test_no_limit_by_default() -> None:
    decoder = SSEDecoder()
    assert feed_all(decoder, [b"data: " + b"x" * 100_000, b"\n\n"]) == ["x" * 100_000]
    assert not decoder.overflowed


@pytest.mark.parametrize("size", [1, 7, 64, 1000])
def test_a_line_longer_than_the_limit_stops_the_decoder_without_buffering_it(size: int) -> None:
    decoder = SSEDecoder(max_size=100)
    line = b"data: " + b"x" * 1_000_000  # never ends
    assert feed_all(decoder, [b"data: a\n\n"]) == ["a"]
    fed = 0
    for i in range(0, len(line), size):
        assert decoder.feed_data(line[i : i + size]) == []
        fed += size
        if decoder.overflowed:
            break
        assert sum(map(len, decoder._pending)) <= 100
    assert decoder.overflowed
    assert fed <= 100 + size  # it stopped as soon as the line was over the limit
    assert decoder._pending == []
    # Anything after is ignored: the stream is over.
    assert decoder.feed_data(b"\n\ndata: b\n\n") == []


@pytest.mark.parametrize("chunk", [1, 10, 4096], ids=lambda n: f"chunks of {n}")
def test_events_before_an_oversized_line_are_returned(chunk: int) -> None:
    stream = b"data: a\n\ndata: b\n\n:" + b"c" * 150 + b"\ndata: d\n\n"
    decoder = SSEDecoder(max_size=100)
    assert feed_all(decoder, [stream[i : i + chunk] for i in range(0, len(stream), chunk)]) == ["a", "b"]
    assert decoder.overflowed


@pytest.mark.parametrize("chunk", [1, 10, 4096], ids=lambda n: f"chunks of {n}")
def test_an_event_of_many_lines_over_the_limit_stops_the_decoder(chunk: int) -> None:
    # Each line is short; together they pass the limit (data of 12 lines of 9 characters).
    stream = b"data: a\n\n" + b"data: 123456789\n" * 12 + b"\ndata: z\n\n"
    decoder = SSEDecoder(max_size=100)
    assert feed_all(decoder, [stream[i : i + chunk] for i in range(0, len(stream), chunk)]) == ["a"]
    assert decoder.overflowed


@pytest.mark.parametrize("chunk", [1, 10, 4096], ids=lambda n: f"chunks of {n}")
def test_lines_and_events_up_to_the_limit_pass(chunk: int) -> None:
    # A line of exactly 100 bytes; an event of exactly 100 characters over 10 lines.
    line = b"data: " + b"x" * 94
    many = b"".join(b"data: " + b"%09d" % i + b"\n" for i in range(10))
    stream = line + b"\n\n" + many + b"\n"
    decoder = SSEDecoder(max_size=100)
    events = feed_all(decoder, [stream[i : i + chunk] for i in range(0, len(stream), chunk)])
    assert events == ["x" * 94, "\n".join(f"{i:09d}" for i in range(10))]
    assert not decoder.overflowed


def test_flush_after_an_overflow_gives_nothing_and_resets() -> None:
    decoder = SSEDecoder(max_size=10)
    assert decoder.feed(b"data: 0123456789\n") == []
    assert decoder.overflowed
    flushed = decoder.flush()
    assert (flushed, decoder.overflowed) == ([], False)
    assert decoder.feed(b"data: ok\n\n") == [ev("ok")]


@PROPERTY_SETTINGS
@given(
    parts=st.lists(
        st.sampled_from([b"data: ", b"x" * 7, b"y" * 40, b"\n", b"\r\n", b":", b"event: e", "é".encode()]),
        max_size=60,
    ),
    limit=st.integers(1, 120),
    data=st.data(),
)
def test_property_the_limit_does_not_depend_on_chunking(parts: list[bytes], limit: int, data: st.DataObject) -> None:
    stream = b"".join(parts)
    points = data.draw(st.lists(st.integers(0, len(stream)), max_size=20))
    results = []
    for chunks in ([stream], split_at(stream, points), [stream[i : i + 1] for i in range(len(stream))]):
        decoder = SSEDecoder(max_size=limit)
        events = [e for chunk in chunks for e in decoder.feed(chunk)]
        results.append((events, decoder.overflowed))
    assert results[0] == results[1] == results[2]
    events, overflowed = results[0]
    # Every event handed out fits; without a limit the same events come first.
    assert all(len(e.data) <= limit for e in events)
    unbounded = SSEDecoder().feed(stream)
    assert unbounded[: len(events)] == events
    if not overflowed:
        assert unbounded == events


# --- realistic recorded stream --------------------------------------------------------------

RECORDED = (
    b": connected\n"
    b"retry: 2500\n"
    b"\n"
    b'data: {"model":"gpt-5.2","delta":"Hi","done":false}\n'
    b"\n"
    b"id: 2\n"
    b'data: {"model":"gpt-5.2","delta":" th\xc3\xa9re \xe2\x82\xac\xf0\x9f\x98\x80","done":false}\n'
    b"\n"
    b"event: usage\n"
    b'data: {"prompt_tokens":12,\n'
    b'data: "completion_tokens":3}\n'
    b"\n"
    b'data: {"event":"done","credits_charged":1}\n'
    b"\n"
    b"data: [DONE]\n"
    b"\n"
)
RECORDED_EVENTS = [
    ev('{"model":"gpt-5.2","delta":"Hi","done":false}'),
    ev('{"model":"gpt-5.2","delta":" thére €😀","done":false}', id="2"),
    ev('{"prompt_tokens":12,\n"completion_tokens":3}', event="usage"),
    ev('{"event":"done","credits_charged":1}'),
    ev("[DONE]"),
]
VARIANTS = {"LF": RECORDED, "CRLF": RECORDED.replace(b"\n", b"\r\n"), "CR": RECORDED.replace(b"\n", b"\r")}


def test_recorded_stream_json() -> None:
    events = decode([RECORDED])
    assert events == RECORDED_EVENTS
    assert events[1].json()["delta"] == " thére €😀"
    assert events[2].json() == {"prompt_tokens": 12, "completion_tokens": 3}


@pytest.mark.parametrize("variant", VARIANTS)
def test_recorded_stream_every_single_split(variant: str) -> None:
    stream = VARIANTS[variant]
    for i in range(len(stream) + 1):
        assert decode(split_at(stream, [i])) == RECORDED_EVENTS, i


@pytest.mark.parametrize("variant", VARIANTS)
def test_recorded_stream_every_pair_of_splits(variant: str) -> None:
    stream = VARIANTS[variant]
    n = len(stream)
    for i in range(1, n):
        for j in range(i, n):
            assert decode(split_at(stream, [i, j])) == RECORDED_EVENTS, (i, j)


def test_recorded_stream_one_byte_chunks_and_bom() -> None:
    for stream in VARIANTS.values():
        assert decode([bytes([b]) for b in BOM + stream]) == RECORDED_EVENTS


# --- property tests -------------------------------------------------------------------------

line_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=20)


@dataclass
class Spec:
    event: str | None
    data_lines: list[str]
    id: str | None
    retry: int | None
    comment: str | None
    space_after_colon: bool

    def expected(self) -> ServerSentEvent:
        return ServerSentEvent(
            event=self.event, data="\n".join(self.data_lines), id=self.id, retry=self.retry
        )

    def lines(self) -> list[str]:
        def field(name: str, value: str) -> str:
            sep = ": " if self.space_after_colon or value.startswith(" ") else ":"
            return name + sep + value

        out: list[str] = []
        if self.comment is not None:
            out.append(":" + self.comment)
        if self.event is not None:
            out.append(field("event", self.event))
        if self.id is not None:
            out.append(field("id", self.id))
        if self.retry is not None:
            out.append(field("retry", str(self.retry)))
        out.extend(field("data", line) for line in self.data_lines)
        out.append("")
        return out


specs = st.builds(
    Spec,
    event=st.none() | line_text.filter(bool),
    data_lines=st.lists(line_text, min_size=1, max_size=4),
    id=st.none() | line_text.map(lambda s: s.replace("\0", "")),
    retry=st.none() | st.integers(0, 10**12),
    comment=st.none() | line_text,
    space_after_colon=st.booleans(),
)


@PROPERTY_SETTINGS
@given(
    events=st.lists(specs, max_size=8),
    eol=st.sampled_from(["\n", "\r", "\r\n"]),
    bom=st.booleans(),
    data=st.data(),
)
def test_property_roundtrip(events: list[Spec], eol: str, bom: bool, data: st.DataObject) -> None:
    text = "".join(line + eol for spec in events for line in spec.lines())
    stream = (BOM if bom else b"") + text.encode()
    points = data.draw(st.lists(st.integers(0, len(stream)), max_size=12))
    decoder = SSEDecoder()
    decoded: list[ServerSentEvent] = []
    for chunk in split_at(stream, points):
        decoded.extend(decoder.feed(chunk))
    assert decoder.flush() == []
    assert decoded == [spec.expected() for spec in events]
    ids = [spec.id for spec in events if spec.id is not None]
    assert decoder.last_event_id == (ids[-1] if ids else "")


# Byte soup biased towards SSE syntax so that the interesting paths are actually exercised.
sse_tokens = st.sampled_from(
    [
        *(b"data", b"event", b"id", b"retry", b":", b": ", b" ", b"\n", b"\r", b"\r\n", b"x", b"12", b"\x00"),
        *(BOM, BOM[:1], BOM[1:], b"\xc3", b"\xa9", b"\xe2\x82\xac", b"\xf0\x9f", b"\x98\x80", b"\xff"),
    ]
)
sse_bytes = st.lists(sse_tokens, max_size=60).map(b"".join) | st.binary(max_size=200)


def _reference_decode(stream: bytes) -> tuple[list[ServerSentEvent], str]:
    """A deliberately naive, whole-stream implementation of the same rules."""
    if stream.startswith(BOM):
        stream = stream[len(BOM) :]
    *lines, _partial = re.split("\r\n|\r|\n", stream.decode("utf-8", "replace"))
    events: list[ServerSentEvent] = []
    data: str | None = None
    event: str | None = None
    id_: str | None = None
    retry: int | None = None
    last_id = ""
    for line in [*lines, ""]:  # the extra blank line models the lenient flush
        if line == "":
            if data is not None:
                events.append(ServerSentEvent(event, data.removesuffix("\n"), id_, retry))
            data = event = id_ = retry = None
        elif line.startswith(":"):
            pass
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                data = (data or "") + value + "\n"
            elif name == "event":
                event = value or None
            elif name == "id" and "\0" not in value:
                id_ = last_id = value
            elif name == "retry" and value and all("0" <= c <= "9" for c in value):
                retry = int(value)
    return events, last_id


@PROPERTY_SETTINGS
@given(stream=sse_bytes, data=st.data())
def test_property_chunking_invariance(stream: bytes, data: st.DataObject) -> None:
    one = SSEDecoder()
    whole = one.feed(stream) + one.flush()
    points = data.draw(st.lists(st.integers(0, len(stream)), max_size=20))
    many = SSEDecoder()
    chunked: list[ServerSentEvent] = []
    for chunk in split_at(stream, points):
        chunked.extend(many.feed(chunk))
    chunked.extend(many.flush())
    assert chunked == whole
    assert (many.last_event_id, many.retry) == (one.last_event_id, one.retry)
    assert (whole, one.last_event_id) == _reference_decode(stream)
