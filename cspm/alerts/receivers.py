"""The hook into a poll: turn what the poll saw into outbox rows, in its transaction, and ask
for delivery once it commits."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from cspm.alerts.items import has_news, poll_items
from cspm.alerts.outbox import enqueue
from cspm.alerts.routing import active_routes, route
from cspm.alerts.tasks import deliver_due_task
from cspm.inventory.signals import poll_written


@receiver(poll_written, dispatch_uid="cspm.alerts.enqueue_poll_alerts")
def enqueue_poll_alerts(sender, *, snapshot, previous_snapshot_id, resource_events, finding_events, **kwargs):
    if not has_news(snapshot, previous_snapshot_id, resource_events, finding_events):
        return
    routes = active_routes()
    if not routes:
        return
    items = poll_items(snapshot=snapshot, previous_snapshot_id=previous_snapshot_id,
                       resource_events=resource_events, finding_events=finding_events)
    if enqueue(route(items, routes)):
        # robust: a broker hiccup must not fail a poll that committed; beat sends it within a minute.
        transaction.on_commit(dispatch_delivery, robust=True)


def dispatch_delivery() -> None:
    deliver_due_task.apply_async(queue="celery")
