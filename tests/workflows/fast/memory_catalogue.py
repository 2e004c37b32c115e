"""The catalogue check of a new pairing, against profiles held in memory, under its real name."""

from __future__ import annotations

from collections.abc import Mapping

from temporalio import activity

from contracts.catalogue import CHECK_PROPOSAL, ProposalVerdict
from domain.events import PairingProposed
from domain.profiles import CityProfile
from domain.proposals import proposal_refusal


class InMemoryCatalogue:
    def __init__(self, profiles: Mapping[str, CityProfile]) -> None:
        self.profiles = dict(profiles)

    @activity.defn(name=CHECK_PROPOSAL)
    async def check_proposal(self, proposed: PairingProposed) -> ProposalVerdict:
        return ProposalVerdict(refusal=proposal_refusal(proposed, self.profiles))
