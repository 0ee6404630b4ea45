"""Pages of the listings that page with `limit` + `offset` (conversations, history, credits
transactions, recent usage).

- `Page`: what a sync list method returns, the first page: `.data` (its items), `.total`,
  `has_next_page()`, `get_next_page()`, `iter_pages()`; `for item in page` yields every item of
  every page, fetching the following pages as the loop gets there.
- `AsyncPaginator`: what an async list method returns. `await` it for the first page (an
  `AsyncPage`, the same as `Page` with `await` and `async for`), or `async for` over it for every item.

    from llmwise.pagination import AsyncPage

    page: AsyncPage[Conversation] = await client.conversations.list(limit=50)
    async for conversation in client.conversations.list():
        ...
"""

from ._pagination import AsyncPage, AsyncPaginator, BasePage, Page

__all__ = ["Page", "AsyncPage", "AsyncPaginator", "BasePage"]
