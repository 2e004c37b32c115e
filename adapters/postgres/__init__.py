"""The PostgreSQL side of the service: migrations, the event store and its read model.

Temporal's history is the source of truth for a running pairing; this store keeps every
event for years after, and projects them into tables that the secretariat can list and
report on without asking each workflow. Everything here is idempotent, because activities
run at least once.
"""
