"""Benchmarks of the course: `make bench` (see benchmarks/run.py)."""
