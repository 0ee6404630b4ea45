"""Every ```python block of the README type-checks under mypy --strict, as a user's code would
(issue #12, item 2). A block that uses `client` without making one gets `client = LLMWise()` first,
as the README's reader has it from the quick start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(encoding="utf-8"), re.M | re.S)
PREAMBLE = "from llmwise import LLMWise\n\nclient = LLMWise()\n"


def source_of(block: str) -> str:
    uses_client = re.search(r"\bclient\b", block) is not None
    makes_client = re.search(r"^\s*(async )?with .* as client:|^\s*client = ", block, re.M) is not None
    return (PREAMBLE + block) if uses_client and not makes_client else block


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[int, list[str]]:
    folder = tmp_path_factory.mktemp("readme")
    paths = []
    for i, block in enumerate(BLOCKS):
        path = folder / f"readme_block_{i}.py"
        path.write_text(source_of(block), encoding="utf-8")
        paths.append(str(path))
    stdout, stderr, _ = api.run(
        ["--strict", "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"), "--config-file", "", *paths]
    )
    errors: dict[int, list[str]] = {i: [] for i in range(len(BLOCKS))}
    for line in (stdout + stderr).splitlines():
        match = re.search(r"readme_block_(\d+)\.py:\d+: error: (.*)", line)
        if match:
            errors[int(match.group(1))].append(match.group(2))
    return errors


def test_the_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_each_python_block_type_checks(mypy_errors: dict[int, list[str]], index: int) -> None:
    first_line = BLOCKS[index].strip().splitlines()[0]
    assert mypy_errors[index] == [], f"README block {index} ({first_line!r})"
