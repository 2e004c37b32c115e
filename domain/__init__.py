"""The IURC pairing domain: pure models and functions, no I/O, no clock, no Temporal.

Everything that decides what a pairing may do lives here, so it can be tested in
microseconds and replayed forever: ids and the current time always come in as arguments.
"""
