"""Benchmarks: `make bench` measures and writes BENCHMARKS.md, always beside a baseline from the same run."""
