"""Schemathesis drives every operation of the API's own schema (loaded from /api/schema/), in
process, with the token of Acme's admin (an analyst of Hooli) over the seeded group: data that
fits the schema must answer as the schema says, status and body, and never a 5xx; data that does
not must never answer a 5xx either.

Each example runs in a savepoint rolled back afterwards, so every one sees the same world (a
generated DELETE cannot remove the accounts, or the token, the next examples need). Examples are
derandomized and bounded; for a longer hunt: CSPM_FUZZ_RANDOM=1 CSPM_FUZZ_POSITIVE=300
CSPM_FUZZ_NEGATIVE=150 (about 2 minutes per 12,000 requests)."""

import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from collectors.base import PROVIDERS
from collectors.registry import registry
from cspm.accounts.tokens import token_create
from cspm.inventory.models import Resource, Snapshot
from tests.api.conftest import drift_finding, member

pytestmark = pytest.mark.django_db
EXAMPLES = {GenerationMode.POSITIVE: int(os.environ.get("CSPM_FUZZ_POSITIVE", 80)),
            GenerationMode.NEGATIVE: int(os.environ.get("CSPM_FUZZ_NEGATIVE", 30))}
CHECKS = {GenerationMode.POSITIVE: [not_a_server_error, status_code_conformance, response_schema_conformance],
          GenerationMode.NEGATIVE: [not_a_server_error]}


@pytest.fixture
def in_process():
    """Django's WSGI handler closes the database connection around each request; the test client
    stops it (the test's transaction lives on that connection), and so must we."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def cloud_reachable(monkeypatch):
    """Connection tests answer without a network: the example's credentials 'reach' the cloud."""
    for provider in PROVIDERS:
        monkeypatch.setitem(registry._connection_tests, provider, lambda context: {"identity": "schemathesis"})


def real_ids(world, token_id: int) -> dict[str, int]:
    """An existing object for each kind of path, so that examples also reach past the 404."""
    acme = world["accounts"]["acme-aws"]
    return {"accounts": acme.pk, "findings": drift_finding().pk, "organizations": world["orgs"]["Acme"].pk,
            "resources": Resource.objects.filter(account=acme).latest("id").pk,
            "snapshots": Snapshot.objects.filter(account=acme).latest("id").pk, "tokens": token_id}


def strategy(operation, mode, ids: dict[str, int]):
    """Generated path ids (mostly absent objects), half the time replaced by a real one."""
    generated = operation.as_strategy(generation_mode=mode)
    names = [p.name for p in operation.path_parameters]
    if not names:
        return generated
    kind = operation.path.split("/")[3]  # /api/v1/<kind>/...
    return st.one_of(generated, operation.as_strategy(generation_mode=mode, path_parameters={names[0]: ids[kind]}))


def exercise(operation, mode, ids: dict[str, int], auth: str, calls: Counter, statuses: Counter) -> None:
    @given(case=strategy(operation, mode, ids))
    @settings(max_examples=EXAMPLES[mode], deadline=None, database=None,
              derandomize=not os.environ.get("CSPM_FUZZ_RANDOM"), phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case):
        with transaction.atomic():
            response = case.call(headers={"Authorization": auth})
            calls[operation.label] += 1
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS[mode])
            transaction.set_rollback(True)

    run()


def test_every_operation_answers_without_a_server_error(world, in_process, cloud_reachable):
    created, token = token_create(user=member("root-of-acme", Acme="admin", Hooli="analyst"), name="schemathesis")
    ids = real_ids(world, created.pk)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process,
                                            headers={"Authorization": f"Bearer {token}"})
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 28
    calls, statuses, failures = Counter(), Counter(), []
    for operation in operations:
        for mode in EXAMPLES:
            try:
                exercise(operation, mode, ids, f"Bearer {token}", calls, statuses)
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, reported together
                failures.append(f"{operation.label} ({mode}): {str(exc)[:1500]}")
    print(f"\nschemathesis: {len(operations)} operations, {sum(calls.values())} requests, "
          f"statuses {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(failures)
    assert not [code for code in statuses if code >= 500]
    assert set(calls) == {op.label for op in operations}
