"""Adapters: the code that talks to the world outside the domain: PostgreSQL, the notification
channels (e-mail, webhooks), public-holiday calendars.

They sit behind the activities, which own the Temporal side (retries, errors, logs), so an
adapter can be tested against a real database without a Temporal server, and the import
contracts in pyproject.toml keep Temporal out of here entirely.
"""
