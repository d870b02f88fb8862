"""Benchmark harnesses behind ``pasi bench NAME --json``; users can run them on their own data."""
