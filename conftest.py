"""Shared fixtures. Tests that need PostgreSQL or Redis use `require_postgres` /
`require_redis`: they skip on a laptop without the service and fail under CI=true."""

import os

import pytest
from django.db import connection, transaction


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required under CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} not available")


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        _missing("PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def require_redis():
    import redis
    from django.conf import settings

    url = settings.REDIS_URL or os.environ.get("REDIS_URL", "")
    if not url:
        _missing("Redis (set REDIS_URL=redis://...)")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _missing(f"Redis at {url} ({exc})")
    return url


@pytest.fixture
def locmem_cache(settings):
    """An empty in-process cache of the test's own, whatever CACHES says (Redis in CI):
    ids repeat between tests (rolled back), so must nothing cached carry over."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        }
    }
    cache.clear()
    return cache


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction held open for the whole test module. What a module-scoped fixture
    builds inside it is built once and shared: each test runs in a savepoint of it (the
    ``db`` fixture), rolled back after the test, and the whole is rolled back after the
    module. For data that is slow to build and that every test only reads or changes
    inside its own savepoint: the permission matrices, a few hundred requests each on one
    scenario. Such a fixture must hand out ids and unchanged objects only (a test that
    refreshes a shared object in memory would leave it changed for the next)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _migration_data_for_transactional_tests(request):
    """A transactional test ends by flushing every table, which also removes the holiday
    calendar that a data migration seeds; pytest-django runs the transactional tests last,
    so only they can meet a flushed database. Seed it again before each of them."""
    if _is_transactional(request):
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            from proposals.services import holidays_seed_missing_years

            holidays_seed_missing_years()
    yield


@pytest.fixture
def requests_as_app_role(db, monkeypatch):
    """On PostgreSQL, every request of the test client runs as a plain role that owns
    nothing and does not bypass row-level security, as the application connects in
    production (the test's own setup stays the superuser's). Nothing on SQLite."""
    if connection.vendor != "postgresql":
        return
    from rls.middleware import CommitteeScopeMiddleware
    from rls.sql import grant_app_role

    role = f"rls_app_{connection.settings_dict['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN NOSUPERUSER NOBYPASSRLS')
        grant_app_role(cursor, role)  # all in the test's transaction: rolled back after
    original = CommitteeScopeMiddleware.__call__

    def call(self, request):
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{role}"')
        try:
            return original(self, request)
        finally:
            if not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("RESET ROLE")

    monkeypatch.setattr(CommitteeScopeMiddleware, "__call__", call)
    return role
