"""Starting a notification's delivery workflow from an activity, exactly once per notification.

The workflow id comes from the notification id and a closed delivery is never started again
(REJECT_DUPLICATE), so an append retried after a crash starts nothing twice: it finds each
delivery running or done and moves on.
"""

from __future__ import annotations

import contextlib

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts.delivery import (
    NOTIFICATION_WORKFLOW,
    notification_workflow_id,
    notification_workflow_summary,
)
from domain.notifications import Notification


class DeliveryStarter:
    """Starts delivery workflows on the worker's own task queue, with the worker's client."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def start(self, notification: Notification) -> str:
        """Start the delivery of `notification` unless it exists; its workflow id either way."""
        workflow_id = notification_workflow_id(notification.notification_id)
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self._client.start_workflow(
                NOTIFICATION_WORKFLOW,
                notification,
                id=workflow_id,
                task_queue=self._task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                static_summary=notification_workflow_summary(notification),
            )
        return workflow_id
