"""Incremental Server-Sent Events decoder.

Implements the parsing rules of the WHATWG HTML "server-sent events" section
(https://html.spec.whatwg.org/multipage/server-sent-events.html) on top of raw
bytes delivered in arbitrary chunks, with one documented deviation at end of
stream (see :meth:`SSEDecoder.flush`).
"""

from __future__ import annotations

import json as _json
from dataclasses import dataclass
from typing import Any

__all__ = ["SSEDecoder", "ServerSentEvent"]

_BOM = b"\xef\xbb\xbf"
_LF = 0x0A
_CR = 0x0D


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched server-sent event."""

    event: str | None = None
    """The ``event:`` field, or ``None`` when absent (meaning the default type "message")."""
    data: str = ""
    """The ``data:`` lines joined with ``"\\n"``."""
    id: str | None = None
    """The ``id:`` field given in this event's block, if any."""
    retry: int | None = None
    """The ``retry:`` field of this event's block, if it was a valid integer."""

    def json(self) -> Any:
        """Return ``json.loads(self.data)``."""
        return _json.loads(self.data)


class SSEDecoder:
    """Incremental SSE decoder: feed it bytes in any chunking, get complete events back.

    Never raises on malformed input; undecodable UTF-8 becomes U+FFFD.

    `max_size` (None: no limit) bounds what one line (in bytes) and one event's data (in
    characters, its `data:` lines together) may weigh. Past it the decoder stops: the events
    completed before the oversized line or event are returned, :attr:`overflowed` becomes True,
    what was buffered of it is dropped, and later input is ignored. No more than `max_size` (and
    the chunk being read) is ever held for one line.
    """

    __slots__ = (
        "_bom_buf",
        "_data",
        "_data_size",
        "_event",
        "_id",
        "_max_size",
        "_pending",
        "_pending_size",
        "_retry",
        "_skip_lf",
        "last_event_id",
        "overflowed",
        "retry",
    )

    def __init__(self, max_size: int | None = None) -> None:
        self.last_event_id: str = ""
        """The last event ID seen on the stream; persists across events, as the spec requires."""
        self.retry: int | None = None
        """The last valid ``retry:`` value seen on the stream (the reconnection time in ms)."""
        # Bytes seen so far while we cannot yet tell whether the stream starts with a BOM
        # (it may be split across chunks); None once that has been decided.
        self._bom_buf: bytes | None = b""
        # Pieces of the current unterminated line. Kept as a list and joined only once the
        # line ends, so a huge line spread over many chunks costs linear time.
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._max_size = max_size
        self.overflowed = False
        """A line or event was larger than `max_size`: decoding stopped there."""
        # The size of the current event's data so far, kept only while it spans chunks.
        self._data_size = 0
        # The previous chunk ended in CR: a LF at the start of the next chunk is the second
        # half of a CRLF, not a separate (blank, event-dispatching) line.
        self._skip_lf = False
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume ``chunk`` and return the events it completed (possibly none)."""
        lines = self._lines(chunk)
        if not lines:
            return []
        if self._max_size is None:
            return self._process(lines, False)
        return self._bounded(lines, len(chunk), False)

    def feed_data(self, chunk: bytes) -> list[str]:
        """Like :meth:`feed`, but return only each completed event's ``data``.

        For consumers that read nothing else (the typed streams): it saves building an event
        object per event. The decoder's state (:attr:`last_event_id`, :attr:`retry`) is kept
        all the same.
        """
        lines = self._lines(chunk)
        if not lines:
            return []
        if self._max_size is None:
            return self._process(lines, True)
        return self._bounded(lines, len(chunk), True)

    def flush(self) -> list[ServerSentEvent]:
        """Signal end of stream and return any event still pending.

        Deliberate, lenient deviation from the spec (which discards an incomplete event at
        end of stream): if the pending, not yet dispatched event has data from *complete*
        lines (terminated by a line break), it is dispatched. An unterminated trailing
        partial line is discarded, since it is most likely a cut-off frame.

        Afterwards the decoder is reset for a new stream (:attr:`overflowed` too), keeping
        :attr:`last_event_id` and :attr:`retry`.
        """
        return self._flush(False)

    def flush_data(self) -> list[str]:
        """Like :meth:`flush`, but return only the pending event's ``data`` (see :meth:`feed_data`)."""
        return self._flush(True)

    def _flush(self, data_only: bool) -> list[Any]:
        # After an overflow there is nothing to give (what was left of it is dropped).
        self.overflowed = False
        self._pending.clear()
        self._pending_size = 0
        self._data_size = 0
        self._skip_lf = False
        # A new stream may start with its own BOM.
        self._bom_buf = b""
        events = self._process([b""], data_only) if self._data else []
        self._event = self._id = self._retry = None
        return events

    def _lines(self, chunk: bytes) -> list[bytes]:
        """The lines ``chunk`` completes, without their line breaks (the rest is kept for later)."""
        if not chunk or self.overflowed:
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
            if chunk[0] == _LF:
                chunk = chunk[1:]
                if not chunk:
                    return []

        # bytes.splitlines splits on exactly LF, CR and CRLF (unlike str.splitlines). Lines come
        # without their line break; whether the last one is complete follows from the chunk's end.
        lines = chunk.splitlines()
        last = chunk[-1]
        pending = self._pending
        limit = self._max_size
        tail: bytes | None = None
        if last == _CR:
            self._skip_lf = True
        elif last != _LF:
            tail = lines.pop()
            if not lines:
                # No line break in this chunk: the line goes on (and is bounded).
                size = self._pending_size + len(tail)
                if limit is not None and size > limit:
                    self._overflow()
                    return []
                self._pending_size = size
                pending.append(tail)
                return []
        if pending:
            if limit is not None and self._pending_size + len(lines[0]) > limit:
                self._overflow()
                return []
            pending.append(lines[0])
            lines[0] = b"".join(pending)
            pending.clear()
            self._pending_size = 0
        if tail is not None:
            pending.append(tail)
            self._pending_size = len(tail)
        return lines

    def _overflow(self) -> None:
        self.overflowed = True
        self._pending.clear()
        self._pending_size = 0
        self._data.clear()
        self._data_size = 0

    def _bounded(self, lines: list[bytes], chunk_size: int, data_only: bool) -> list[Any]:
        """`_process` with the `max_size` checks that `_lines` does not make: an event's data, and a
        line within one chunk. O(1) per chunk, but for a chunk larger than the limit (rare: a body's
        chunks are far smaller than any sensible limit)."""
        limit = self._max_size
        assert limit is not None
        big = chunk_size > limit
        cut = False
        if big:
            # A line may be over the limit within this one chunk: only what comes before it counts.
            for index, line in enumerate(lines):
                if len(line) > limit:
                    lines = lines[:index]
                    cut = True
                    break
        data = self._data
        before = len(data)  # data lines of an event begun in an earlier chunk
        events = self._process(lines, data_only)
        if big:
            too_big = (
                cut
                or self._pending_size > limit
                or any(len(event if data_only else event.data) > limit for event in events)
            )
        else:
            # Only the first event dispatched here can have begun in an earlier chunk; the others
            # lie within this chunk, which is not over the limit.
            too_big = bool(events) and len(events[0] if data_only else events[0].data) > limit
        if data and not too_big:
            # An event still pending at the chunk's end. `_data_size` counts its lines up to the end
            # of the previous chunk; none of them is left if an event was dispatched meanwhile.
            if events or not before:
                size = sum(map(len, data))
            else:
                size = self._data_size + sum(map(len, data[before:]))
            self._data_size = size
            too_big = size > limit
        if not too_big:
            return events
        self._overflow()
        for index, event in enumerate(events):
            if len(event if data_only else event.data) > limit:
                return events[:index]
        return events

    def _process(self, lines: list[bytes], data_only: bool) -> list[Any]:
        # Fields are matched on bytes and only values are decoded: ":", " " and the ASCII field
        # names cannot occur inside a multi-byte UTF-8 sequence, so this is equivalent to decoding
        # first, and cheaper. This loop runs once per line of every stream: the per-event fields
        # live in locals meanwhile, and `data: ...` lines take a short cut.
        events: list[Any] = []
        data = self._data
        event, id_, retry = self._event, self._id, self._retry
        if data_only and not data and len(lines) > 1:
            # The usual body: `data: <payload>` and a blank line, event after event. Checked for a
            # whole run of such pairs at once, whose payloads are then decoded together (a line
            # break cannot fall inside a UTF-8 sequence, and an invalid sequence ends at one, so
            # each payload decodes as it would alone); any other line takes the loop below.
            count = len(lines) // 2
            blanks = lines[1 : 2 * count : 2]
            if not any(blanks):
                heads = b"\n".join(lines[0 : 2 * count : 2])
                if heads.startswith(b"data: ") and heads.count(b"\ndata: ") == count - 1:
                    events = heads[6:].decode("utf-8", "replace").split("\ndata: ")
                    event = id_ = retry = None
                    lines = lines[2 * count :]
        for line in lines:
            if not line:
                if data:
                    joined = data[0] if len(data) == 1 else "\n".join(data)
                    events.append(joined if data_only else ServerSentEvent(event, joined, id_, retry))
                    data.clear()
                event = id_ = retry = None
                continue
            if line.startswith(b"data: "):
                # Field "data", its one leading space dropped.
                data.append(line[6:].decode("utf-8", "replace"))
                continue
            name, _, value = line.partition(b":")
            if not name:
                continue  # comment
            if value[:1] == b" ":
                value = value[1:]
            if name == b"data":
                data.append(value.decode("utf-8", "replace"))
            elif name == b"event":
                # The spec does not distinguish an empty event type from an absent one.
                event = value.decode("utf-8", "replace") or None
            elif name == b"id":
                if b"\0" not in value:
                    id_ = self.last_event_id = value.decode("utf-8", "replace")
            elif name == b"retry" and value.isdigit():  # bytes.isdigit is ASCII-only
                try:
                    retry = self.retry = int(value)
                except ValueError:
                    # Beyond sys.get_int_max_str_digits(): ignore rather than raise.
                    pass
        self._event, self._id, self._retry = event, id_, retry
        return events
