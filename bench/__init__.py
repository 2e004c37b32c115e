"""Benchmarks: the pairing lifecycle next to the bare engine, on this machine.

`python -m bench` (or `make bench`) runs every scenario in one go against real servers (the
Temporal CLI's dev server on a SQLite file, PostgreSQL, the time-skipping test server) and
the project's own worker, client, journey and encrypting converter, then prints a table and
writes the figures as JSON. BENCHMARKS.md says what each figure means and what it was here.
"""
