"""The ``llmwise`` pytest plugin (loaded through the ``pytest11`` entry point).

pytest loads this module in every project that installs llmwise, so it imports nothing beyond
pytest at load time: httpx, the SDK and the sandbox are imported inside the fixtures.

Fixtures: ``llmwise_sandbox``, ``llmwise_scenario``, ``llmwise_client``, ``llmwise_async_client``,
``llmwise_server``, ``llmwise_env``, ``llmwise_transport``. Configuration: ``@pytest.mark.llmwise(...)``,
``--llmwise-transport``, the ``llmwise_transport`` ini option. See docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from llmwise import AsyncLLMWise, LLMWise
    from llmwise.sandbox import Sandbox, SandboxServer

    from ._clients import Transport
    from ._scenario import Scenario
    from ._waits import RetryWaits

MARKER_HELP = (
    "llmwise(transport='inprocess'|'server', credits=N, latency=S, api_key='mm_sk_...', "
    "enforce_rate_limits=False, sleep_retries=False, max_retries=N, timeout=S, drift=True|kinds, "
    "strict=False): configure the llmwise_* fixtures of this test (sandbox, clients, retry waits, "
    "shape drift, strict mode: unscripted requests and unused scripts fail the test)."
)
# Marker keyword -> where it goes.
_SANDBOX_KEYS = ("credits", "latency", "api_key", "enforce_rate_limits")
_CLIENT_KEYS = ("max_retries", "timeout")
_OTHER_KEYS = ("transport", "sleep_retries", "strict")
_DRIFT_KEY = "drift"

# The test's call-phase report, read by the fixtures' teardown (strict mode checks only tests that
# passed: a failed test has said what went wrong, and its unused scripts would only add noise).
_CALL_REPORT = pytest.StashKey[pytest.TestReport]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--llmwise-transport`` and the ``llmwise_transport`` ini option."""
    group = parser.getgroup("llmwise", "llmwise sandbox fixtures")
    group.addoption(
        "--llmwise-transport",
        dest="llmwise_transport",
        choices=("inprocess", "server"),
        default=None,
        help="how llmwise_client / llmwise_async_client reach the sandbox: 'inprocess' (default, "
        "no sockets) or 'server' (a loopback HTTP server); @pytest.mark.llmwise(transport=...) wins.",
    )
    parser.addini(
        "llmwise_transport",
        help="default transport of the llmwise client fixtures: inprocess (default) or server",
        default="inprocess",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``llmwise`` marker and check the ini option."""
    config.addinivalue_line("markers", MARKER_HELP)
    value = str(config.getini("llmwise_transport")).strip()
    if value not in ("inprocess", "server"):
        raise pytest.UsageError(f"llmwise_transport = {value!r} in the ini file: use 'inprocess' or 'server'")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep the call phase's report on the item for the strict-mode check at teardown."""
    outcome = yield
    if call.when == "call":
        report = outcome.get_result()  # type: ignore[attr-defined]
        if isinstance(report, pytest.TestReport):
            item.stash[_CALL_REPORT] = report


@dataclass
class _Settings:
    transport: Transport = "inprocess"
    sleep_retries: bool = False
    strict: bool = False
    sandbox: dict[str, Any] = field(default_factory=dict)
    client: dict[str, Any] = field(default_factory=dict)
    drift: dict[str, Any] | None = None


def _settings(request: pytest.FixtureRequest) -> _Settings:
    """Merge ``llmwise`` markers (the closest wins: function over class over module) with the options."""
    kwargs: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("llmwise"))):
        if marker.args:
            pytest.fail(
                f"@pytest.mark.llmwise takes keyword arguments only, got {marker.args!r}", pytrace=False
            )
        kwargs.update(marker.kwargs)
    unknown = sorted(set(kwargs) - {*_SANDBOX_KEYS, *_CLIENT_KEYS, *_OTHER_KEYS, _DRIFT_KEY})
    if unknown:
        known = ", ".join((*_OTHER_KEYS, *_SANDBOX_KEYS, *_CLIENT_KEYS, _DRIFT_KEY))
        pytest.fail(
            f"@pytest.mark.llmwise: unknown argument(s) {', '.join(unknown)} (known: {known})", pytrace=False
        )
    config = request.config
    transport = kwargs.get(
        "transport", config.getoption("llmwise_transport") or str(config.getini("llmwise_transport")).strip()
    )
    from ._clients import check_transport

    try:
        checked = check_transport(transport)
    except ValueError as exc:
        pytest.fail(f"@pytest.mark.llmwise: {exc}", pytrace=False)
    return _Settings(
        transport=checked,
        sleep_retries=bool(kwargs.get("sleep_retries", False)),
        strict=bool(kwargs.get("strict", False)),
        sandbox={k: kwargs[k] for k in _SANDBOX_KEYS if k in kwargs},
        client={k: kwargs[k] for k in _CLIENT_KEYS if k in kwargs},
        drift=_drift_option(kwargs.get(_DRIFT_KEY)),
    )


def _drift_option(value: Any) -> dict[str, Any] | None:
    """``drift=True`` (every kind), ``drift="epoch,int_ids"`` / a list of kinds, or ``drift={...}``
    (the keyword arguments of ``Scenario.drift``) -> those keyword arguments; False/None: no drift."""
    if value is None or value is False:
        return None
    if value is True:
        return {}
    if isinstance(value, dict):
        return dict(value)
    return {"kinds": value}


@dataclass
class _Context:
    """Per-test state shared by the fixtures."""

    settings: _Settings
    sandbox: Sandbox
    waits: RetryWaits


@pytest.fixture
def _llmwise_context(request: pytest.FixtureRequest) -> Iterator[_Context]:
    settings = _settings(request)
    from llmwise.sandbox import Sandbox

    from ._waits import RetryWaits

    sandbox = Sandbox(**settings.sandbox)
    if settings.drift is not None:
        try:
            sandbox.drift(**settings.drift)
        except (TypeError, ValueError) as exc:
            pytest.fail(f"@pytest.mark.llmwise(drift=...): {exc}", pytrace=False)
    if settings.strict:
        from ._scenario import Scenario

        Scenario(sandbox).strict()
    with RetryWaits(sleep=settings.sleep_retries) as waits:
        yield _Context(settings, sandbox, waits)
    _check_strict(request, sandbox)


def _check_strict(request: pytest.FixtureRequest, sandbox: Sandbox) -> None:
    """Strict mode's teardown: fail a passing test whose scenario did not play as scripted."""
    report = request.node.stash.get(_CALL_REPORT, None)
    if report is None or not report.passed:
        return
    from ._scenario import Scenario, report_problems

    scenario = Scenario(sandbox)
    if not scenario.is_strict:
        return
    problems = scenario.problems()
    if problems:
        pytest.fail(
            f"{report_problems(problems)}\n(@pytest.mark.llmwise(strict=True) / llmwise_scenario.strict())",
            pytrace=False,
        )


@pytest.fixture
def llmwise_sandbox(_llmwise_context: _Context) -> Sandbox:
    """A fresh :class:`llmwise.sandbox.Sandbox` for this test (``@pytest.mark.llmwise(credits=..)`` etc.).

    While any llmwise fixture is in use, SDK retry waits are recorded and skipped (see
    ``llmwise_scenario.retry_waits``; ``@pytest.mark.llmwise(sleep_retries=True)`` sleeps them).
    """
    return _llmwise_context.sandbox


@pytest.fixture
def llmwise_scenario(_llmwise_context: _Context) -> Scenario:
    """The :class:`llmwise.testing.Scenario` of this test's sandbox: script it, inspect requests."""
    from ._clients import bound_scenario

    return bound_scenario(_llmwise_context.sandbox, _llmwise_context.waits)


@pytest.fixture
def llmwise_server(_llmwise_context: _Context) -> Iterator[SandboxServer]:
    """A :class:`llmwise.sandbox.SandboxServer` on 127.0.0.1 (a free port) for this test's sandbox.

    Started only for tests that use it (directly, via ``llmwise_env``, or the server transport).
    """
    from ._clients import start_server

    server = start_server(_llmwise_context.sandbox)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def llmwise_transport(_llmwise_context: _Context) -> Transport:
    """How this test's client fixtures reach the sandbox: ``"inprocess"`` or ``"server"``."""
    return _llmwise_context.settings.transport


def _server_for(request: pytest.FixtureRequest, context: _Context) -> SandboxServer | None:
    if context.settings.transport == "server":
        server: SandboxServer = request.getfixturevalue("llmwise_server")
        return server
    return None


@pytest.fixture
def llmwise_client(request: pytest.FixtureRequest, _llmwise_context: _Context) -> Iterator[LLMWise]:
    """An :class:`llmwise.LLMWise` bound to this test's sandbox (in-process unless the transport is ``server``)."""
    from ._clients import open_client

    server = _server_for(request, _llmwise_context)
    client, http = open_client(_llmwise_context.sandbox, server, **_llmwise_context.settings.client)
    with http:
        yield client


@pytest.fixture
def llmwise_async_client(request: pytest.FixtureRequest, _llmwise_context: _Context) -> AsyncLLMWise:
    """An :class:`llmwise.AsyncLLMWise` bound to this test's sandbox.

    A plain (sync) fixture, so it works with pytest-asyncio in auto and strict mode, and with
    anyio or trio test runners; it holds no connections once responses are closed.
    """
    from ._clients import open_async_client

    server = _server_for(request, _llmwise_context)
    client, _ = open_async_client(_llmwise_context.sandbox, server, **_llmwise_context.settings.client)
    return client


@pytest.fixture
def llmwise_env(llmwise_server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point ``LLMWISE_BASE_URL`` / ``LLMWISE_API_KEY`` at the loopback server for code that builds its own client.

    Returns the variables set (pass them on to a subprocess with ``env={**os.environ, **llmwise_env}``).
    """
    variables = {
        "LLMWISE_BASE_URL": llmwise_server.base_url,
        "LLMWISE_API_KEY": llmwise_server.sandbox.api_key,
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return variables
