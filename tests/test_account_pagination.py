"""Pages and list wrappers against servers shaped unlike the sandbox (httpx.MockTransport)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from account_support import every_item, every_page
from llmwise import APIResponseValidationError
from llmwise.types.conversations import Conversation
from support import mock_client, run

ITEMS = [{"id": f"conv_{i}", "title": f"T{i}", "extra": i} for i in range(7)]


def server(
    shape: Callable[[list[dict[str, Any]], int], Any],
    *,
    cap: int | None = None,
    seen: list[str] | None = None,
) -> Callable[[httpx.Request], httpx.Response]:
    """A listing of ITEMS honouring limit/offset (page size capped at `cap`), shaped by `shape`."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url.params))
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        size = min(limit, cap) if cap else limit
        return httpx.Response(200, json=shape(ITEMS[offset : offset + size], len(ITEMS)))

    return handler


SHAPES: dict[str, Callable[[list[dict[str, Any]], int], Any]] = {
    "documented key + total": lambda items, total: {"conversations": items, "total": total},
    "data + total": lambda items, total: {"data": items, "total": total},
    "items, no total": lambda items, total: {"items": items},
    "results + total": lambda items, total: {"results": items, "total": str(total)},  # a numeric string
    "entries + total": lambda items, total: {"entries": items, "total": float(total)},
    "records, no total": lambda items, total: {"records": items, "next": None},
    "bare array": lambda items, total: items,
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_shape_pages_to_the_end(mode: str, shape: str) -> None:
    seen: list[str] = []
    client = mock_client(mode, server(SHAPES[shape], seen=seen))
    page = run(client.conversations.list(limit=3))
    assert [c.id for c in page.data] == ["conv_0", "conv_1", "conv_2"]
    assert all(isinstance(c, Conversation) for c in page.data)
    assert page.data[0].extra == 0  # unknown fields kept
    assert page.total == (7 if shape.endswith("+ total") else None)
    assert [c.id for c in every_item(page)] == [item["id"] for item in ITEMS]
    # With a total the last page is known; without one, a short page (1 of 3) ends the listing.
    assert seen == ["limit=3&offset=0", "limit=3&offset=3", "limit=3&offset=6"]


@pytest.mark.parametrize("total", ["seven", 7.5, True, None, [7]])
def test_a_total_that_is_no_count_is_ignored(mode: str, total: object) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json={"conversations": ITEMS[:3], "total": total}))
    page = run(client.conversations.list(limit=3))
    assert page.total is None and page.has_next_page()  # a full page: there may be more


@pytest.mark.parametrize(
    ("call", "body"),
    [
        (lambda c: c.history.list(), {"requests": [{"id": 1}], "total": 1}),
        (lambda c: c.usage.recent(), {"requests": [{"id": 1}]}),
        (lambda c: c.usage.recent(), {"recent": [{"id": 1}]}),
    ],
    ids=["history.requests", "usage.requests", "usage.recent"],
)
def test_per_endpoint_plurals(mode: str, call: Callable[[Any], Any], body: object) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json=body))
    page = run(call(client))
    assert [e.id for e in page.data] == [1] and page.data[0].response_issues == []


@pytest.mark.parametrize("body", [{"history": None, "total": 0}, {"data": None}])
def test_a_null_listing_is_an_empty_page(mode: str, body: object) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json=body))
    page = run(client.history.list())
    assert page.data == [] and not page.has_next_page() and every_item(page) == []


def test_a_null_catalogue_is_empty(mode: str) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json={"models": None}))
    assert run(client.models.list()) == []


def test_offset_advances_by_what_the_server_sent(mode: str) -> None:
    # A server that caps the page size below the limit asked for: the next offset follows the
    # items actually received, and the total says when to stop.
    seen: list[str] = []
    client = mock_client(mode, server(SHAPES["documented key + total"], cap=2, seen=seen))
    page = run(client.conversations.list(limit=5))
    assert len(page.data) == 2 and page.has_next_page() and page.next_offset == 2
    assert [len(p.data) for p in every_page(page)] == [2, 2, 2, 1]
    assert [s.split("offset=")[1] for s in seen] == ["0", "2", "4", "6"]


def test_a_server_ignoring_offset_does_not_loop_forever(mode: str) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json=ITEMS[:3])  # always the first page, no total

    client = mock_client(mode, handler)
    page = run(client.credits.transactions(limit=3))
    assert page.has_next_page()
    assert len(every_item(page)) == 3
    assert len(calls) == 2


def test_empty_listing(mode: str) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json={"history": [], "total": 0}))
    page = run(client.history.list())
    assert page.data == [] and page.total == 0 and not page.has_next_page()
    assert every_item(page) == [] and len(every_page(page)) == 1
    assert "items=0" in repr(page)


def test_not_a_listing(mode: str) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json={"error": "nope"}))
    with pytest.raises(APIResponseValidationError, match="conversations"):
        run(client.conversations.list())


@pytest.mark.parametrize(
    "body",
    [
        [{"id": "mem_1"}],
        {"data": [{"id": "mem_1"}], "enabled": True},
        {"memories": [{"id": "mem_1"}], "enabled": True, "next_cursor": "c"},
    ],
    ids=["array", "data", "documented"],
)
def test_list_wrappers_read_other_shapes(mode: str, body: object) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json=body))
    listed = run(client.memory.list())
    assert [m.id for m in listed.memories] == ["mem_1"]
    assert listed.to_dict()["memories"] == [{"id": "mem_1"}]


def test_a_null_list_comes_through_as_none(mode: str) -> None:
    client = mock_client(mode, lambda request: httpx.Response(200, json={"runs": None}))
    listed = run(client.optimization.test_runs.list())
    assert listed.runs is None and listed.data == [] and listed.response_issues == []
    # No list at all: the items field is empty rather than None.
    client = mock_client(mode, lambda request: httpx.Response(200, json={"enabled": False}))
    assert run(client.memory.list()).memories == []
