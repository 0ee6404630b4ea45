"""The request types of the 0.1 client's `llmwise.types`, under their 0.1 names.

`from llmwise.types import Message, RoutingConfig` keeps working; new code uses `MessageParam`
(`llmwise.types.shared`) and `RoutingParam` (`llmwise.types.chat`).
"""

from __future__ import annotations

from typing import Any, Literal, Union

from .params import (
    ContentBlockParam,
    ImageURL,
    ImageURLBlockParam,
    MessageParam,
    RoutingParam,
    TextBlockParam,
)

__all__ = [
    "Role",
    "TextBlock",
    "ImageUrl",
    "ImageBlock",
    "ContentBlock",
    "MessageContent",
    "Message",
    "RoutingConfig",
    "JsonDict",
]

Role = Literal["system", "user", "assistant"]
"""0.1: who speaks in a message."""
TextBlock = TextBlockParam
"""0.1 name of `TextBlockParam`."""
ImageUrl = ImageURL
"""0.1 name of `ImageURL`."""
ImageBlock = ImageURLBlockParam
"""0.1 name of `ImageURLBlockParam`."""
ContentBlock = ContentBlockParam
"""0.1 name of `ContentBlockParam`."""
MessageContent = Union[str, list[ContentBlockParam]]
"""0.1: a message's content, text or blocks."""
Message = MessageParam
"""0.1 name of `MessageParam`."""
RoutingConfig = RoutingParam
"""0.1 name of `RoutingParam`."""
JsonDict = dict[str, Any]
"""0.1: a JSON object."""
