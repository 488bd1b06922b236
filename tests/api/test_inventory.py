"""Snapshots, resources and their configuration history."""

import pytest

from cspm.inventory.models import Resource, Snapshot
from tests.api.conftest import results
from tests.integration.helpers import BUCKET_ARN, EKS_ARN, bucket_config, poll

pytestmark = pytest.mark.django_db


def test_snapshots_newest_first_filtered_by_account_and_status(admin, world):
    acme = world["accounts"]["acme-aws"]
    rows = results(admin.get("/api/v1/snapshots/", {"account": acme.pk}))
    assert [s["id"] for s in rows] == list(Snapshot.objects.filter(account=acme).order_by("-id")
                                          .values_list("id", flat=True))
    assert rows[0]["status"] == "ok" and rows[0]["changed"] == 1
    assert results(admin.get("/api/v1/snapshots/", {"status": "failed"})) == []
    assert admin.get("/api/v1/snapshots/", {"status": "meh"}).status_code == 400
    assert admin.get(f"/api/v1/snapshots/{rows[0]['id']}/").json()["account"] == acme.pk


def test_another_groups_snapshot_and_resource_are_not_found(admin, world):
    hooli = world["accounts"]["hooli-aws"]
    snapshot = Snapshot.objects.filter(account=hooli).first()
    resource = Resource.objects.filter(account=hooli).first()
    assert admin.get(f"/api/v1/snapshots/{snapshot.pk}/").status_code == 404
    assert admin.get(f"/api/v1/resources/{resource.pk}/").status_code == 404
    assert admin.get(f"/api/v1/resources/{resource.pk}/versions/").status_code == 404
    assert all(s["account"] != hooli.pk for s in results(admin.get("/api/v1/snapshots/")))


def test_resource_filters(admin, world):
    acme = world["accounts"]["acme-aws"]
    rows = results(admin.get("/api/v1/resources/", {"account": acme.pk}))
    assert {r["native_id"] for r in rows} == {EKS_ARN, BUCKET_ARN}
    assert [r["native_id"] for r in results(admin.get("/api/v1/resources/", {"type": "aws.s3.bucket",
                                                                            "account": acme.pk}))] == [BUCKET_ARN]
    assert len(results(admin.get("/api/v1/resources/", {"search": "PROD-EKS"}))) == 2  # acme's and globex's
    assert results(admin.get("/api/v1/resources/", {"region": "eu-west-1"})) == []
    assert results(admin.get("/api/v1/resources/", {"removed": "yes"})) == []
    world["estate"].drop("aws.eks.cluster", EKS_ARN)
    poll("acme-aws")
    [removed] = results(admin.get("/api/v1/resources/", {"removed": "yes"}))
    assert removed["native_id"] == EKS_ARN and removed["removed_at"]
    assert len(results(admin.get("/api/v1/resources/", {"removed": "no"}))) == 3
    assert admin.get("/api/v1/resources/", {"removed": "perhaps"}).status_code == 400


def test_a_resource_shows_its_config_and_history(viewer, world):
    bucket = Resource.objects.get(account=world["accounts"]["acme-aws"], native_id=BUCKET_ARN)
    body = viewer.get(f"/api/v1/resources/{bucket.pk}/").json()
    assert body["config"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is False
    versions = viewer.get(f"/api/v1/resources/{bucket.pk}/versions/").json()
    assert [v["event"] for v in versions["results"]] == ["modified", "added"]
    assert versions["results"][1]["config"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    first = viewer.get(f"/api/v1/resources/{bucket.pk}/versions/", {"page_size": 1}).json()
    assert len(first["results"]) == 1 and first["next"]
    assert viewer.get(first["next"]).json()["results"][0]["event"] == "added"


def test_a_config_stored_once_is_shown_for_every_version_that_has_it(viewer, world):
    # A flapping setting: the third version's config is the first's, stored as a pointer to it.
    world["estate"].put("aws.s3.bucket", BUCKET_ARN, bucket_config())
    poll("acme-aws")
    bucket = Resource.objects.get(account=world["accounts"]["acme-aws"], native_id=BUCKET_ARN)
    newest, _, oldest = viewer.get(f"/api/v1/resources/{bucket.pk}/versions/").json()["results"]
    assert newest["config"] == oldest["config"] and newest["config"]
