"""The installed version of the llmwise SDK."""

__version__ = "1.0.0a1"
