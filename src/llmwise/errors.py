"""The errors, under the module path of the 0.1 client (`from llmwise.errors import LLMWiseError`).

New code imports them from `llmwise` itself.
"""

from __future__ import annotations

from ._exceptions import *  # noqa: F403
from ._exceptions import __all__ as __all__
