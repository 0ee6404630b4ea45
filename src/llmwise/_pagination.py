"""Offset pagination (`Page` / `AsyncPage`) and lenient list shapes.

Four endpoints page with `limit` + `offset` (contract §8): conversations, history, credits
transactions and recent usage. Their sync methods return the first page, which holds one page of
items (`.data`) and iterates every item across pages by itself, fetching the next page only when the
loop gets there (`offset += len(items)`). Their async methods return an `AsyncPaginator`: `await` it
for that first page (an `AsyncPage`, iterated the same way with `async for`), or `async for` over the
paginator itself for every item.

The real server's list shapes are largely unknown (contract §10), so items are read from the
SDK's key (`conversations`, `history`, ...), else from one of the generic keys servers use for any
listing (`data`, `items`, `results`, `entries`, `records`), else from a bare JSON array;
`ListResponse` applies the same rule to the wrapper models of the limit-only endpoints. A page's
`total` is read from an integer or a numeric string.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from typing_extensions import Self

from ._base_client import AsyncAPIClient, Operation
from ._exceptions import LLMWiseError
from ._items import FALLBACK_KEYS, find_items, find_items_source, null_listing, read_items
from ._lazy import lazy_exports
from ._types import RequestOptions

if TYPE_CHECKING:
    from ._base_client import APIClient
    from ._listing import ListResponse
else:
    # A pydantic model: imported when first asked for, not by the resources that page.
    __getattr__ = lazy_exports(globals(), {"ListResponse": "llmwise._listing"})

__all__ = [
    "Page",
    "AsyncPage",
    "AsyncPaginator",
    "paginate",
    "BasePage",
    "PageRequest",
    "ListResponse",
    "FALLBACK_KEYS",
    "find_items",
    "find_items_source",
    "null_listing",
    "read_items",
]

T = TypeVar("T")

_MISSING = object()

def _total(body: Any) -> int | None:
    """The listing's `total`: an integer, a whole float or a numeric string; None otherwise."""
    value = body.get("total") if isinstance(body, Mapping) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isascii() and text.isdigit() else None
    return None


@dataclass(frozen=True)
class PageRequest(Generic[T]):
    """How to fetch one page: the path, the query (with `limit` and `offset`), the per-call options,
    where the items are in the body and how each one is parsed."""

    path: str
    query: Mapping[str, Any]
    options: RequestOptions
    key: str | None
    item: Callable[[Any], T]
    others: tuple[str, ...] = ()
    """Keys the items plausibly come under besides `key` (tried before the generic ones)."""

    @property
    def offset(self) -> int:
        """Where this page starts (0 when the query has no `offset`)."""
        value = self.query.get("offset")
        return value if isinstance(value, int) else 0

    @property
    def limit(self) -> int | None:
        """The page size asked for, if any."""
        value = self.query.get("limit")
        return value if isinstance(value, int) else None

    def at(self, offset: int) -> PageRequest[T]:
        """The same request for the page starting at `offset`."""
        return replace(self, query={**self.query, "offset": offset})


class BasePage(Generic[T]):
    """One page of a listing; what `Page` and `AsyncPage` share that involves no I/O."""

    data: list[T]
    """The items of this page."""
    total: int | None
    """How many items the whole listing has, when the server says (`total`: an integer, or a
    numeric string)."""

    def __init__(self, request: PageRequest[T], body: Any) -> None:
        items = find_items(body, request.key, request.others)
        if items is None and null_listing(body, request.key, request.others):
            items = []  # `"history": null`: a page with no items, not a broken response
        if items is None:
            raise ValueError(
                f"expected a list (or an object with {request.key!r}), got {type(body).__name__}"
            )
        self._request = request
        self._body = body
        self.data = read_items(request.item, items)
        self.total = _total(body)

    @property
    def offset(self) -> int:
        """The offset this page was fetched at."""
        return self._request.offset

    @property
    def limit(self) -> int | None:
        """The page size that was asked for."""
        return self._request.limit

    @property
    def next_offset(self) -> int:
        """The offset of the page after this one."""
        return self.offset + len(self.data)

    def has_next_page(self) -> bool:
        """Whether another page may follow: by `total` when the server gives it; otherwise a full
        page means there may be more (the next page may then be empty)."""
        if not self.data:
            return False
        if self.total is not None:
            return self.next_offset < self.total
        return self.limit is None or len(self.data) >= self.limit

    def _next_request(self) -> PageRequest[T]:
        if not self.has_next_page():
            raise LLMWiseError("This is the last page: check has_next_page() before get_next_page().")
        return self._request.at(self.next_offset)

    def _repeats(self, previous: BasePage[T]) -> bool:
        # A server that ignores `offset` (and sends no `total`) would return the same full page
        # forever: stop instead of looping.
        return bool(self.data) and self.data == previous.data

    # --- read-only dict access, for 0.1-era code (0.1 returned the response object itself) ---------

    def _lookup(self, key: str) -> Any:
        body = self._body
        if not isinstance(body, Mapping) or key not in body:
            return _MISSING
        if body[key] is find_items_source(body, self._request.key, self._request.others):
            # The items themselves: the typed ones (still readable as dicts).
            return self.data
        return body[key]

    def __getitem__(self, key: str) -> Any:
        value = self._lookup(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        """What the server sent under `key` (the items as typed objects), or `default`, like
        `dict.get`: `page.get("total", 0)`."""
        value = self._lookup(key)
        return default if value is _MISSING else value

    def __contains__(self, item: object) -> bool:
        # A string asks for a key of the response, as with 0.1's dict; anything else, for an item
        # of this page (without fetching the others).
        if isinstance(item, str):
            return self._lookup(item) is not _MISSING
        return item in self.data

    def keys(self) -> list[str]:
        """The keys of the response object (none when the server answered a bare list)."""
        return list(self._body) if isinstance(self._body, Mapping) else []

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} offset={self.offset} items={len(self.data)} total={self.total} "
            f"has_next_page={self.has_next_page()}>"
        )


# <async>
class AsyncPage(BasePage[T]):
    """One page of a listing: `.data` holds its items, `async for item in page` yields every item
    of every page (the next pages are fetched as the loop reaches them)."""

    def __init__(self, client: AsyncAPIClient, request: PageRequest[T], body: Any) -> None:
        super().__init__(request, body)
        self._client = client

    @classmethod
    def operation(cls, client: AsyncAPIClient, request: PageRequest[T]) -> Operation[Self]:
        """The GET that fetches the page `request` describes."""
        return Operation(
            "GET",
            request.path,
            query=request.query,
            options=request.options,
            parse=lambda body: cls(client, request, body),
        )

    async def get_next_page(self) -> Self:
        """Fetch the page after this one (check `has_next_page()` first)."""
        return await self._client.request(self.operation(self._client, self._next_request()))

    async def iter_pages(self) -> AsyncIterator[Self]:
        """This page, then each following page, fetched one at a time."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            following = await page.get_next_page()
            if following._repeats(page):
                return
            page = following

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            # Not `yield from` in the sync twin: it is generated from this loop (no async form).
            for item in page.data:  # noqa: UP028, RUF100
                yield item


# </async>


# <sync> generated by scripts/unasync.py from the async region above: do not edit
class Page(BasePage[T]):
    """One page of a listing: `.data` holds its items, `for item in page` yields every item
    of every page (the next pages are fetched as the loop reaches them)."""

    def __init__(self, client: APIClient, request: PageRequest[T], body: Any) -> None:
        super().__init__(request, body)
        self._client = client

    @classmethod
    def operation(cls, client: APIClient, request: PageRequest[T]) -> Operation[Self]:
        """The GET that fetches the page `request` describes."""
        return Operation(
            "GET",
            request.path,
            query=request.query,
            options=request.options,
            parse=lambda body: cls(client, request, body),
        )

    def get_next_page(self) -> Self:
        """Fetch the page after this one (check `has_next_page()` first)."""
        return self._client.request(self.operation(self._client, self._next_request()))

    def iter_pages(self) -> Iterator[Self]:
        """This page, then each following page, fetched one at a time."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            following = page.get_next_page()
            if following._repeats(page):
                return
            page = following

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            # Not `yield from` in the sync twin: it is generated from this loop (no async form).
            for item in page.data:  # noqa: UP028, RUF100
                yield item


# </sync>


class AsyncPaginator(Generic[T]):
    """What an async list method returns: `await` it for the first page (an `AsyncPage`), or
    `async for` over it for every item of every page (each page fetched when the loop gets there).

        page = await client.conversations.list(limit=50)      # one page: page.data, page.total
        async for conversation in client.conversations.list():  # every conversation
            ...

    Each `await` (or loop) sends the first request anew.
    """

    __slots__ = ("_client", "_request")

    def __init__(self, client: AsyncAPIClient, request: PageRequest[T]) -> None:
        self._client = client
        self._request = request

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first_page().__await__()

    async def _first_page(self) -> AsyncPage[T]:
        page: AsyncPage[T] = await self._client.request(AsyncPage.operation(self._client, self._request))
        return page

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self
        async for item in page:
            yield item

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """The first page, then each following page, fetched one at a time."""
        page = await self
        async for each in page.iter_pages():
            yield each

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._request.path} {dict(self._request.query)}>"


@overload
def paginate(client: AsyncAPIClient, request: PageRequest[T]) -> AsyncPaginator[T]: ...
@overload
def paginate(client: APIClient, request: PageRequest[T]) -> Page[T]: ...
def paginate(client: APIClient | AsyncAPIClient, request: PageRequest[T]) -> Page[T] | AsyncPaginator[T]:
    """What a list method returns: the first `Page`, fetched now (sync), or an `AsyncPaginator`."""
    if isinstance(client, AsyncAPIClient):
        return AsyncPaginator(client, request)
    page: Page[T] = client.request(Page.operation(client, request))
    return page
