"""The `llmwise` command line (`llmwise ...` or `python -m llmwise ...`); standard library only.

`main()` is the console script's entry point. The layout functions in `llmwise._cli._render` are
pure (text and width in, lines out).
"""

from __future__ import annotations

from ._app import main
from ._parser import build_parser

__all__ = ["main", "build_parser"]
