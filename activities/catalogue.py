"""The catalogue activity: is a proposed pairing what the city catalogue in PostgreSQL says?"""

from __future__ import annotations

import asyncpg
import structlog
from temporalio import activity

from adapters.postgres.cities import load_profiles
from contracts.catalogue import CHECK_PROPOSAL, ProposalVerdict
from domain.events import PairingProposed
from domain.proposals import proposal_refusal

log = structlog.get_logger()


class CatalogueActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name=CHECK_PROPOSAL)
    async def check_proposal(self, proposed: PairingProposed) -> ProposalVerdict:
        """The verdict on `proposed`; a refusal is a result, not an error, and is final."""
        refusal = proposal_refusal(proposed, await load_profiles(self._pool))
        if refusal is not None:
            log.warning("pairing proposal refused", pairing_id=proposed.pairing_id[:120])
        return ProposalVerdict(refusal=refusal)
