"""Test connection: do the credentials reach the account they were onboarded for?"""

from __future__ import annotations

from collectors.aws.session import AwsSession
from collectors.base import CollectContext
from collectors.errors import AuthError
from collectors.registry import register_connection_test


def test_connection(context: CollectContext) -> dict:
    session = AwsSession(context, max_attempts=2)
    identity = session.call(session.client("sts"), "get_caller_identity")
    if identity["Account"] != context.account_id:
        raise AuthError(f"the credentials reach AWS account {identity['Account']}, not {context.account_id}")
    return {"account": identity["Account"], "identity": identity["Arn"]}


register_connection_test("aws", test_connection)
