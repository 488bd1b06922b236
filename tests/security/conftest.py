import pytest

from tests.security.world import World, build_world


@pytest.fixture
def world(estate) -> World:
    return build_world(estate)
