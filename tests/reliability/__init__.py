"""The reliability suite: fault matrix, SSE properties, soak and security (issue 7)."""
