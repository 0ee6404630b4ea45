"""Route tables: (method, path pattern with ``{param}``, handler).

Endpoint modules register on import into the module-level tables::

    from ._http import RequestContext, SandboxResponse, json_response
    from ._routing import API_ROUTES

    @API_ROUTES.route("GET", "/conversations/{conversation_id}")
    def get_conversation(ctx: RequestContext) -> SandboxResponse:
        return json_response({"id": ctx.params["conversation_id"]})

and are activated by one import line in ``_core.py``. Each :class:`~llmwise.sandbox.Sandbox`
copies the tables when it is built, so ``sandbox.routes.add(...)`` customises one instance only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Optional, TypeVar
from urllib.parse import unquote

from ._http import RequestContext, SandboxResponse

Handler = Callable[[RequestContext], SandboxResponse]
H = TypeVar("H", bound=Handler)

Middleware = Callable[[RequestContext, "Route", Handler], SandboxResponse]
"""``middleware(ctx, route, handler)`` runs in place of a route's handler and usually calls it."""

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _compile(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for match in _PARAM.finditer(pattern):
        parts.append(re.escape(pattern[last : match.start()]))
        parts.append(f"(?P<{match.group(1)}>[^/]+)")
        last = match.end()
    parts.append(re.escape(pattern[last:]))
    return re.compile("".join(parts) + "/?")


@dataclass(frozen=True)
class Route:
    """One endpoint.

    ``bucket`` picks the rate-limit bucket (contract §6.3); ``streaming`` marks endpoints that may
    answer with SSE (so stream faults can wait for them); ``auth`` is false for open endpoints.
    """

    method: str
    pattern: str
    handler: Handler
    bucket: str = "default"
    streaming: bool = False
    auth: bool = True
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        object.__setattr__(self, "regex", _compile(self.pattern))


@dataclass(frozen=True)
class RouteMatch:
    """The result of :meth:`RouteTable.match`: a route, or the methods allowed on the path (405)."""

    route: Route | None
    params: dict[str, str]
    allowed: tuple[str, ...] = ()


class RouteTable:
    """An ordered list of routes; the first route whose pattern and method match wins.

    ``middleware``, when set, wraps the handler of every route :meth:`match` returns (routes added
    later included); :meth:`copy` keeps it. The test scripts (``_scripts``) use it to answer
    with queued replies and to check strict mode before an endpoint runs.
    """

    def __init__(self, routes: Iterable[Route] = (), middleware: Optional[Middleware] = None) -> None:
        self._routes: list[Route] = list(routes)
        self.middleware: Optional[Middleware] = middleware
        self._wrapped: dict[tuple[Route, Middleware], Route] = {}

    def add(
        self,
        method: str,
        pattern: str,
        handler: Handler,
        *,
        bucket: str = "default",
        streaming: bool = False,
        auth: bool = True,
    ) -> Route:
        """Register ``handler`` for ``method pattern``; a route with the same method+pattern is replaced."""
        route = Route(method, pattern, handler, bucket=bucket, streaming=streaming, auth=auth)
        self._routes = [r for r in self._routes if (r.method, r.pattern) != (route.method, route.pattern)]
        self._routes.append(route)
        return route

    def route(
        self,
        method: str,
        pattern: str,
        *,
        bucket: str = "default",
        streaming: bool = False,
        auth: bool = True,
    ) -> Callable[[H], H]:
        """Decorator form of :meth:`add`."""

        def register(handler: H) -> H:
            self.add(method, pattern, handler, bucket=bucket, streaming=streaming, auth=auth)
            return handler

        return register

    def match(self, method: str, path: str) -> RouteMatch:
        """Find the route for ``method path``; ``route`` is None for 404 (no ``allowed``) or 405."""
        allowed: list[str] = []
        for route in self._routes:
            found = route.regex.fullmatch(path)
            if found is None:
                continue
            if route.method == method.upper():
                params = {k: unquote(v) for k, v in found.groupdict().items()}
                return RouteMatch(self._with_middleware(route), params)
            allowed.append(route.method)
        return RouteMatch(None, {}, tuple(dict.fromkeys(allowed)))

    def _with_middleware(self, route: Route) -> Route:
        middleware = self.middleware
        if middleware is None:
            return route
        wrapped = self._wrapped.get((route, middleware))
        if wrapped is None:
            handler = route.handler

            def run(ctx: RequestContext) -> SandboxResponse:
                return middleware(ctx, route, handler)

            wrapped = self._wrapped[route, middleware] = replace(route, handler=run)
        return wrapped

    def copy(self) -> RouteTable:
        """An independent table with the same routes (and middleware)."""
        return RouteTable(self._routes, self.middleware)

    def __iter__(self) -> Iterator[Route]:
        return iter(list(self._routes))

    def __len__(self) -> int:
        return len(self._routes)


#: Routes under ``/api/v1`` (patterns are relative to it: ``"/chat"``).
API_ROUTES = RouteTable()

#: Routes under ``/_sandbox`` (the control API; no auth, not recorded, no faults).
CONTROL_ROUTES = RouteTable()
