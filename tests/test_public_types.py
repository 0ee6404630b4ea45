"""What type checkers see of the public names: precise types where the run time loads lazily, and
a misspelt name as an error (not `Any`). Checked by running mypy --strict on small files."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def mypy_output(tmp_path: Path, code: str) -> str:
    path = tmp_path / "snippet.py"
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    stdout, stderr, _ = api.run(
        ["--strict", "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"), "--config-file", "", str(path)]
    )
    return stdout + stderr


@pytest.fixture(scope="module")
def lazy_names(tmp_path_factory: pytest.TempPathFactory) -> str:
    return mypy_output(
        tmp_path_factory.mktemp("types"),
        """
        import llmwise
        import llmwise.types
        from llmwise.types import ChatCompletion

        reveal_type(llmwise.types.ChatCompletion)
        reveal_type(llmwise.types.UsageSummary)
        reveal_type(llmwise.LLMWise)
        reveal_type(llmwise.RateLimitError)
        completion: ChatCompletion = llmwise.types.ChatCompletion()
        reveal_type(completion.credits_charged)
        llmwise.types.ChatCompletoin
        llmwise.LLMWsie
        completion.contnet
        """,
    )


def test_lazily_loaded_names_have_their_real_types(lazy_names: str) -> None:
    assert 'Revealed type is "def (' in lazy_names and "llmwise.types.chat.ChatCompletion" in lazy_names
    assert "llmwise.types.usage.UsageSummary" in lazy_names
    assert "llmwise._client.LLMWise" in lazy_names
    assert "llmwise._exceptions.RateLimitError" in lazy_names
    # (mypy spells a union `Union[builtins.int, ...]` or `int | float | None`, by version.)
    assert re.search(r'Revealed type is "(Union\[builtins.int, builtins.float, None\]|int \| float \| None)"', lazy_names)


def test_misspelt_names_are_errors(lazy_names: str) -> None:
    assert 'Module has no attribute "ChatCompletoin"' in lazy_names
    assert 'Module has no attribute "LLMWsie"' in lazy_names
    assert '"ChatCompletion" has no attribute "contnet"' in lazy_names
