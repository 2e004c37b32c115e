"""Forgetting a person taken off a pairing: the history stays readable, their data goes.

When a stakeholder is removed, every stored event that names them (their StakeholderAdded,
the proposal that brought them from a city profile) is rewritten with a stand-in that keeps
what the history needs (their ref, city, helix, role) and drops their name and address. The
pairing's state no longer holds them at all. Messages already sent to them stay in the
delivery log, as records of what was sent; action plans are documents and are kept whole.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain import events as ev
from domain.stakeholders import Stakeholder

STAND_IN_DOMAIN = "removed.example.org"


class Forgotten(BaseModel):
    """A removed stakeholder as the pairing knew them: what to look for, and under which ref."""

    model_config = ConfigDict(frozen=True)

    ref: str
    person: Stakeholder


def stand_in(forgotten: Forgotten) -> Stakeholder:
    """The removed person as the history keeps them: no name, no address."""
    person = forgotten.person
    return Stakeholder(
        name=f"removed stakeholder {forgotten.ref}",
        email=f"{forgotten.ref}@{STAND_IN_DOMAIN}",
        city=person.city,
        helix=person.helix,
        role=person.role,
        language=person.language,
        focal_point=False,
    )


def forget_in(event: ev.Event, forgotten: Forgotten) -> ev.Event:
    """`event` with the forgotten person replaced by their stand-in, wherever it names them."""
    email = forgotten.person.email
    match event:
        case ev.StakeholderAdded(stakeholder=person) if person.email == email:
            return event.model_copy(update={"stakeholder": stand_in(forgotten)})
        case ev.PairingProposed(stakeholders=people) if any(p.email == email for p in people):
            kept = tuple(stand_in(forgotten) if p.email == email else p for p in people)
            return event.model_copy(update={"stakeholders": kept})
        case _:
            return event
