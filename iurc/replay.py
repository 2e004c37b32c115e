"""Saved histories under their own workflow ids, for replaying them.

A history exported as JSON (`temporal workflow show -o json`, `fetch_history().to_json()`)
does not carry its workflow id, and the pairing workflow refuses to run under an id that is
not its pairing's: a replay under a made-up id would fail where the original run did not.
The id is derived from the history's own start input, decoded with the service's converter.
"""

from __future__ import annotations

from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter

from contracts.delivery import NOTIFICATION_WORKFLOW, notification_workflow_id
from contracts.pairing import PAIRING_WORKFLOW, PairingWorkflowInput
from domain.ids import workflow_id
from domain.notifications import Notification


async def saved_history(raw: str, converter: DataConverter, fallback_id: str) -> WorkflowHistory:
    """The history in `raw`, under the workflow id its start input implies (else `fallback_id`)."""
    history = WorkflowHistory.from_json(fallback_id, raw)
    started = history.events[0].workflow_execution_started_event_attributes
    payloads = list(started.input.payloads)
    kind = started.workflow_type.name
    if kind == PAIRING_WORKFLOW and payloads:
        (start,) = await converter.decode(payloads, [PairingWorkflowInput])
        pairing = start.carried.state.pairing_id if start.carried else start.proposed.pairing_id
        return WorkflowHistory(workflow_id(pairing), history.events)
    if kind == NOTIFICATION_WORKFLOW and payloads:
        (notification,) = await converter.decode(payloads, [Notification])
        return WorkflowHistory(
            notification_workflow_id(notification.notification_id), history.events
        )
    return history
