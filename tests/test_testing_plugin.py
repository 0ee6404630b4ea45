"""`llmwise.testing`: the pytest plugin (run through pytester), the scenario API, sandbox_client().

The inner test files live in tests/testing_cases/ and tests/testing_example/ (type-checked like
the rest of the suite) and are copied into pytester's directory under `test_*` names.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import h11
import httpcore
import hypothesis
import pytest

import llmwise
import llmwise._base_client as base_client
import llmwise.resources.chat
import llmwise.resources.compare
import llmwise.resources.history
import llmwise.resources.models
from llmwise.sandbox import Sandbox
from llmwise.testing import ModelScript, Scenario, SentRequest, async_sandbox_client, sandbox_client
from llmwise.testing._waits import RetryWaits
from llmwise.types.shared import MessageParam

pytest_plugins = ["pytester"]

# pytester's in-process runs forget every module first imported during a run. The modules the inner
# tests use are imported above so that they load once: faster, and without a second copy of a
# module whose classes a surviving one cached (httpx keeps httpcore's exception classes).
_PRELOADED = (h11, httpcore, hypothesis)

HERE = Path(__file__).parent
CASES = HERE / "testing_cases"
EXAMPLE = HERE / "testing_example"
DOC = HERE.parent / "docs" / "testing.md"
HI: list[MessageParam] = [{"role": "user", "content": "Say hi"}]

# pytest-asyncio warns when this is unset; the inner projects set it as ours does.
LOOP_SCOPE = "asyncio_default_fixture_loop_scope = function\n"
SYNC_CASES = 29
ASYNC_CASES = 7
SCRIPT_CASES = 9


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """pytester with an ini file like a real project's (tests may replace it)."""
    pytester.makeini(f"[pytest]\n{LOOP_SCOPE}")
    return pytester


def copy_case(pytester: pytest.Pytester, source: Path, name: str) -> None:
    (pytester.path / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")


# -- the plugin ------------------------------------------------------------------------------------


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    # pytest imports the plugin in every project that installs llmwise: it must stay cheap.
    code = (
        "import sys, llmwise.testing._plugin, llmwise.testing\n"
        "heavy = ('httpx', 'pydantic', 'llmwise.sandbox', 'llmwise._client', 'llmwise.testing._clients')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_marker_and_options_are_registered(project: pytest.Pytester) -> None:
    markers = project.runpytest_inprocess("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.llmwise(transport='inprocess'|'server', credits=N*"])
    help_text = project.runpytest_inprocess("--help")
    help_text.stdout.fnmatch_lines(
        ["*--llmwise-transport={inprocess,server}*", "*llmwise_transport (string)*"]
    )


@pytest.mark.parametrize("transport", ["inprocess", "server"])
def test_sync_fixtures_and_every_scenario_option(project: pytest.Pytester, transport: str) -> None:
    copy_case(project, CASES / "cases_sync.py", "test_cases_sync.py")
    args = [] if transport == "inprocess" else ["--llmwise-transport=server"]
    result = project.runpytest_inprocess(*args, "-p", "no:asyncio")
    result.assert_outcomes(passed=SYNC_CASES)


@pytest.mark.parametrize(
    ("mode", "transport"),
    [("strict", "inprocess"), ("auto", "server")],
)
def test_async_client_with_pytest_asyncio(project: pytest.Pytester, mode: str, transport: str) -> None:
    # The ini option (not the command line) picks the transport here.
    project.makeini(f"[pytest]\nasyncio_mode = {mode}\n{LOOP_SCOPE}llmwise_transport = {transport}\n")
    copy_case(project, CASES / "cases_async.py", "test_cases_async.py")
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=ASYNC_CASES)


@pytest.mark.parametrize("transport", ["inprocess", "server"])
def test_replies_auto_routing_and_strict_mode_when_all_is_scripted(project: pytest.Pytester, transport: str) -> None:
    copy_case(project, CASES / "cases_scripts.py", "test_cases_scripts.py")
    result = project.runpytest_inprocess(f"--llmwise-transport={transport}", "-p", "no:asyncio")
    result.assert_outcomes(passed=SCRIPT_CASES)


def test_strict_mode_fails_unscripted_requests_and_unused_scripts(project: pytest.Pytester) -> None:
    copy_case(project, CASES / "cases_strict.py", "test_cases_strict.py")
    result = project.runpytest_inprocess("-p", "no:asyncio")
    # A test whose teardown fails counts as passed (its body) and as an error (its teardown).
    result.assert_outcomes(passed=4, failed=1, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_unscripted_requests_fail_at_once_and_at_teardown*",
            "*the llmwise scenario did not play as scripted:",
            "*- unscripted request (answered 418): POST /chat: model 'gpt-5.2' has no script",
            "*- unscripted request (answered 418): POST /chat: model 'gpt-5.2' has no script",
            "*- unscripted request (answered 418): POST /compare: model 'mistral-large' has no script",
            "*- unscripted request (answered 418): GET /models",
            "*(@pytest.mark.llmwise(strict=True) / llmwise_scenario.strict())",
            "*ERROR at teardown of test_scripts_never_used_fail_at_teardown*",
            "*- fault never used: rate_limit(times=1, path='/compare', retry_after=3)",
            "*- reply never used: next_reply('/credits/balance', json=...)",
            "*- reply never used: model('gpt-5.2').next_reply('Never said.')",
            "*- model script never used: model('claude-sonnet-4.5') {'fail_status': 429}",
            "*ERROR at teardown of test_strict_by_a_scenario_call*",
            "*- unscripted request (answered 418): GET /credits/balance",
        ]
    )
    failures = result.stdout.str()
    assert "ERROR at teardown of test_a_failing_test_is_not_piled_on" not in failures
    assert "ERROR at teardown of test_the_closest_marker_turns_it_off" not in failures


def test_no_pytest_asyncio_needed_and_trio_works(project: pytest.Pytester) -> None:
    copy_case(project, CASES / "cases_no_asyncio.py", "test_cases_no_asyncio.py")
    result = project.runpytest_inprocess("-p", "no:asyncio")
    result.assert_outcomes(passed=3)


def test_markers_merge_and_misuse_is_reported(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.llmwise(credits=7)

        @pytest.mark.llmwise(transport="server")
        class TestMerged:
            def test_class_and_module_markers_merge(self, llmwise_client, llmwise_scenario):
                assert llmwise_scenario.credits == 7
                assert llmwise_client.base_url.startswith("http://127.0.0.1:")

            @pytest.mark.llmwise(transport="inprocess", credits=2)
            def test_the_closest_marker_wins(self, llmwise_client, llmwise_scenario):
                assert llmwise_scenario.credits == 2
                assert llmwise_client.base_url == "http://sandbox/api/v1"

        @pytest.mark.llmwise(transprt="server")
        def test_unknown_argument(llmwise_client):
            pass

        @pytest.mark.llmwise("server")
        def test_positional_argument(llmwise_sandbox):
            pass

        @pytest.mark.llmwise(transport="carrier-pigeon")
        def test_bad_transport(llmwise_async_client):
            pass
        """
    )
    result = project.runpytest_inprocess("-p", "no:asyncio")
    result.assert_outcomes(passed=2, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*unknown argument(s) transprt (known: transport, sleep_retries, strict, credits,*",
            "*takes keyword arguments only, got ('server',)*",
            "*unknown llmwise transport 'carrier-pigeon'*",
        ]
    )


def test_bad_transport_options_are_usage_errors(project: pytest.Pytester) -> None:
    project.makepyfile("def test_nothing(): pass")
    result = project.runpytest_inprocess("--llmwise-transport=pigeon")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--llmwise-transport: invalid choice: 'pigeon'*"])
    project.makeini("[pytest]\nllmwise_transport = pigeon\n")
    result = project.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*llmwise_transport = 'pigeon' in the ini file*"])


# -- without pytest fixtures -----------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["inprocess", "server"])
def test_sandbox_client(transport: str) -> None:
    original = base_client._sleep
    with sandbox_client(transport="server" if transport == "server" else "inprocess") as (client, scenario):
        assert isinstance(scenario, Scenario)
        assert client.base_url.startswith("http://127.0.0.1:" if transport == "server" else "http://sandbox/")
        scenario.model("gpt-5.2").replies("Outside pytest.")
        scenario.rate_limit(retry_after=4)
        assert client.chat.create(model="gpt-5.2", messages=HI).content == "Outside pytest."
        assert scenario.retry_waits == [4.0]
        assert scenario.last_request("/chat").model == "gpt-5.2"
    assert base_client._sleep is original


@pytest.mark.parametrize("transport", ["inprocess", "server"])
async def test_async_sandbox_client(transport: str) -> None:
    sandbox = Sandbox(credits=1)
    async with async_sandbox_client(
        transport="server" if transport == "server" else "inprocess", sandbox=sandbox, max_retries=0
    ) as (client, scenario):
        assert scenario.sandbox is sandbox and client.max_retries == 0
        assert (await client.chat.create(model="gpt-5.2", messages=HI)).content
        with pytest.raises(llmwise.InsufficientCreditsError):
            await client.chat.create(model="gpt-5.2", messages=HI)
        assert [r.status for r in scenario.requests] == [200, 402]


def test_sandbox_client_strict_mode() -> None:
    with sandbox_client(strict=True) as (client, scenario):
        scenario.model("gpt-5.2").replies("Scripted.")
        assert client.chat.create(model="gpt-5.2", messages=HI).content == "Scripted."
    with (
        pytest.raises(AssertionError, match=r"unscripted request \(answered 418\): GET /models"),
        sandbox_client(strict=True) as (client, scenario),
        pytest.raises(llmwise.APIStatusError),
    ):
        client.models.list()
    # An exception leaving the block is not hidden behind the strict-mode report.
    with pytest.raises(KeyError), sandbox_client(strict=True) as (client, scenario):
        scenario.rate_limit()
        raise KeyError("the test's own error")


async def test_async_sandbox_client_strict_mode() -> None:
    unused = r"fault never used: server_error\(times=1, path='/compare', status=503\)"
    with pytest.raises(AssertionError, match=unused):
        async with async_sandbox_client(strict=True) as (client, scenario):
            scenario.model("gpt-5.2").replies("Scripted.")
            scenario.server_error(path="/compare")
            assert (await client.chat.create(model="gpt-5.2", messages=HI)).content == "Scripted."


def test_sandbox_client_rejects_unknown_transports() -> None:
    with (
        pytest.raises(ValueError, match="unknown llmwise transport 'socket'"),
        sandbox_client(transport="socket"),  # type: ignore[arg-type]
    ):
        pass


def test_a_hand_built_scenario() -> None:
    scenario = Scenario()
    assert isinstance(scenario.model("gpt-5.2"), ModelScript)
    scenario.model("gpt-5.2").replies("Direct.").with_latency(0.5).fails(503, after_chunks=1)
    behaviour = scenario.sandbox.state.behaviour("gpt-5.2")
    assert (behaviour.text, behaviour.latency, behaviour.fail_status, behaviour.fail_after_chunks) == (
        "Direct.",
        0.5,
        503,
        1,
    )
    response = scenario.sandbox.request("GET", "/models")
    assert response.status == 200
    assert scenario.requests == [SentRequest.from_record(scenario.sandbox.requests[0])]
    with pytest.raises(RuntimeError, match="retry waits are recorded only"):
        _ = scenario.retry_waits
    with pytest.raises(ValueError, match="max_fallbacks"):
        scenario.auto_fallbacks(-1)
    with pytest.raises(TypeError, match="replies"):
        scenario.model("gpt-5.2").replies(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="latency"):
        scenario.model("gpt-5.2").with_latency(-1)
    with pytest.raises(ValueError, match="times"):
        scenario.rate_limit(times=0)
    assert "gpt-5.2" in repr(scenario.model("gpt-5.2")) and "Scenario" in repr(scenario)


def test_retry_waits_nest_and_restore() -> None:
    original = base_client._sleep
    with RetryWaits() as outer:
        base_client._sleep(1.5)
        with RetryWaits() as inner:
            base_client._sleep(2.5)
        base_client._sleep(0.0)
    assert (outer.waits, inner.waits) == ([1.5, 0.0], [2.5])
    assert base_client._sleep is original


# -- docs/testing.md -------------------------------------------------------------------------------

# The doc's labelled code blocks and the real files they must equal (the test file is not named
# test_* here so that our own run does not collect it outside pytester).
DOC_FILES = {
    "faq_bot.py": EXAMPLE / "faq_bot.py",
    "test_faq_bot.py": EXAMPLE / "doc_test_faq_bot.py",
}


def doc_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_doc_example_is_the_tested_code() -> None:
    labelled = {}
    for block in doc_blocks():
        first_line = block.split("\n", 1)[0]
        if first_line.startswith("# ") and first_line.endswith(".py"):
            labelled[first_line[2:]] = block
        else:
            compile(block, "docs/testing.md", "exec")  # every other snippet at least parses
    assert set(labelled) == set(DOC_FILES)
    for name, path in DOC_FILES.items():
        assert labelled[name] == path.read_text(encoding="utf-8"), (
            f"docs/testing.md's {name} differs from {path}"
        )


def test_doc_example_passes_in_a_fresh_project(project: pytest.Pytester) -> None:
    for name, path in DOC_FILES.items():
        copy_case(project, path, name)
    project.makeini(f"[pytest]\n{LOOP_SCOPE}")
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=5)


def test_doc_reference_covers_the_public_api() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = [
        *(n for n in vars(Scenario) if not n.startswith("_")),
        *(n for n in vars(ModelScript) if not n.startswith("_")),
        *(f.name for f in dataclasses.fields(SentRequest)),
        *(n for n in vars(SentRequest) if not n.startswith("_") and n != "from_record"),
        *(
            "llmwise_" + n
            for n in ("sandbox", "scenario", "client", "async_client", "server", "env", "transport")
        ),
        "--llmwise-transport",
        "sleep_retries",
        "sandbox_client",
        "async_sandbox_client",
    ]
    missing = [name for name in names if f"`{name}" not in text and f".{name}" not in text]
    assert missing == []
