import pytest

from cspm.core.durations import parse_interval
from cspm.core.errors import DomainError


@pytest.mark.parametrize(("typed", "seconds"), [
    ("30s", 30), ("15m", 900), ("1h", 3600), ("1d", 86400), ("15", 900), (5, 300), (" 2H ", 7200)])
def test_durations_people_type(typed, seconds):
    assert parse_interval(typed) == seconds


@pytest.mark.parametrize("typed", ["", "fast", "1w", "-5m", "1.5h", "15 minutes", "9s", "8d"])
def test_what_is_not_a_poll_interval_is_refused(typed):
    with pytest.raises(DomainError):
        parse_interval(typed)
