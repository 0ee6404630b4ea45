"""The ```python examples of the 0.1 README (README-0.1.md, kept here verbatim), one file each.

The 1.x SDK must run them unmodified (tests/test_readme_01.py). The files beside this one are the
blocks byte for byte, named after the heading above each; the test checks they still are.

    python tests/readme_01/extract.py   # (re)write them from README-0.1.md
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README-0.1.md"


def slug(heading: str) -> str:
    """`Compare (2+ models)` -> `compare_2_models`."""
    return re.sub(r"[^a-z0-9]+", "_", heading.lower()).strip("_")


def examples(text: str) -> dict[str, str]:
    """File name -> code of each ```python block, in README order, named after its heading."""
    out: dict[str, str] = {}
    heading = ""
    code: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if code is not None:
            if line.rstrip() == "```":
                out[f"readme01_{len(out) + 1}_{slug(heading)}.py"] = "".join(code)
                code = None
            else:
                code.append(line)
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.rstrip() == "```python":
            code = []
    return out


def expected() -> dict[str, str]:
    """The example files as they must be."""
    return examples(README.read_text(encoding="utf-8"))


def main() -> int:
    for name, code in expected().items():
        (HERE / name).write_text(code, encoding="utf-8")
        print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
