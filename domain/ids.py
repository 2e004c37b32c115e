"""Deterministic ids: the same pairing always gets the same id, so it cannot be started twice."""

from __future__ import annotations

WORKFLOW_ID_PREFIX = "pairing-"


def pairing_id(cycle: int, eu_city: str, partner_city: str) -> str:
    """`rotterdam-busan-2021`: readable, free of personal data, unique per cycle and pair."""
    return f"{eu_city}-{partner_city}-{cycle}"


def workflow_id(pairing: str) -> str:
    return f"{WORKFLOW_ID_PREFIX}{pairing}"


def notification_id(pairing: str, sequence: int, kind: str) -> str:
    """One id per (event, kind of message): a retried write finds its row and sends nothing new."""
    return f"{pairing}:{sequence}:{kind}"
