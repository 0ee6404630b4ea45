"""The clients, under the module path of the 0.1 client (`from llmwise.client import LLMWise`).

New code imports them from `llmwise` itself.
"""

from __future__ import annotations

from ._client import AsyncLLMWise, LLMWise

__all__ = ["LLMWise", "AsyncLLMWise"]
