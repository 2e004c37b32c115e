"""How pairings recorded before `deliveries-started-by-record` started their deliveries.

They started each notification's delivery workflow as a child of the pairing. Replaying
their histories must issue the same commands, so this stays until no such run is left
(README, "Versioning").
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from contracts.delivery import (
        NOTIFICATION_WORKFLOW,
        notification_workflow_id,
        notification_workflow_summary,
    )
    from domain.notifications import Notification

DELIVERY_PATCH = "notification-delivery"
"""Histories recorded before notifications were delivered start no delivery workflows."""
UNAWAITED_DELIVERY_PATCH = "notification-delivery-unawaited"
"""Since this patch, an update returns once its events are stored: the delivery workflows they
call for are started together, beside the update's response, instead of one after another
before it (each start cost the update a workflow task of its own)."""


class ChildDeliveries:
    """The delivery children a legacy run starts, which it waits for before it ends."""

    def __init__(self) -> None:
        self.pending: set[asyncio.Task[None]] = set()

    async def start(self, notifications: Sequence[Notification]) -> None:
        """Start the deliveries as the run's history says it did at this point."""
        if not notifications or not workflow.patched(DELIVERY_PATCH):
            return
        if not workflow.patched(UNAWAITED_DELIVERY_PATCH):
            for notification in notifications:
                await _start_delivery(notification)
            return

        async def start_all() -> None:
            await asyncio.gather(*(_start_delivery(n) for n in notifications))

        task = asyncio.create_task(start_all())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)


async def _start_delivery(notification: Notification) -> None:
    """Hand the notification to its own workflow, which outlives this run and this pairing."""
    # Already started means delivered or being delivered: its id is the notification's.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await workflow.start_child_workflow(
            NOTIFICATION_WORKFLOW,  # by name: this module need not import (and re-import) it
            notification,
            id=notification_workflow_id(notification.notification_id),
            parent_close_policy=ParentClosePolicy.ABANDON,
            static_summary=notification_workflow_summary(notification),
        )
