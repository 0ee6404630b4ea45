"""The scenario API: script what the sandbox does, then check what your code sent.

Everything here is a thin, typed layer over the :class:`~llmwise.sandbox.Sandbox` methods, so a
scenario and direct sandbox calls can be mixed freely.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

from ._requests import SentRequest, describe

if TYPE_CHECKING:
    from typing_extensions import Self

    from llmwise.sandbox import Sandbox

    from ._waits import RetryWaits

#: A model's scripted answer: fixed text, or ``callable(messages) -> text``.
Reply = Union[str, Callable[[Sequence[Mapping[str, Any]]], str]]

_UNSET: Any = object()


class Scenario:
    """Script a :class:`~llmwise.sandbox.Sandbox` fluently and inspect the requests it received.

    ``Scenario()`` builds its own sandbox; the ``llmwise_scenario`` fixture and
    :func:`~llmwise.testing.sandbox_client` hand you one bound to theirs. Configuration methods
    return the scenario (or the :class:`ModelScript`) so calls chain::

        scenario.model("gpt-5.2").replies("Hello!").with_latency(0.01)
        scenario.rate_limit(times=1, retry_after=2).server_error(503)

    Queued faults (``rate_limit``, ``server_error``, ``cut_stream``, ``malformed_frame``,
    ``unknown_event``) are used up in the order they were added, one per matching request;
    ``path`` (relative to ``/api/v1``, globs allowed) limits one to some endpoints. Model
    behaviour (:meth:`model`) is persistent until changed; ``model(id).next_reply(...)`` and
    :meth:`next_reply` script a single answer. :meth:`strict` makes unscripted requests and
    unused scripts fail the test (:meth:`verify`).
    """

    def __init__(self, sandbox: Sandbox | None = None) -> None:
        if sandbox is None:
            from llmwise.sandbox import Sandbox

            sandbox = Sandbox()
        #: The sandbox being scripted (for anything the scenario API does not cover).
        self.sandbox: Sandbox = sandbox
        # Set by the fixtures and sandbox_client(), which install the retry-wait recorder.
        self._retry_waits: RetryWaits | None = None

    # -- models ---------------------------------------------------------------------------------

    def model(self, model_id: str) -> ModelScript:
        """Script one catalogue model: ``scenario.model("gpt-5.2").fails(429)``.

        Raises ``ValueError`` for ids the sandbox does not serve (see :meth:`add_model`) and for
        ``"auto"``, which is a router: script the models it routes to instead.
        """
        if model_id == "auto":
            raise ValueError("'auto' is a router, not a model: script the models it routes to")
        with self.sandbox.state.lock:
            known = self.sandbox.state.is_known_model(model_id)
        if not known:
            raise ValueError(
                f"unknown model {model_id!r}: the sandbox serves the LLMWise v1 catalogue "
                f"(scenario.model_ids lists it); add new ids with scenario.add_model({model_id!r})"
            )
        return ModelScript(self.sandbox, model_id)

    def add_model(self, model_id: str, *, vision: bool = False, is_free: bool = False) -> ModelScript:
        """Add a model id the catalogue lacks (``GET /models`` lists it from now on) and script it."""
        self.sandbox.add_model(model_id, vision=vision, is_free=is_free)
        return ModelScript(self.sandbox, model_id)

    @property
    def model_ids(self) -> list[str]:
        """Every model id the sandbox serves (``auto`` included)."""
        return [m.id for m in self.sandbox.models]

    def auto_resolves_to(self, model_id: str | None) -> Self:
        """Make ``model="auto"`` resolve to ``model_id`` (``None``: back to the sandbox's heuristics).

        Replaces the routing heuristics for every later auto request (``cost_saver`` and images
        included); ``resolved_model`` names it, and with :meth:`auto_fallbacks` it heads the chain.
        Script what it answers as for any model: ``scenario.model(model_id).replies(...)``.
        """
        from llmwise.sandbox._scripts import check_auto_model, scripts

        with self.sandbox.state.lock:
            check_auto_model(self.sandbox.state, model_id)
            scripts(self.sandbox.state).auto_model = model_id
        return self

    def auto_fallbacks(self, max_fallbacks: int) -> Self:
        """Let ``model="auto"`` fail over along ``max_fallbacks`` models (0: no failover, the default)."""
        if isinstance(max_fallbacks, bool) or not isinstance(max_fallbacks, int) or max_fallbacks < 0:
            raise ValueError("max_fallbacks must be an integer >= 0")
        with self.sandbox.state.lock:
            self.sandbox.policy["max_fallbacks"] = max_fallbacks
        return self

    # -- time and circuit breakers --------------------------------------------------------------

    def advance_clock(self, seconds: float) -> Self:
        """Move the sandbox's time forward by ``seconds`` instead of sleeping: an open circuit
        breaker half-opens after 30, a rate-limit window resets after 60."""
        self.sandbox.advance_clock(seconds)
        return self

    def breaker(self, model_id: str) -> Breaker:
        """The circuit breaker of ``model_id``: ``scenario.breaker("gpt-5.2").state == "open"``.

        Three failures in a row (408, 409, 425, 429, 5xx) open it; failover chains then skip the
        model (a ``route`` event with ``status="skipped"``, ``reason="circuit_open"``) for 30 s of
        sandbox time (:meth:`advance_clock`), then try it once as a probe.
        """
        self.sandbox.breaker(model_id)  # ValueError for unknown ids
        return Breaker(self.sandbox, model_id)

    def reset_breakers(self) -> Self:
        """Close every circuit breaker and forget the failures counted so far."""
        self.sandbox.reset_breakers()
        return self

    # -- queued faults --------------------------------------------------------------------------

    def rate_limit(self, times: int = 1, retry_after: float = 1.0, path: str | None = None) -> Self:
        """Answer the next ``times`` requests with 429 and ``Retry-After: retry_after`` (seconds).

        The SDK retries 429 (honouring the header), so ``times`` up to ``max_retries`` (2 by
        default) ends in success; more ends in ``llmwise.RateLimitError``.
        """
        self.sandbox.rate_limit(times=times, retry_after=retry_after, path=path)
        return self

    def server_error(self, status: int = 503, times: int = 1, path: str | None = None) -> Self:
        """Answer the next ``times`` requests with ``status`` (a JSON error body; 5xx are retried)."""
        self.sandbox.server_error(status=status, times=times, path=path)
        return self

    def cut_stream(self, after_events: int = 2, times: int = 1, path: str | None = None) -> Self:
        """Drop the connection of the next ``times`` streams after ``after_events`` SSE frames.

        The client sees ``llmwise.IncompleteStreamError`` (with ``partial_text``) once events have
        reached it; with ``after_events=0`` the SDK retries as for a connection error. Requests
        that do not stream leave the fault queued.
        """
        self.sandbox.cut_stream(after_events=after_events, times=times, path=path)
        return self

    def malformed_frame(self, after_events: int = 1, times: int = 1, path: str | None = None) -> Self:
        """Insert an unparsable frame (``data: {not json``) into the next ``times`` streams.

        The stream goes on: the SDK logs a warning and skips the frame.
        """
        self.sandbox.malformed_frame(after_events=after_events, times=times, path=path)
        return self

    def unknown_event(
        self,
        after_events: int = 1,
        times: int = 1,
        path: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Self:
        """Insert an event kind the SDK does not know (``payload``, default ``{"event": "sandbox_mystery"}``).

        Streams yield it as ``llmwise.types.shared.UnknownEvent``; code that ignores unknown
        events keeps working when the API adds new ones.
        """
        self.sandbox.unknown_event(after_events=after_events, times=times, path=path, payload=payload)
        return self

    def invalid_json(self, times: int = 1, kind: str = "schema", model: str | None = None) -> Self:
        """Make the next ``times`` answers to the SDK's ``parse()`` (of ``model``, or of any model)
        fail validation: ``kind`` ``"schema"`` (JSON that breaks the schema), ``"syntax"`` (JSON cut
        off) or ``"prose"`` (no JSON).

        Repair turns are answers too: ``times=1`` with the default ``max_repairs=1`` ends in a
        repaired, valid answer; ``times`` above ``max_repairs`` in ``llmwise.StructuredOutputError``.
        """
        self.sandbox.invalid_json(times=times, kind=kind, model=model)
        return self

    def clear_faults(self) -> Self:
        """Drop every queued fault and stop drift (model scripts stay)."""
        self.sandbox.clear_faults()
        return self

    # -- canned replies -------------------------------------------------------------------------

    def next_reply(
        self,
        path: str,
        *,
        json: Any = _UNSET,
        events: Iterable[Any] | None = None,
        status: int = 200,
        method: str | None = None,
        times: int = 1,
    ) -> Self:
        """Answer the next ``times`` requests to ``path`` with exactly this response.

        ``json``: the body (any JSON value), sent with ``status``; or ``events``: SSE events (each
        a JSON value), sent as ``data:`` frames and a final ``data: [DONE]``. ``path`` is
        relative to ``/api/v1`` (globs allowed) and must be an endpoint the sandbox serves;
        ``method`` narrows it. The endpoint does not run: nothing is charged or recorded in the
        history. Queued faults come first; replies to the same path are used in order.

        For a model's answer with its own content and numbers, see :meth:`ModelScript.next_reply`.
        """
        from llmwise.sandbox._scripts import CannedReply, scripts

        if (json is _UNSET) == (events is None):
            raise TypeError("next_reply() takes one of json=... (a body) and events=[...] (a stream)")
        reply = CannedReply(
            path,
            method,
            status=status,
            body=None if json is _UNSET else json,
            events=None if events is None else list(events),
            times=times,
        )
        with self.sandbox.state.lock:
            scripts(self.sandbox.state).canned.append(reply)
        return self

    # -- strict mode ----------------------------------------------------------------------------

    def strict(self, enabled: bool = True) -> Self:
        """Strict mode: fail the test on requests nothing scripted, and on scripts never used.

        While on, a request answered by no queued fault, no :meth:`next_reply`, no
        :meth:`allow`-ed path, and (for ``/chat``, ``/compare``, ``/blend``, ``/judge``) with a
        model that has no script gets HTTP 418 from the sandbox (for a multi-model request, that
        model fails alone). :meth:`verify` (run at teardown by the pytest plugin, and on leaving
        ``sandbox_client(strict=True)``) then fails, listing those requests and every fault,
        reply or model script left unused. ``@pytest.mark.llmwise(strict=True)`` turns it on.
        """
        from llmwise.sandbox._scripts import scripts

        with self.sandbox.state.lock:
            scripts(self.sandbox.state).strict = bool(enabled)
        return self

    @property
    def is_strict(self) -> bool:
        """Whether strict mode is on."""
        from llmwise.sandbox._scripts import scripts

        with self.sandbox.state.lock:
            return scripts(self.sandbox.state).strict

    def allow(self, path: str, method: str | None = None) -> Self:
        """In strict mode, let requests to ``path`` (globs allowed; ``method`` narrows) be answered
        by the sandbox as usual: generated text for unscripted models, the account endpoints'
        data. Allowing is permission, not expectation: an allowed path never called is fine."""
        from llmwise.sandbox._faults import normalize_path
        from llmwise.sandbox._scripts import scripts

        with self.sandbox.state.lock:
            scripts(self.sandbox.state).allowed.append((normalize_path(path), method.upper() if method else None))
        return self

    def problems(self) -> list[str]:
        """What :meth:`verify` would fail on: unscripted requests, then scripts never used."""
        from llmwise.sandbox._scripts import scripts, unused

        with self.sandbox.state.lock:
            refused = [f"unscripted request (answered 418): {r}" for r in scripts(self.sandbox.state).unscripted]
            return refused + unused(self.sandbox.state)

    def verify(self) -> None:
        """Raise ``AssertionError`` when a request went unscripted (strict mode) or a queued fault,
        a reply or a model script was never used; the message lists each."""
        found = self.problems()
        if found:
            raise AssertionError(report_problems(found))

    # -- shape drift ----------------------------------------------------------------------------

    def drift(
        self,
        kinds: Iterable[str] | str | None = None,
        *,
        path: str | None = None,
        times: int | None = None,
        seed: int = 0,
        list_key: str | None = None,
    ) -> Self:
        """Serve the same data in other shapes, to test that your code survives the API changing them.

        ``kinds`` (default: all): ``"epoch"`` (``*_at`` timestamps as epoch seconds), ``"int_ids"``
        (issued ids as integers; integers sent back still work), ``"list_keys"`` (list items under
        ``data`` / ``items`` or a bare array; ``list_key`` picks one), ``"extra_fields"`` (an
        unknown ``x_drift`` field in every object), ``"null_content"`` (chat/blend ``content``
        null; streams keep their deltas), ``"odd_frames"`` (legal but unusual SSE). Lasts for
        ``times`` responses (default: until :meth:`clear_drift`) on paths matching ``path``;
        ``seed`` varies the integers and the seeded list keys. Error responses never drift.
        """
        self.sandbox.drift(kinds, path=path, times=times, seed=seed, list_key=list_key)
        return self

    def clear_drift(self) -> Self:
        """Stop drift (integer ids already served keep working)."""
        self.sandbox.clear_drift()
        return self

    # -- credits --------------------------------------------------------------------------------

    def set_credits(self, balance: int) -> Self:
        """Set the credit balance (a request reserves chat 1, compare 2, blend 4, judge 5, then settles)."""
        self.sandbox.credits = balance
        return self

    def out_of_credits(self) -> Self:
        """Balance 0: every paid request gets 402 (``llmwise.InsufficientCreditsError``)."""
        return self.set_credits(0)

    @property
    def credits(self) -> int:
        """The current credit balance."""
        return self.sandbox.credits

    # -- what your code sent --------------------------------------------------------------------

    @property
    def requests(self) -> list[SentRequest]:
        """Every request received under ``/api/v1``, oldest first (a snapshot)."""
        return [SentRequest.from_record(r) for r in self.sandbox.requests]

    def requests_to(self, path: str | None = None, method: str | None = None) -> list[SentRequest]:
        """The requests to ``path`` (``"/chat"``, ``"chat"``, globs such as ``"/history*"``) and/or ``method``."""
        return [r for r in self.requests if r.matches(path, method)]

    def last_request(self, path: str | None = None, method: str | None = None) -> SentRequest:
        """The most recent request to ``path`` / with ``method`` (any when ``None``).

        Raises ``AssertionError`` listing what was received when there is none, so it reads
        well in a failing test.
        """
        everything = self.requests
        for request in reversed(everything):
            if request.matches(path, method):
                return request
        wanted = " ".join(part for part in (method and method.upper(), path) if part) or "any path"
        raise AssertionError(f"the sandbox received no request to {wanted}; received: {describe(everything)}")

    @property
    def retry_waits(self) -> list[float]:
        """The waits (seconds) the SDK asked for between retries, in order.

        Recorded for scenarios from the pytest fixtures and :func:`~llmwise.testing.sandbox_client`
        (which skip the waits unless told to sleep); a hand-built ``Scenario`` raises
        ``RuntimeError`` rather than report a misleading empty list.
        """
        if self._retry_waits is None:
            raise RuntimeError(
                "retry waits are recorded only for scenarios from the llmwise fixtures or sandbox_client()"
            )
        return list(self._retry_waits.waits)

    def reset(self) -> Self:
        """Forget requests, faults, model scripts, replies and retry waits; restore the starting
        credits. Strict mode and the allowed paths stay."""
        from llmwise.sandbox._scripts import scripts

        with self.sandbox.state.lock:
            book = scripts(self.sandbox.state)
            strict, allowed = book.strict, list(book.allowed)
            self.sandbox.reset()
            book = scripts(self.sandbox.state)
            book.strict, book.allowed = strict, allowed
        if self._retry_waits is not None:
            self._retry_waits.waits.clear()
        return self

    def __repr__(self) -> str:
        return f"<Scenario {self.sandbox!r}>"


def report_problems(problems: Iterable[str]) -> str:
    """The message of :meth:`Scenario.verify` (and of the plugin's strict-mode teardown)."""
    return "the llmwise scenario did not play as scripted:\n" + "\n".join(f"  - {line}" for line in problems)


class Breaker:
    """A live view of one model's circuit breaker (from :meth:`Scenario.breaker`).

    Each property reads the sandbox now; see ``llmwise.sandbox._mesh`` for the rules.
    """

    def __init__(self, sandbox: Sandbox, model_id: str) -> None:
        self.sandbox = sandbox
        #: The model whose breaker this is.
        self.model_id = model_id

    @property
    def state(self) -> str:
        """``"closed"`` (tried), ``"open"`` (skipped by failover chains) or ``"half_open"`` (one probe)."""
        return self.sandbox.breaker(self.model_id).state

    @property
    def is_open(self) -> bool:
        """Whether failover chains skip the model now."""
        return self.state == "open"

    @property
    def consecutive_failures(self) -> int:
        """Failures in a row so far (a success resets it)."""
        return self.sandbox.breaker(self.model_id).consecutive_failures

    @property
    def retry_in(self) -> float:
        """Seconds of sandbox time until an open breaker half-opens (0 unless open)."""
        return self.sandbox.breaker(self.model_id).retry_in

    @property
    def trips(self) -> int:
        """How many times the breaker opened."""
        return self.sandbox.breaker(self.model_id).trips

    def trip(self) -> Self:
        """Open the breaker now, as three failures in a row would."""
        self.sandbox.trip_breaker(self.model_id)
        return self

    def reset(self) -> Self:
        """Close the breaker and forget its failures."""
        self.sandbox.reset_breakers(self.model_id)
        return self

    def __repr__(self) -> str:
        snapshot = self.sandbox.breaker(self.model_id)
        return f"<Breaker {self.model_id!r} {snapshot.state} failures={snapshot.consecutive_failures}>"


class ModelScript:
    """How one model behaves; each call changes one aspect and keeps the others.

    Obtained from :meth:`Scenario.model`. Settings persist for every later request until changed.
    """

    def __init__(self, sandbox: Sandbox, model_id: str) -> None:
        self.sandbox = sandbox
        #: The scripted model's id.
        self.model_id = model_id

    def replies(self, text: Reply) -> Self:
        """Answer ``text`` (or ``text(messages)``) instead of the generated deterministic text.

        Streams deliver it in 3-word chunks.
        """
        if not (isinstance(text, str) or callable(text)):
            raise TypeError("replies() takes a string or a callable(messages) -> str")
        return self._update(text=text)

    def next_reply(
        self,
        content: str,
        *,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        cost: float | None = None,
        credits_charged: int | None = None,
        finish_reason: str | None = None,
    ) -> Self:
        """Answer ``content`` the next time this model answers, with these numbers; then as before.

        Streams deliver ``content`` in the usual 3-word deltas and put the numbers on the ``done``
        event; non-streamed answers carry them in the body. ``prompt_tokens``,
        ``completion_tokens``, ``cost`` (USD) and ``finish_reason`` replace the computed values of
        this model's result (in compare, judge and blend: its entry); ``credits_charged`` is the
        request's charge, and the balance moves by it. Each call queues one reply; queued replies
        come before the model's script (a model scripted to fail answers them first).
        """
        from llmwise.sandbox._scripts import ModelReply, scripts

        reply = ModelReply(
            content,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost=cost,
            credits_charged=credits_charged,
            finish_reason=finish_reason,
        )
        with self.sandbox.state.lock:
            scripts(self.sandbox.state).replies.setdefault(self.model_id, []).append(reply)
        return self

    def with_latency(self, seconds: float) -> Self:
        """Wait ``seconds`` before each streamed chunk (non-streamed answers wait for the whole text)."""
        return self._update(latency=seconds)

    def fails(
        self, status: int = 500, *, after_chunks: int | None = None, message: str | None = None
    ) -> Self:
        """Fail every request with ``status``: at once, or after streaming ``after_chunks`` chunks.

        Alone, the request fails with that status (``llmwise.RateLimitError`` for 429, ...); in a
        failover chain (``routing={"fallback": [...]}``) 408/409/425/429/5xx fail over to the
        next model. ``message`` replaces the default upstream error text.
        """
        return self._update(fail_status=status, fail_after_chunks=after_chunks, fail_message=message)

    def recovers(self) -> Self:
        """Stop failing (text and latency stay as scripted)."""
        return self._update(fail_status=None, fail_after_chunks=None, fail_message=None)

    def reset(self) -> Self:
        """Back to the defaults: generated text, the sandbox latency, no failure, no queued replies."""
        from llmwise.sandbox._scripts import scripts

        with self.sandbox.state.lock:
            self.sandbox.set_model(self.model_id)
            scripts(self.sandbox.state).replies.pop(self.model_id, None)
        return self

    def _update(self, **changes: Any) -> Self:
        # set_model replaces every setting, so merge with the current ones first.
        with self.sandbox.state.lock:
            current = self.sandbox.state.behaviour(self.model_id)
            merged = dataclasses.replace(current, **changes)
            self.sandbox.set_model(
                self.model_id,
                latency=merged.latency,
                fail_status=merged.fail_status,
                fail_after_chunks=merged.fail_after_chunks,
                fail_message=merged.fail_message,
                text=merged.text,
            )
        return self

    def __repr__(self) -> str:
        return f"<ModelScript {self.model_id!r} {self.sandbox.state.behaviour(self.model_id).to_dict()}>"
