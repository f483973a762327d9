"""The seed plans in import format, and their deterministic generator (`python3 demo/generate.py`)."""
