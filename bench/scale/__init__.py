"""National scale benchmark: `python -m bench.scale --households N` (see __main__.py)."""
