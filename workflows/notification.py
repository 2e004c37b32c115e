"""NotificationWorkflow: deliver one notification, once, however long it takes.

Its id is derived from the notification id, so the pairing that starts it can never start a
second delivery of the same message. It plans the delivery (recipients, language, holiday
delays) in a local activity, waits on a timer where a reminder would land on a public holiday,
and sends each message with retries and backoff; every attempt and error is visible in
`iurc notifications`.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from contracts.delivery import (
        GIVE_UP_DELIVERY,
        NOTIFICATION_WORKFLOW,
        PLAN_DELIVERY,
        SEND_MESSAGE,
        Batch,
        DeliveryPlan,
        GiveUp,
        SendRequest,
        Sent,
    )
    from domain.notifications import Notification

SEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=30),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(hours=1),
    maximum_attempts=30,
)
"""About a day of retries, spaced out to an hour: a mail server down overnight is survived."""
QUICK = timedelta(seconds=30)
LOCAL_PLAN_PATCH = "plan-delivery-locally"
"""Since this patch, the plan is a local activity: it runs inside the workflow task that
starts the delivery (a read and a render), which saves the engine an activity task and a
workflow task per notification, the largest share of what a delivery cost (BENCHMARKS.md)."""


__all__ = ["NotificationWorkflow"]


@workflow.defn(name=NOTIFICATION_WORKFLOW)
class NotificationWorkflow:
    """Deliver the messages of one notification."""

    @workflow.run
    async def run(self, notification: Notification) -> list[Sent]:
        summary = f"plan {notification.kind.value} to {notification.audience.value}"
        if workflow.patched(LOCAL_PLAN_PATCH):
            plan = await workflow.execute_local_activity(
                PLAN_DELIVERY,
                notification,
                result_type=DeliveryPlan,
                start_to_close_timeout=QUICK,
                summary=summary,
            )
        else:
            plan = await workflow.execute_activity(
                PLAN_DELIVERY,
                notification,
                result_type=DeliveryPlan,
                start_to_close_timeout=QUICK,
                summary=summary,
            )
        sent = []
        for batch in plan.batches:
            wait = batch.deliver_at - workflow.now()
            if wait > timedelta(0):
                await workflow.sleep(wait, summary=f"held for {batch.held_for}"[:200])
            sent.append(await self._send(batch))
        return sent

    async def _send(self, batch: Batch) -> Sent:
        message = batch.message
        try:
            sent: Sent = await workflow.execute_activity(
                SEND_MESSAGE,
                SendRequest(audience=batch.audience, message=message),
                result_type=Sent,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=SEND_RETRY,
                summary=f"send {message.kind.value} ({message.language}, "
                f"{len(message.recipients)} recipients)",
            )
            return sent
        except ActivityError as failure:
            cause = failure.cause
            await workflow.execute_activity(
                GIVE_UP_DELIVERY,
                GiveUp(
                    message_id=message.message_id,
                    notification_id=message.notification_id,
                    error=str(cause or failure),
                ),
                start_to_close_timeout=QUICK,
            )
            return Sent(message_id=message.message_id, outcome="failed")
