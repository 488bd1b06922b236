"""Signals of the inventory, so that later parts (alerts) hook into a poll without the
inventory importing them."""

from django.dispatch import Signal

# Sent inside the poll's transaction, after its findings were evaluated, with:
#   snapshot: the new Snapshot; previous_snapshot_id: the account's snapshot before it (None on a
#   first poll); resource_events: {resource id: added|modified|removed};
#   finding_events: [(finding id, opened|changed|resolved)].
# Receivers write in the same transaction (an outbox row lands with the poll or not at all).
poll_written = Signal()
