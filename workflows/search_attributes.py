"""The custom search attributes operators filter pairings by in the Temporal UI.

No personal data ever goes here: search attributes are never encrypted by a payload codec.
They must be registered on the namespace before a workflow upserts them (see
`ALL_SEARCH_ATTRIBUTES`), or its workflow task fails until they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio import workflow
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

with workflow.unsafe.imports_passed_through():
    from domain.view import PairingView

STAGE = SearchAttributeKey.for_keyword("IurcStage")
STATUS = SearchAttributeKey.for_keyword("IurcStatus")
EU_CITY = SearchAttributeKey.for_keyword("IurcEuCity")
PARTNER_CITY = SearchAttributeKey.for_keyword("IurcPartnerCity")
CYCLE = SearchAttributeKey.for_int("IurcCycle")
TOPICS = SearchAttributeKey.for_keyword_list("IurcTopics")
STALE = SearchAttributeKey.for_bool("IurcStale")
ESCALATION_LEVEL = SearchAttributeKey.for_int("IurcEscalationLevel")
LAST_ACTIVITY = SearchAttributeKey.for_datetime("IurcLastActivity")

ALL_SEARCH_ATTRIBUTES: Sequence[SearchAttributeKey[Any]] = (
    STAGE,
    STATUS,
    EU_CITY,
    PARTNER_CITY,
    CYCLE,
    TOPICS,
    STALE,
    ESCALATION_LEVEL,
    LAST_ACTIVITY,
)
"""Every key the workflow sets; register them all on a namespace before starting pairings."""

Snapshot = tuple[str, str, bool, int, Any]
"""The values that change during a pairing's life, to upsert only when one of them moved."""


PARKED = "parked"
"""IurcStatus of a pairing whose events the store refused (workflows/parking.py)."""


def snapshot(view: PairingView, *, parked: bool = False) -> Snapshot:
    return (
        view.stage.value,
        PARKED if parked else view.status.value,
        view.stale,
        view.escalation_level,
        view.last_activity_at,
    )


def updates(view: PairingView, *, parked: bool = False) -> list[SearchAttributeUpdate[Any]]:
    return [
        STAGE.value_set(view.stage.value),
        STATUS.value_set(PARKED if parked else view.status.value),
        STALE.value_set(view.stale),
        ESCALATION_LEVEL.value_set(view.escalation_level),
        LAST_ACTIVITY.value_set(view.last_activity_at),
    ]


def initial_search_attributes(view: PairingView) -> TypedSearchAttributes:
    """The attributes a pairing starts with, set by whoever starts the workflow."""
    fixed: list[SearchAttributePair[Any]] = [
        SearchAttributePair(EU_CITY, view.eu_city),
        SearchAttributePair(PARTNER_CITY, view.partner_city),
        SearchAttributePair(CYCLE, view.cycle),
        SearchAttributePair(TOPICS, [topic.value for topic in view.topics]),
        SearchAttributePair(STAGE, view.stage.value),
        SearchAttributePair(STATUS, view.status.value),
        SearchAttributePair(STALE, view.stale),
        SearchAttributePair(ESCALATION_LEVEL, view.escalation_level),
        SearchAttributePair(LAST_ACTIVITY, view.last_activity_at),
    ]
    return TypedSearchAttributes(fixed)
