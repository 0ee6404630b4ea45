"""The 0.1 README and its examples, kept verbatim (see extract.py)."""
