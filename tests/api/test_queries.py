"""Every list costs the same number of queries however many rows it shows (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cspm.inventory.models import Resource
from tests.integration.helpers import EKS_ARN, cli, eks_config, poll

pytestmark = pytest.mark.django_db
MAX_QUERIES = 8


def lists(world) -> list[str]:
    acme = world["accounts"]["acme-aws"]
    bucket = Resource.objects.filter(account=acme, type="aws.s3.bucket").get()
    return ["/api/v1/organizations/", "/api/v1/accounts/", "/api/v1/snapshots/", "/api/v1/resources/",
            f"/api/v1/resources/{bucket.pk}/versions/", "/api/v1/findings/?status=all", "/api/v1/compliance/results/",
            "/api/v1/audit-events/", "/api/v1/tokens/", f"/api/v1/accounts/{acme.pk}/baseline/",
            "/api/v1/compliance/scores/?group_by=account", "/api/v1/compliance/trend/"]


def counts(client, urls) -> dict[str, int]:
    seen = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": 500})
        assert response.status_code == 200, (url, response.content)
        seen[url] = len(queries)
    return seen


def test_list_queries_do_not_grow_with_rows(admin, world, django_assert_max_num_queries):
    urls = lists(world)
    admin.get("/api/v1/tokens/")  # the token's first use records it (then at most once a minute)
    before = counts(admin, urls)
    # Many more rows of every kind: clusters, their versions, results and findings, snapshots, events.
    for i in range(6):
        world["estate"].put("aws.eks.cluster", f"{EKS_ARN}-{i}", eks_config(public=True, cidrs=("0.0.0.0/0",)))
    for name in ("acme-aws", "globex-aws"):
        poll(name)
    world["estate"].put("aws.s3.bucket", "arn:aws:s3:::acme-prod-data", {"Name": "acme-prod-data"})
    poll("acme-aws")
    cli("baseline", "approve", "globex-aws")
    after = counts(admin, urls)
    assert after == before
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            admin.get(url, {"page_size": 500})
