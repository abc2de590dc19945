"""The double-submit guard of create forms (proposals/views/_once.py)."""

import pytest

from proposals.views import _once

pytestmark = pytest.mark.usefixtures("locmem_cache")


def test_it_lets_a_token_through_once():
    with _once.guard("t1") as fresh:
        assert fresh is True
    with _once.guard("t1") as fresh:
        assert fresh is False


def test_it_releases_the_token_when_the_block_fails():
    with pytest.raises(RuntimeError), _once.guard("t2"):
        raise RuntimeError("the service failed")
    with _once.guard("t2") as fresh:
        assert fresh is True


def test_a_repeat_that_fails_does_not_release_the_first_claim():
    with _once.guard("t3"):
        pass
    with pytest.raises(RuntimeError), _once.guard("t3") as fresh:
        assert fresh is False
        raise RuntimeError("boom")
    with _once.guard("t3") as fresh:
        assert fresh is False


def test_an_empty_token_is_never_a_repeat():
    for _ in range(2):
        with _once.guard("") as fresh:
            assert fresh is True
