import pytest

from proposals.tests.factories import UserFactory


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")
