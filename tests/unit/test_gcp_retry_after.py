import time

from collectors.gcp import session as gcp_session


class Reply:
    def __init__(self, headers):
        self.headers = headers


class Throttled(Exception):
    def __init__(self, headers):
        super().__init__("429 Too Many Requests")
        self.response = Reply(headers)


def test_retry_after_seconds_are_waited_before_the_next_attempt(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    gcp_session.honour_retry_after(Throttled({"Retry-After": "2"}))
    gcp_session.honour_retry_after(Throttled({"Retry-After": "3600"}))  # capped
    gcp_session.honour_retry_after(Throttled({"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}))
    gcp_session.honour_retry_after(Throttled({}))
    gcp_session.honour_retry_after(ValueError("no response at all"))
    assert slept == [2.0, gcp_session.RETRY_AFTER_CAP]
