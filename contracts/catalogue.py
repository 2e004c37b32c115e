"""The catalogue check the pairing workflow runs before it records a new pairing."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

CHECK_PROPOSAL = "check_proposal"
"""Compare a `domain.events.PairingProposed` with the city catalogue in PostgreSQL."""


class ProposalVerdict(BaseModel):
    """None when the catalogue supports the proposal, else why not."""

    model_config = ConfigDict(frozen=True)

    refusal: str | None = None
