"""The performance benchmark (issue 7): `python -m bench`; see docs/performance.md."""
