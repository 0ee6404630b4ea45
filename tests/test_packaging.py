"""The package as users get it: the wheel's files and metadata, and the README's install line."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import llmwise

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
    )
    (path,) = out.glob("llmwise-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_ships_the_license_the_types_marker_and_the_sandbox_data(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    licenses = [n for n in names if n.endswith("/licenses/LICENSE")]
    assert licenses and b"MIT License" in wheel.read(licenses[0])
    assert "llmwise/py.typed" in names
    assert "llmwise/sandbox/catalogue.json" in names
    assert not [n for n in names if n.startswith("tests/")]


def test_the_metadata_is_complete(wheel: zipfile.ZipFile) -> None:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    meta = Parser().parsestr(wheel.read(name).decode())
    assert meta["Name"] == "llmwise" and meta["Version"] == llmwise.__version__
    assert meta["License-Expression"] == "MIT"
    classifiers = meta.get_all("Classifier") or []
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Documentation", "Source", "Issues"} <= set(urls)
    assert meta["Requires-Python"] == ">=3.10"
    # Run-time dependencies: httpx, pydantic and typing-extensions, nothing else.
    required = [Requirement(r) for r in meta.get_all("Requires-Dist") or []]
    assert sorted(r.name for r in required if r.marker is None) == ["httpx", "pydantic", "typing-extensions"]


def test_the_readme_install_line_installs_this_version() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r'^pip install "?(llmwise[^"\s]*)"?', readme, re.M)
    assert match, "the README has no pip install line"
    requirement = Requirement(match.group(1))
    # pip only picks a pre-release when the specifier names one; 0.1.x must be excluded.
    assert requirement.specifier.contains(llmwise.__version__, prereleases=None)
    assert not requirement.specifier.contains("0.1.2")
