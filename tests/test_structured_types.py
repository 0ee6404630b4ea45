"""What type checkers see of typed answers (issue #16): `parse(..., response_format=Invoice).parsed`
is an `Invoice`, for the sync and the async client, under mypy --strict (and pyright when it is
installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = '''
from typing import Union

from pydantic import BaseModel, TypeAdapter

from llmwise import AsyncLLMWise, LLMWise


class Invoice(BaseModel):
    number: str
    total: float


class Refund(BaseModel):
    amount: float


def sync_calls(client: LLMWise) -> None:
    completion = client.chat.parse(model="gpt-5.2", messages=[], response_format=Invoice)
    reveal_type(completion.parsed)
    reveal_type(completion.total_credits_charged)
    reveal_type(client.chat.parse(model="m", messages=[], response_format=list[Invoice]).parsed)
    adapter: TypeAdapter[Union[Invoice, Refund]] = TypeAdapter(Union[Invoice, Refund])
    reveal_type(client.chat.parse(model="m", messages=[], response_format=adapter).parsed)
    with client.chat.stream_parse(model="m", messages=[], response_format=Invoice) as stream:
        for event in stream:
            reveal_type(event)
        reveal_type(stream.get_final_completion().parsed)
    compared = client.compare.parse(models=["a", "b"], messages=[], response_format=Invoice)
    reveal_type(compared.by_model["a"].parsed)
    reveal_type(client.blend.parse(models=["a", "b"], messages=[], response_format=Invoice).parsed)
    client.chat.parse(model="m", messages=[], response_format=Invoice, max_repairs="2")


async def async_calls(client: AsyncLLMWise) -> None:
    completion = await client.chat.parse(model="gpt-5.2", messages=[], response_format=Invoice)
    reveal_type(completion.parsed)
    async with client.chat.stream_parse(model="m", messages=[], response_format=Invoice) as stream:
        final = await stream.get_final_completion()
        reveal_type(final.parsed)
    compared = await client.compare.parse(models=["a", "b"], messages=[], response_format=Invoice)
    reveal_type(compared.by_model["a"].parsed)
    blended = await client.blend.parse(models=["a", "b"], messages=[], response_format=Invoice)
    reveal_type(blended.parsed)
'''


@pytest.fixture(scope="module")
def snippet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("structured") / "snippet.py"
    path.write_text(textwrap.dedent(SNIPPET), encoding="utf-8")
    return path


EXPECTED = [
    "Invoice",
    "int | float | None",
    "list[Invoice]",
    "Invoice | Refund",
    "TextChunkEvent | RouteEvent | MeshChunkEvent | TraceEvent | ChatDoneEvent | ErrorEvent | UnknownEvent | PartialObjectEvent",
    "Invoice",
    "Invoice | None",
    "Invoice",
    "Invoice",
    "Invoice",
    "Invoice | None",
    "Invoice",
]
"""The types revealed in `SNIPPET`, in order, without module prefixes."""


def normalised(revealed: str) -> set[str]:
    """A revealed type as the set of its union's members, without module prefixes (mypy spells a
    union `Union[A, B]` or `A | B`, by version)."""
    text = re.sub(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])", "", revealed)
    match = re.fullmatch(r"Union\[(.*)\]", text)
    if match:
        text = match.group(1).replace(", ", " | ")
    return set(text.split(" | "))


def test_mypy_sees_the_response_format_type(snippet: Path) -> None:
    stdout, stderr, _ = api.run(
        ["--strict", "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"), "--config-file", "", str(snippet)]
    )
    revealed = re.findall(r'Revealed type is "([^"]+)"', stdout)
    assert len(revealed) == len(EXPECTED)
    for got, expected in zip(revealed, EXPECTED, strict=True):
        expected_members = normalised(expected)
        if "PartialObjectEvent" in expected:
            # Which chat events the union lists is the chat stream's business.
            assert {"PartialObjectEvent", "TextChunkEvent", "ChatDoneEvent"} <= normalised(got)
        else:
            assert normalised(got) == expected_members, got
    errors = [line for line in (stdout + stderr).splitlines() if ": error:" in line]
    assert len(errors) == 1 and '"max_repairs"' in errors[0]  # a str for max_repairs is an error


@pytest.mark.skipif(shutil.which("pyright") is None, reason="pyright is not installed")
def test_pyright_sees_the_response_format_type(snippet: Path) -> None:
    pyright = shutil.which("pyright")
    assert pyright is not None
    done = subprocess.run(
        [pyright, "--outputjson", str(snippet)], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    diagnostics = json.loads(done.stdout)["generalDiagnostics"]
    revealed = [d["message"].split('" is "', 1)[1][:-1] for d in diagnostics if d["message"].startswith("Type of")]
    assert len(revealed) == len(EXPECTED)
    for got, expected in zip(revealed, EXPECTED, strict=True):
        if "PartialObjectEvent" in expected:
            assert {"PartialObjectEvent", "TextChunkEvent", "ChatDoneEvent"} <= normalised(got)
        else:
            assert normalised(got) == normalised(expected), got
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert len(errors) == 1 and '"max_repairs"' in errors[0]["message"]
