import pytest

pytestmark = pytest.mark.django_db


def test_every_kind_of_object_exists_in_every_organization(world):
    kinds = set(world.objects["Acme"])
    for org in ("Globex", "Hooli"):
        assert set(world.objects[org]) == kinds
    ids = {kind: {world.objects[org][kind] for org in world.objects} for kind in kinds}
    assert all(len(v) == 3 for v in ids.values()), ids  # distinct objects, one per organization
