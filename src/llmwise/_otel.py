"""OpenTelemetry spans for API calls, following the GenAI semantic conventions.

Nothing here imports OpenTelemetry: a client traces only when the application already did (it is in
`sys.modules`) and has set a tracer provider (`trace.set_tracer_provider(...)`, or the
`OTEL_PYTHON_TRACER_PROVIDER` variable), or when the client was given one (`tracer_provider=`).
Install it with `pip install "llmwise[otel]"`; `tracing=False` turns spans off for a client.

Each call is one `CLIENT` span. Billable calls (chat, compare, blend, judge) are GenAI spans named
`"<operation> <model>"` (`"chat gpt-5.2"`, `"judge claude-opus-4.6"`, `"compare"`) with:

- `gen_ai.operation.name`: `chat` for chat, else the mode (`compare`, `blend`, `judge`: LLMWise
  operations the conventions have no name for); `gen_ai.provider.name` (and the older
  `gen_ai.system`): `llmwise`;
- `gen_ai.request.model` (chat: the model; blend: the synthesizer, else the first model; judge: the
  judge; compare: none), `llmwise.request.models` (every model the request names),
  `gen_ai.request.temperature`, `gen_ai.request.max_tokens`, `gen_ai.request.stream`;
- `gen_ai.response.model`, `gen_ai.response.id`, `gen_ai.response.finish_reasons`,
  `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens` when the server reported them;
- `llmwise.mode`, `llmwise.credits_charged`, `llmwise.credits_remaining`, `llmwise.retries`,
  `llmwise.request_id`, `llmwise.outcome` (`ok`, `error`, `refunded`), `http.response.status_code`;
- for a stream, `gen_ai.response.time_to_first_chunk` (seconds until its first event arrived, also
  a `first_event` span event); its span lasts until the stream ends.

Other calls are spans named `"<METHOD> <path>"`, with ids in the path replaced by `{id}`, carrying
`http.request.method`, `url.path`, `http.response.status_code`. A failed call has status ERROR,
`error.type` (the error's class) and the exception recorded as an event.

Prompts and answers are not recorded unless the client was made with `trace_content=True`: then
`gen_ai.input.messages` and `gen_ai.output.messages` hold them as JSON text. A non-streamed call's
span is the current span while it runs (HTTP instrumentation nests under it); a stream's is not
(it outlives the call that opened it).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import TYPE_CHECKING, Any, Optional

from ._version import __version__

if TYPE_CHECKING:
    from ._base_client import BaseClient, Operation
    from ._meter import Meter, _Facts

log = logging.getLogger("llmwise")

__all__ = ["tracer", "start_span", "end_span", "first_event"]

# The last provider asked, and its tracer: one provider is the normal case.
_cached: tuple[Any, Any] = (None, None)


def tracer(client: BaseClient) -> Any:
    """The tracer for `client`'s calls, or None when there is nothing to trace to."""
    provider = client._tracer_provider
    if provider is None:
        trace = sys.modules.get("opentelemetry.trace")
        if trace is None:
            return None
        provider = trace.get_tracer_provider()
        if isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
            return None
    global _cached
    cached_provider, cached_tracer = _cached
    if cached_provider is provider:
        return cached_tracer
    found = provider.get_tracer("llmwise", __version__)
    _cached = (provider, found)
    return found


_ID_SEGMENT = re.compile(r"/[^/]*\d[^/]*")


def _request_model(mode: str, body: dict[str, Any]) -> Optional[str]:
    if mode == "chat":
        model = body.get("model")
    elif mode == "judge":
        model = body.get("judge")
    elif mode == "blend":
        model = body.get("synthesizer")
        if not isinstance(model, str):
            models = body.get("models")
            model = models[0] if isinstance(models, list) and models else None
    else:
        model = None
    return model if isinstance(model, str) else None


def start_span(tracer: Any, client: BaseClient, op: Operation[Any], mode: Optional[str]) -> tuple[Any, Any]:
    """Start the span of a call; for a non-streamed call also make it current (returns its token)."""
    from opentelemetry import context, trace

    from ._meter import requested_models

    attributes: dict[str, Any]
    if mode is not None:
        body = op.body if isinstance(op.body, dict) else {}
        operation = "chat" if mode == "chat" else mode
        model = _request_model(mode, body)
        name = f"{operation} {model}" if model else operation
        attributes = {
            "gen_ai.operation.name": operation,
            "gen_ai.provider.name": "llmwise",
            "gen_ai.system": "llmwise",
            "llmwise.mode": mode,
            "gen_ai.request.stream": op.stream,
        }
        if model:
            attributes["gen_ai.request.model"] = model
        models = requested_models(mode, body)
        if models:
            attributes["llmwise.request.models"] = list(models)
        for key, attribute in (("temperature", "gen_ai.request.temperature"), ("max_tokens", "gen_ai.request.max_tokens")):
            value = body.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                attributes[attribute] = value
        if client._trace_content and body.get("messages") is not None:
            attributes["gen_ai.input.messages"] = _json(body.get("messages"))
    else:
        route = _ID_SEGMENT.sub("/{id}", op.path)
        name = f"{op.method} {route}"
        attributes = {"http.request.method": op.method, "url.path": op.path}
    span = tracer.start_span(name, kind=trace.SpanKind.CLIENT, attributes=attributes)
    token = None if op.stream else context.attach(trace.set_span_in_context(span))
    return span, token


def first_event(span: Any, seconds: float) -> None:
    """Note on a stream's span how long its first event took."""
    if span.is_recording():
        span.set_attribute("gen_ai.response.time_to_first_chunk", seconds)
        span.add_event("first_event")


def end_span(meter: Meter, outcome: str, facts: Optional[_Facts], error: BaseException | None, status: Any) -> None:
    """Set what the call's end tells on its span, and end it."""
    from opentelemetry import context
    from opentelemetry.trace import Status, StatusCode

    span = meter.span
    token, meter.token = meter.token, None
    try:
        if span.is_recording():
            attributes: dict[str, Any] = {"llmwise.retries": meter.op.retries}
            if isinstance(status, int):
                attributes["http.response.status_code"] = status
            if meter.mode is not None:
                attributes["llmwise.outcome"] = outcome
            if facts is not None:
                for attribute, value in (
                    ("gen_ai.response.model", facts.model),
                    ("gen_ai.response.id", facts.request_id),
                    ("llmwise.request_id", facts.request_id),
                    ("gen_ai.usage.input_tokens", facts.prompt_tokens),
                    ("gen_ai.usage.output_tokens", facts.completion_tokens),
                    ("llmwise.credits_charged", facts.credits_charged),
                    ("llmwise.credits_remaining", facts.credits_remaining),
                ):
                    if value is not None:
                        attributes[attribute] = value
                if facts.finish_reason:
                    attributes["gen_ai.response.finish_reasons"] = [facts.finish_reason]
                if meter.client._trace_content and facts.text is not None:
                    attributes["gen_ai.output.messages"] = _json(
                        [{"role": "assistant", "parts": [{"type": "text", "content": facts.text}]}]
                    )
            span.set_attributes(attributes)
            if error is not None:
                span.set_attribute("error.type", type(error).__name__)
                span.record_exception(error)
                message = getattr(error, "message", None)
                span.set_status(Status(StatusCode.ERROR, message if isinstance(message, str) else str(error)))
    finally:
        span.end()
        if token is not None:
            try:
                context.detach(token)
            except Exception:  # ended in another context (a cancelled task): nothing to restore
                pass


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return repr(value)
