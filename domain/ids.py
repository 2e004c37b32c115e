"""Deterministic ids: the same pairing always gets the same id, so it cannot be started twice."""

from __future__ import annotations

WORKFLOW_ID_PREFIX = "pairing-"


def pairing_id(cycle: int, eu_city: str, partner_city: str) -> str:
    """`rotterdam-busan-2021`: readable, free of personal data, unique per cycle and pair.

    Where a slug has a hyphen of its own, the parts are joined by two: `den-haag--busan--2021`
    and `den--haag-busan--2021` are two pairings, where one hyphen would make both
    `den-haag-busan-2021`. Slugs never hold two hyphens in a row (`domain.profiles`), so the
    id reads one way only. Pairings started before this rule keep the id they have.
    """
    separator = "--" if "-" in eu_city or "-" in partner_city else "-"
    return f"{eu_city}{separator}{partner_city}{separator}{cycle}"


def workflow_id(pairing: str) -> str:
    return f"{WORKFLOW_ID_PREFIX}{pairing}"


def notification_id(pairing: str, sequence: int, kind: str) -> str:
    """One id per (event, kind of message): a retried write finds its row and sends nothing new."""
    return f"{pairing}:{sequence}:{kind}"
