"""Typed event streams over SSE: everything between a stream's bytes and the events, text and final
result a caller sees, in one place.

- `_core`: `StreamState` (bytes in, events out, no I/O), `Stream` / `AsyncStream`, `Accumulator`.
- `_frames`: reading the fields of odd frames (error frames, views' values).
- `chat`; `multi` (what compare, blend and judge share); `compare`, `blend`, `judge`: each endpoint's
  frame parser, accumulator (running text, per-model views, final result) and stream classes.

`llmwise.types` holds the data these produce (events, results, `ModelView`) and imports nothing
from here. `from llmwise import Stream, AsyncStream` and the stream classes of `llmwise.resources.*`
are the public names.

How a stream ends, and what bounds it (details in `_core`):

- It ends at its closing `done` event, `data: [DONE]` or an error event, not when the server ends
  the body: the rest of the body is read only if it is at hand (its end received already, or
  arriving within a few milliseconds), so the connection goes back to the pool; a server that holds
  the body open after `[DONE]` (keep-alive comments) costs that connection, never a wait.
- One line or event larger than the client's `max_event_bytes` (default 8 MiB) stops it with
  `ResponseTooLargeError`, raised after the events before it, with their text in `partial_text`;
  no more than the limit of it is buffered.
- A stream dropped without being closed (after `next(stream)`, say) releases its connection without
  the garbage collector: at once for a sync stream, on the event loop a moment later for an async
  one (only the loop can close an async generator).
- The call's `deadline` covers a stream's whole life: once it has passed, the next read of the body
  is not made and `StreamDeadlineExceededError` (a `StreamTimeoutError` and a
  `DeadlineExceededError`) is raised with the text received in `partial_text`; so is a chunk that
  arrives late, or a read that timed out past the deadline. Events already received are handed out
  first.

How a frame is read (the contract, §4, documents the frames; the server is the authority on shapes):

1. A `data:` payload that is not a JSON object (not JSON, an array, a number) is skipped, logged and
   kept in `stream.skipped_frames`, as the 0.1 client skipped it. `[DONE]` ends the stream.
2. Every JSON object becomes an event: none is skipped. Its kind (the `event` value, matched exactly,
   except `error`) picks its type; a value that does not fit that type is kept as sent and listed in
   `event.response_issues` (see `llmwise._models`); a kind this SDK does not know is an
   `UnknownEvent` holding everything the server sent.
3. Error frames raise `ServerStreamError`, after the events before them were handed out, whatever the
   shape of their fields. A frame is an error frame when:
   - its `event` is `error`, in any case (`ERROR`), even if it names a model: an explicit error
     event is the stream's own (contract §4.7);
   - its `event` is absent or a kind the endpoint does not know (`failure`), and its `error` says
     something (anything but null, false, 0, "" or an empty object/list: some servers send
     `"error": null` on every frame). Except, in compare, blend and judge, a frame that names its
     `model` (a string): that model failed and the others go on (`ModelErrorEvent`, yielded);
   - its `event` is `done` and its `error` says something: a stream cannot end both ways, and a
     failure reported on the closing frame must not pass for an answer (its billing fields are on the
     error's `body`).
   Known kinds that carry an `error` as part of their meaning keep it: a chat `route` (one failed
   attempt; failover goes on), a `trace` (its `terminal_error`; the error frame follows), a mesh
   `chunk`, a compare `summary`, a judge `verdict`.
   The error's message is its `error` as words (a string as is, an object's `message`, anything
   else as JSON text), else its `message` or `detail`, else a generic sentence. Its `status_code` is
   the first integer (or string of digits) among `status_code`, `status` and `code`, then the same
   keys inside an `error` object. `refunded` is read when it is a boolean (or "true"/"false", 1/0).
   `body` is the frame. Strict mode does not change any of this: a server's error report is raised
   as what it is, never as a validation error.
4. Text. A frame without `event` that has a `delta` is a text chunk (a `delta` that is not a string
   does not fit, and is no text). A frame of an unknown kind with a string `delta` is a text chunk
   too (`TextChunkEvent` / `ModelChunkEvent`, its `event` kept); one without a string `delta` is an
   `UnknownEvent`. In compare, blend and judge, such a frame that names its `model` and has
   `done: true` is that model's completion (`ModelDoneEvent`). Known non-text kinds (`done`,
   `route`, `trace`, `summary`, `verdict`) keep their kind; a `delta` on them is kept on the event
   but is not text.
5. Where text goes. Chat: a chunk without `model` continues the current answer; a chunk naming
   another model starts (or resumes) that model's answer, as failover does, and the first model
   named takes over the text that came before any name. Compare, blend, judge: a chunk without
   `model` continues the view of the per-model frame before it (before any, a view labelled `""`);
   blend's synthesis frames (`phase: "synthesis"`) make the main text.
6. `done` is the `done` event whatever else it holds (retyped, extra or nulled fields): known fields
   are read leniently (numeric strings are numbers), so `credits_charged` and `credits_remaining`
   are there when the server sent them as numbers.
7. Strict mode (`strict_responses=True`): frames are read under `llmwise._models.STRICT_RESPONSES`
   (set once per chunk of the body, and only when strict), and a frame that does not fit its event
   type raises `APIResponseValidationError` from iteration, at its place in the stream; the message
   names fields, never values. In the default (lenient) mode no JSON object frame raises, except
   error frames (rule 3).
8. The stream's helpers (accumulators, views, `get_final_*()`, and the results' `by_model`,
   `by_label`, `winner`, `ranking`, `score_of`) read only values of the expected type: a raw value
   (a string where a model id belongs, a string rank, an error object) is skipped or turned into
   words, never a crash.
"""

from __future__ import annotations

from ._core import Accumulator, AsyncStream, Stream, StreamState

__all__ = ["Stream", "AsyncStream", "Accumulator", "StreamState"]
