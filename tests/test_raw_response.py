"""`.with_raw_response` and `.with_streaming_response` (issue #12, item 5): typed per resource,
against the sandbox, sync and async.

Type checkers see `client.chat.with_raw_response.create(...)` as `APIResponse[ChatCompletion]`
(async: an awaitable `AsyncAPIResponse[ChatCompletion]`) and a misspelt method as an error; at run
time the response has the headers, `request_id`, `rate_limit`, `retries_taken`, and `parse()`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

import pytest

from llmwise import (
    APIResponse,
    AsyncAPIResponse,
    AsyncLLMWise,
    BadRequestError,
    LLMWise,
    LLMWiseError,
)
from llmwise._resource import APIResource, AsyncAPIResource, ResourceView
from llmwise.pagination import AsyncPage, Page
from llmwise.sandbox import model_text
from llmwise.types.chat import ChatCompletion, ChatDoneEvent, TextChunkEvent
from llmwise.types.shared import MessageParam
from support import KEY, SandboxEnv, run
from typecheck import Report, mypy_report

MSG: list[MessageParam] = [{"role": "user", "content": "Explain circuit breakers in one paragraph."}]
M = "gpt-5.2"


def response_class(env: SandboxEnv) -> type[Any]:
    return APIResponse if env.mode == "sync" else AsyncAPIResponse


# --- with_raw_response ------------------------------------------------------------------------------


def test_raw_create_has_the_headers_and_parses(env: SandboxEnv) -> None:
    raw = env.call(env.client.chat.with_raw_response.create(model=M, messages=MSG))
    assert isinstance(raw, response_class(env))
    assert raw.status_code == 200 and raw.method == "POST" and str(raw.url).endswith("/api/v1/chat")
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.request_id is not None and raw.request_id.startswith("req_")
    assert raw.request_id == raw.headers["x-request-id"]
    assert raw.rate_limit.limit is not None and raw.rate_limit.remaining is not None
    assert raw.retries_taken == 0 and raw.is_closed  # the body was read, as the plain call reads it
    completion = env.call(raw.parse())
    assert isinstance(completion, ChatCompletion) and completion.content == model_text(M, MSG)
    assert env.call(raw.parse()) is completion
    body = json.loads(env.call(raw.read()))
    assert env.call(raw.json()) == body and json.loads(env.call(raw.text())) == body
    assert body["content"] == completion.content
    assert KEY not in repr(raw) and "APIResponse [200] POST" in repr(raw)


def test_retries_taken(env: SandboxEnv, sleeps: list[float]) -> None:
    env.sandbox.server_error(status=503, times=2)
    raw = env.call(env.client.credits.with_raw_response.balance())
    assert raw.retries_taken == 2 and len(sleeps) == 2
    assert env.call(raw.parse()).credits is not None


def test_an_error_status_raises_as_without_the_view(env: SandboxEnv) -> None:
    with pytest.raises(BadRequestError):
        env.call(env.client.chat.with_raw_response.create(model=M, messages=MSG, temperature=3.5))


def test_a_listing_parses_to_its_page(env: SandboxEnv) -> None:
    for _ in range(3):
        env.call(env.client.conversations.create())
    raw = env.call(env.client.conversations.with_raw_response.list(limit=2))
    assert raw.status_code == 200
    page = env.call(raw.parse())
    assert isinstance(page, Page if env.mode == "sync" else AsyncPage)
    assert len(page.data) == 2 and page.total == 3


def test_sub_resources_have_their_own_views(env: SandboxEnv) -> None:
    raw = env.call(env.client.optimization.policy.with_raw_response.retrieve())
    assert raw.status_code == 200 and env.call(raw.parse()).goal is not None


@pytest.mark.parametrize("how", ["stream()", "create(stream=True)"])
def test_a_stream_method_gives_its_started_stream(env: SandboxEnv, how: str) -> None:
    view = env.client.chat.with_raw_response
    call = view.stream(model=M, messages=MSG) if how == "stream()" else view.create(model=M, messages=MSG, stream=True)
    raw = env.call(call)
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/event-stream")
    assert raw.request_id and raw.retries_taken == 0
    stream = env.call(raw.parse())
    assert stream.response is raw.http_response and stream.request_id == raw.request_id
    with pytest.raises(LLMWiseError, match="read by its stream"):
        env.call(raw.read())
    assert env.call(stream.get_final_completion()).content == model_text(M, MSG)


def test_the_view_is_typed_at_run_time_too(env: SandboxEnv) -> None:
    view = env.client.chat.with_raw_response
    assert issubclass(type(view), ResourceView) and view is env.client.chat.with_raw_response
    with pytest.raises(AttributeError):
        view.craete  # noqa: B018
    # The wrapped method keeps the resource method's name, docstring and signature.
    assert view.create.__name__ == "create" and "POST /chat" in (view.create.__doc__ or "")
    assert str(inspect.signature(view.create)) == str(inspect.signature(env.client.chat.create))


# --- with_streaming_response -----------------------------------------------------------------------


def streamed(env: SandboxEnv, make: Callable[[Any], Any], use: Callable[[Any], Any]) -> Any:
    """Enter `make(client)` (a with_streaming_response call) and return `use(response)`, which may
    be a coroutine for the async client; also checks the connection is held in the block (over a
    socket: the in-process transport hands over whole bodies) and released on exit."""
    held = env.kind == "loopback"
    if env.mode == "sync":
        with make(env.client) as response:
            assert not (held and response.is_closed)
            out = use(response)
        assert response.is_closed
        return out

    async def go() -> Any:
        async with make(env.client) as response:
            assert not (held and response.is_closed)
            result = use(response)
            out = await result if inspect.isawaitable(result) else result
        assert response.is_closed
        return out

    return run(go())


async def _alist(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


def lines_of(env: SandboxEnv, response: Any) -> Any:
    return list(response.iter_lines()) if env.mode == "sync" else _alist(response.iter_lines())


def test_streaming_response_reads_the_body_when_asked(env: SandboxEnv) -> None:
    def make(client: Any) -> Any:
        return client.chat.with_streaming_response.create(model=M, messages=MSG)

    def use(response: Any) -> Any:
        assert isinstance(response, response_class(env))
        assert response.status_code == 200 and response.request_id
        return lines_of(env, response)

    lines = streamed(env, make, use)
    assert json.loads("".join(lines))["content"] == model_text(M, MSG)

    completion = streamed(env, make, lambda response: response.parse())
    assert isinstance(completion, ChatCompletion) and completion.content == model_text(M, MSG)


# Over a socket only: the in-process transport hands over whole bodies, so iterating one uses
# nothing up.
@pytest.mark.parametrize("env", ["loopback"], indirect=True)
def test_parse_after_the_body_was_iterated_is_a_clear_error(env: SandboxEnv) -> None:

    def use(response: Any) -> Any:
        if env.mode == "sync":
            list(response.iter_bytes())
            with pytest.raises(LLMWiseError, match="already consumed"):
                response.parse()
            return None

        async def go() -> None:
            await _alist(response.iter_bytes())
            with pytest.raises(LLMWiseError, match="already consumed"):
                await response.parse()

        return go()

    streamed(env, lambda client: client.chat.with_streaming_response.create(model=M, messages=MSG), use)


def test_a_stream_method_gives_the_raw_sse_or_the_stream(env: SandboxEnv) -> None:
    def make(client: Any) -> Any:
        return client.chat.with_streaming_response.stream(model=M, messages=MSG)

    lines = streamed(env, make, lambda response: lines_of(env, response))
    data = [line[len("data: ") :] for line in lines if line.startswith("data: ")]
    assert data[-1] == "[DONE]"
    deltas = [json.loads(d).get("delta") or "" for d in data[:-1] if '"delta"' in d]
    assert "".join(deltas) == model_text(M, MSG)

    def events(response: Any) -> Any:
        if env.mode == "sync":
            return list(response.parse())

        async def go() -> list[Any]:
            return await _alist(await response.parse())

        return go()

    got = streamed(env, make, events)
    assert any(isinstance(e, TextChunkEvent) for e in got) and isinstance(got[-1], ChatDoneEvent)


def test_streaming_response_errors_raise_on_entry(env: SandboxEnv) -> None:
    with pytest.raises(BadRequestError):
        streamed(
            env,
            lambda client: client.chat.with_streaming_response.create(model=M, messages=MSG, temperature=3.5),
            lambda response: None,
        )


# --- every resource has both views, listing its methods ---------------------------------------------

# Methods that send several requests have no single HTTP response to return.
# Methods that make several requests (a fan-out; a parse with its repair turns): no one response.
NOT_IN_VIEWS = {"create_many", "iter_many", "parse", "stream_parse"}


RESOURCES = [
    "chat", "compare", "blend", "judge", "models", "conversations", "history", "credits", "usage",
    "keys", "memory", "optimization", "optimization.policy", "optimization.test_suites",
    "optimization.test_runs", "optimization.regression_schedules", "settings.provider_keys",
    "settings.privacy", "settings.copilot",
]  # fmt: skip


def resources(client: LLMWise | AsyncLLMWise) -> list[tuple[str, Any]]:
    out = []
    for path in RESOURCES:
        resource: Any = client
        for part in path.split("."):
            resource = getattr(resource, part)
        out.append((path, resource))
    return out


def public_methods(resource: Any) -> set[str]:
    names = set()
    for name, member in inspect.getmembers(type(resource)):
        if name.startswith("_") or name in ("with_raw_response", "with_streaming_response"):
            continue
        if inspect.isfunction(member):
            names.add(name)
    return names - NOT_IN_VIEWS


@pytest.mark.parametrize("client_class", [LLMWise, AsyncLLMWise])
def test_every_resource_view_lists_every_method(client_class: type) -> None:
    client = client_class(KEY)
    # Every resource of the client is listed above, but `settings`, which has only sub-resources.
    top = {n for n in dir(client) if not n.startswith("_") and isinstance(getattr(client, n), (APIResource, AsyncAPIResource))}
    assert top - {"settings"} == {path for path in RESOURCES if "." not in path}
    for name, resource in resources(client):
        methods = public_methods(resource)
        for view in (resource.with_raw_response, resource.with_streaming_response):
            listed = {n for n in dir(type(view)) if not n.startswith("_")}
            assert listed == methods, f"{name}: {type(view).__name__} lists {listed}, the resource has {methods}"


# --- what type checkers see -------------------------------------------------------------------------

TYPES = """
from llmwise import AsyncLLMWise, LLMWise


def sync(client: LLMWise) -> None:
    raw = client.chat.with_raw_response.create(model="auto", messages=[])
    reveal_type(raw)  # @raw
    reveal_type(raw.parse())  # @parse
    reveal_type(raw.headers)  # @headers
    reveal_type(raw.request_id)  # @request-id
    reveal_type(raw.retries_taken)  # @retries
    reveal_type(raw.rate_limit)  # @rate-limit
    reveal_type(client.chat.with_raw_response.stream(model="auto", messages=[]))  # @raw-stream
    reveal_type(client.chat.with_raw_response.create(model="auto", messages=[], stream=True))  # @raw-create-stream
    reveal_type(client.conversations.with_raw_response.list(limit=3))  # @raw-list
    client.chat.with_raw_response.craete(model="auto", messages=[])  # @misspelt
    client.chat.with_raw_response.create(model="auto", messages=[], temprature=1)  # @bad-arg
    with client.chat.with_streaming_response.create(model="auto", messages=[]) as response:
        reveal_type(response)  # @streaming
        for line in response.iter_lines():
            reveal_type(line)  # @line
    client.chat.with_streaming_response.craete(model="auto", messages=[])  # @misspelt-streaming


async def asynchronous(client: AsyncLLMWise) -> None:
    raw = await client.chat.with_raw_response.create(model="auto", messages=[])
    reveal_type(raw)  # @async-raw
    reveal_type(await raw.parse())  # @async-parse
    reveal_type(await client.chat.with_raw_response.stream(model="auto", messages=[]))  # @async-raw-stream
    reveal_type(await client.conversations.with_raw_response.list(limit=3))  # @async-raw-list
    await client.chat.with_raw_response.craete(model="auto", messages=[])  # @async-misspelt
    async with client.chat.with_streaming_response.create(model="auto", messages=[]) as response:
        reveal_type(response)  # @async-streaming
        async for line in response.iter_lines():
            reveal_type(line)  # @async-line
    async with client.compare.with_streaming_response.stream(models=["a", "b"], messages=[]) as r:
        reveal_type(await r.parse())  # @async-streaming-stream
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return mypy_report(tmp_path_factory.mktemp("raw"), TYPES)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("raw", "llmwise._response.APIResponse[llmwise.types.chat.ChatCompletion]"),
        ("parse", "llmwise.types.chat.ChatCompletion"),
        ("headers", "httpx._models.Headers"),
        ("retries", "int"),
        ("rate-limit", "llmwise._exceptions.RateLimitInfo"),
        ("raw-stream", "llmwise._response.APIResponse[llmwise._streaming.chat.ChatStream]"),
        ("raw-create-stream", "llmwise._response.APIResponse[llmwise._streaming.chat.ChatStream]"),
        ("raw-list", "llmwise._response.APIResponse[llmwise._pagination.Page[llmwise.types.conversations.Conversation]]"),
        ("streaming", "llmwise._response.APIResponse[llmwise.types.chat.ChatCompletion]"),
        ("line", "str"),
        ("async-raw", "llmwise._response.AsyncAPIResponse[llmwise.types.chat.ChatCompletion]"),
        ("async-parse", "llmwise.types.chat.ChatCompletion"),
        ("async-raw-stream", "llmwise._response.AsyncAPIResponse[llmwise._streaming.chat.AsyncChatStream]"),
        (
            "async-raw-list",
            "llmwise._response.AsyncAPIResponse[llmwise._pagination.AsyncPage[llmwise.types.conversations.Conversation]]",
        ),
        ("async-streaming", "llmwise._response.AsyncAPIResponse[llmwise.types.chat.ChatCompletion]"),
        ("async-line", "str"),
        ("async-streaming-stream", "llmwise._streaming.compare.AsyncCompareStream"),
    ],
)
def test_the_views_are_typed(report: Report, tag: str, expected: str) -> None:
    assert report.revealed(tag) == expected, report.output


def test_request_id_is_optional_text(report: Report) -> None:
    assert report.revealed("request-id") in ("Union[str, None]", "str | None")


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("misspelt", '"ChatWithRawResponse" has no attribute "craete"'),
        ("misspelt-streaming", '"ChatWithStreamingResponse" has no attribute "craete"'),
        ("async-misspelt", '"AsyncChatWithRawResponse" has no attribute "craete"'),
        ("bad-arg", '"temprature"'),
    ],
)
def test_mistakes_are_errors(report: Report, tag: str, message: str) -> None:
    assert any(message in error for error in report.errors(tag)), report.output


def test_nothing_else_is_reported(report: Report) -> None:
    assert report.untagged == [], report.output
