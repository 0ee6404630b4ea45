"""A local, deterministic LLMWise API for offline tests.

One core, two ways to run it::

    from llmwise.sandbox import Sandbox, SandboxServer, model_text

    sb = Sandbox()                                   # in-process
    client = httpx.Client(transport=sb.transport(), base_url="http://sandbox/api/v1",
                          headers={"Authorization": "Bearer mm_sk_test"})
    sb.rate_limit(times=2)                           # script faults
    sb.set_model("gpt-5.2", fail_status=429)         # and model behaviour
    sb.drift(["epoch", "int_ids"])                   # and shape drift
    sb.invalid_json(times=1)                         # and answers to parse() that need a repair
    sb.advance_clock(30)                             # and time (circuit breakers, rate limits)

    with SandboxServer(sb) as server:                # or over real HTTP
        print(server.base_url)                       # http://127.0.0.1:<port>/api/v1

or from a shell: ``python -m llmwise.sandbox --port 8080 --fault rate_limit:times=2``.
The wire format is documented in ``llmwise.sandbox._orchestration``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._catalogue import CatalogueModel
from ._core import Sandbox
from ._drift import DRIFT_KINDS, Drift
from ._faults import Fault, ModelBehaviour
from ._http import DEFAULT_API_KEY, ApiError, RequestContext, SandboxRequest, SandboxResponse, StreamFrame
from ._mesh import BreakerState
from ._routing import API_ROUTES, Route, RouteTable
from ._state import HistoryEntry, RecordedRequest, SandboxClock, SandboxState, Transaction
from ._text import model_text

if TYPE_CHECKING:
    from ._server import SandboxServer

__all__ = [
    "API_ROUTES",
    "DEFAULT_API_KEY",
    "DRIFT_KINDS",
    "ApiError",
    "BreakerState",
    "CatalogueModel",
    "Drift",
    "Fault",
    "HistoryEntry",
    "ModelBehaviour",
    "RecordedRequest",
    "RequestContext",
    "Route",
    "RouteTable",
    "Sandbox",
    "SandboxClock",
    "SandboxRequest",
    "SandboxResponse",
    "SandboxServer",
    "SandboxState",
    "StreamFrame",
    "Transaction",
    "model_text",
]


def __getattr__(name: str) -> Any:
    # The server pulls in http.server/socketserver; load it only when asked for.
    if name == "SandboxServer":
        from ._server import SandboxServer

        return SandboxServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
