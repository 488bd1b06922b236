"""When a failed notification is tried again, and when a digest is due."""

import datetime as dt

import pytest

from cspm.alerts.deliver import backoff
from cspm.alerts.outbox import digest_due_at

UTC = dt.UTC


def test_backoff_doubles_from_one_minute_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


@pytest.mark.parametrize(("now", "mode", "due"), [
    (dt.datetime(2026, 11, 23, 10, 15, 30, tzinfo=UTC), "hourly", dt.datetime(2026, 11, 23, 11, 0, tzinfo=UTC)),
    (dt.datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC), "hourly", dt.datetime(2026, 11, 23, 11, 0, tzinfo=UTC)),
    (dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), "hourly", dt.datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
    (dt.datetime(2026, 11, 23, 10, 15, tzinfo=UTC), "daily", dt.datetime(2026, 11, 24, 0, 0, tzinfo=UTC)),
    (dt.datetime(2026, 11, 30, 0, 0, tzinfo=UTC), "daily", dt.datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
])
def test_a_digest_is_due_at_the_next_boundary(now, mode, due):
    assert digest_due_at(mode, now) == due
