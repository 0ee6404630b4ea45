"""`client.conversations` against the sandbox: lifecycle, paging, wire format, path parameters."""

from __future__ import annotations

import pytest

from account_support import api_requests, chat, every_item, every_page
from llmwise import APIResponse, AsyncAPIResponse, LLMWiseError, NotFoundError
from llmwise.types.conversations import Conversation, ConversationDeleted
from support import SandboxEnv


def test_lifecycle(env: SandboxEnv) -> None:
    conversations = env.client.conversations
    created = env.call(conversations.create())
    assert isinstance(created, Conversation)
    assert isinstance(created.id, str) and created.id.startswith("conv_")
    assert created.title is None and created.message_count == 0 and created.created_at
    assert env.sandbox.requests[-1].json == {}

    answer = chat(env, "What is a write-through cache?", conversation_id=created.id)
    detail = env.call(conversations.retrieve(created.id))
    assert detail.id == created.id and detail.message_count == 2
    assert detail.messages is not None
    assert [(m.role, m.content) for m in detail.messages] == [
        ("user", "What is a write-through cache?"),
        ("assistant", answer.content),
    ]
    assert detail.messages[1].model == "gpt-5.2"

    renamed = env.call(conversations.update(created.id, title="Caching"))
    assert renamed.title == "Caching" and renamed.id == created.id
    listed = env.call(conversations.list())
    assert [(c.id, c.title) for c in listed.data] == [(created.id, "Caching")]
    assert listed.total == 1

    deleted = env.call(conversations.delete(created.id))
    assert isinstance(deleted, ConversationDeleted)
    assert deleted.deleted is True and deleted.id == created.id
    with pytest.raises(NotFoundError):
        env.call(conversations.retrieve(created.id))
    with pytest.raises(NotFoundError) as info:
        env.call(conversations.delete(created.id))
    assert info.value.status_code == 404
    assert env.call(conversations.list()).data == []


def test_pages_across_the_listing(env: SandboxEnv) -> None:
    ids = [env.call(env.client.conversations.create()).id for _ in range(25)]
    newest_first = ids[::-1]

    page = env.call(env.client.conversations.list(limit=10))
    assert [c.id for c in page.data] == newest_first[:10]
    assert page.total == 25 and page.offset == 0 and page.limit == 10
    assert page.has_next_page() and page.next_offset == 10

    # Iterating the first page yields every conversation, fetching the next pages lazily.
    before = len(env.sandbox.requests)
    items = every_item(page)
    assert [c.id for c in items] == newest_first
    assert all(isinstance(c, Conversation) for c in items)
    fetched = env.sandbox.requests[before:]
    assert [(r.path, r.query) for r in fetched] == [
        ("/conversations", {"limit": "10", "offset": "10"}),
        ("/conversations", {"limit": "10", "offset": "20"}),
    ]

    # By hand.
    second = env.call(page.get_next_page())
    assert [c.id for c in second.data] == newest_first[10:20] and second.offset == 10
    third = env.call(second.get_next_page())
    assert [c.id for c in third.data] == newest_first[20:] and not third.has_next_page()
    with pytest.raises(LLMWiseError, match="last page"):
        env.call(third.get_next_page())

    pages = every_page(page)
    assert [len(p.data) for p in pages] == [10, 10, 5]
    assert [p.offset for p in pages] == [0, 10, 20]


def test_a_listing_that_fits_one_page_fetches_once(env: SandboxEnv) -> None:
    for _ in range(3):
        env.call(env.client.conversations.create())
    page = env.call(env.client.conversations.list())
    before = len(env.sandbox.requests)
    assert len(every_item(page)) == 3
    assert len(env.sandbox.requests) == before
    assert not page.has_next_page()


def test_query_defaults_and_title_in_the_query(env: SandboxEnv) -> None:
    env.call(env.client.conversations.list())
    assert env.sandbox.requests[-1].query == {"limit": "20", "offset": "0"}
    env.call(env.client.conversations.list(limit=5, offset=15))
    assert env.sandbox.requests[-1].query == {"limit": "5", "offset": "15"}

    conv = env.call(env.client.conversations.create())
    env.call(env.client.conversations.update(conv.id, title="A & B / C"))
    sent = env.sandbox.requests[-1]
    assert sent.method == "PATCH" and sent.query == {"title": "A & B / C"}
    assert sent.json is None  # the title travels in the query, with no body
    assert env.call(env.client.conversations.retrieve(conv.id)).title == "A & B / C"


def test_path_parameters_are_quoted(env: SandboxEnv) -> None:
    odd = "conv/../a b?c#d"
    calls = [
        ("GET", env.client.conversations.retrieve, {}),
        ("PATCH", env.client.conversations.update, {"title": "x"}),
        ("DELETE", env.client.conversations.delete, {}),
    ]
    for method, call, kwargs in calls:
        with pytest.raises(NotFoundError):
            env.call(call(odd, **kwargs))
        # One path segment, whatever the id holds: the sandbox saw the right endpoint.
        sent = env.sandbox.requests[-1]
        assert (sent.method, sent.path) == (method, "/conversations/conv%2F..%2Fa%20b%3Fc%23d")
        assert sent.query == ({"title": "x"} if method == "PATCH" else {})


def test_integer_ids_are_sent_in_decimal(env: SandboxEnv) -> None:
    # Ids may be integers on another server: they name the same path segment as their digits.
    for method, call, kwargs in [
        ("GET", env.client.conversations.retrieve, {}),
        ("PATCH", env.client.conversations.update, {"title": "x"}),
        ("DELETE", env.client.conversations.delete, {}),
    ]:
        with pytest.raises(NotFoundError):
            env.call(call(42, **kwargs))
        assert (env.sandbox.requests[-1].method, env.sandbox.requests[-1].path) == (method, "/conversations/42")


@pytest.mark.parametrize("bad", ["", "   ", None, True, 4.2])
def test_bad_ids_are_rejected_before_sending(env: SandboxEnv, bad: object) -> None:
    before = len(env.sandbox.requests)
    for method in ("retrieve", "update", "delete"):
        with pytest.raises(ValueError, match="conversation_id"):
            env.call(getattr(env.client.conversations, method)(bad))
    assert len(env.sandbox.requests) == before


def test_dot_segments_stay_on_the_endpoint(env: SandboxEnv) -> None:
    with pytest.raises(NotFoundError):
        env.call(env.client.conversations.retrieve(".."))
    assert env.sandbox.requests[-1].path == "/conversations/%2E%2E"


def test_raw_response_then_parse(env: SandboxEnv) -> None:
    env.call(env.client.conversations.create())
    raw = env.call(env.client.conversations.with_raw_response.list(limit=1))
    assert isinstance(raw, APIResponse if env.mode == "sync" else AsyncAPIResponse)
    assert raw.status_code == 200 and raw.request_id
    page = env.call(raw.parse())
    assert len(page.data) == 1 and page.total == 1


def test_request_options(env: SandboxEnv) -> None:
    env.call(env.client.conversations.list(extra_headers={"X-Trace": "t1"}, extra_query={"debug": "1"}))
    sent = env.sandbox.requests[-1]
    assert sent.headers.get("x-trace") == "t1"
    assert sent.query == {"limit": "20", "offset": "0", "debug": "1"}
    assert api_requests(env, "GET", "/conversations")


def test_misspelt_arguments_are_refused_before_sending(env: SandboxEnv) -> None:
    before = len(env.sandbox.requests)
    with pytest.raises(TypeError, match=r"'offest'.*Did you mean 'offset'"):
        env.call(env.client.conversations.list(offest=10))
    with pytest.raises(TypeError, match=r"'titel'.*Did you mean 'title'"):
        env.call(env.client.conversations.update("conv_1", titel="x"))
    with pytest.raises(TypeError, match=r"'extra_header'.*Did you mean 'extra_headers'"):
        env.call(env.client.conversations.create(extra_header={"X": "1"}))
    assert len(env.sandbox.requests) == before
