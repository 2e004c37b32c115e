"""Temporal workflows: they drive the domain's decider, own the timers and expose messages.

Workflow code is deterministic: time comes from `workflow.now()`, side effects go through
activities, and nothing here imports a database driver or a logger with I/O.
"""
