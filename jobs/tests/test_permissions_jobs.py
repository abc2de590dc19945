"""The permission matrix of the job pages: every URL × role × method, expected status (as
proposals/tests/test_permissions.py). A job is seen by its owner and by the staff of its
committee; everyone else gets 404 (they must not learn it exists).

Roles, as in proposals/tests/test_permissions.py: anonymous; clerk of this committee;
clerk of another committee; handler of the lead unit; handler of a co unit; handler of a
unit of the committee with nothing to do with it; signer of the lead unit.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import get_resolver, reverse

from jobs.models import Job
from jobs.services import job_run
from jobs.tests.factories import JobFactory
from proposals.tests.scenario import build_scenario

# The requests run as the application's database role on PostgreSQL (rls/): the wall and
# the Python filters together.
# The scenario is built once for the module (module_db): its ids and tokens repeat in every
# test, so each test gets an empty cache of its own (a feedback link's rate limit counts).
pytestmark = [pytest.mark.django_db,
              pytest.mark.usefixtures("locmem_cache", "requests_as_app_role")]

ROLES = ("anon", "clerk", "other_clerk", "lead", "co", "stranger", "signer")


def u(name, *args):
    return reverse(f"jobs:{name}", args=args)


# name, label, url, method,
#        anon clerk other_clerk lead  co  stranger signer
MATRIX = [
    ("list", "list", lambda w: u("list"), "GET", (302, 200, 200, 200, 200, 200, 200)),
    ("detail", "the clerk's job", lambda w: u("detail", w.clerk_job.pk), "GET",
        (302, 200, 404, 404, 404, 404, 404)),
    ("detail", "a unit person's export, seen by the committee's staff",
        lambda w: u("detail", w.lead_job.pk), "GET", (302, 200, 404, 200, 404, 404, 404)),
    ("status", "the clerk's job", lambda w: u("status", w.clerk_job.pk), "GET",
        (302, 200, 404, 404, 404, 404, 404)),
    ("download", "the clerk's job", lambda w: u("download", w.clerk_job.pk), "GET",
        (302, 200, 404, 404, 404, 404, 404)),
    ("download", "a unit person's export", lambda w: u("download", w.lead_job.pk), "GET",
        (302, 200, 404, 200, 404, 404, 404)),
]

CASES = [
    pytest.param(url, method, role, expected[i], id=f"{name}[{label}]-{method}-{role}")
    for name, label, url, method, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture(scope="module")
def world(module_db):
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        s = build_scenario()
        s.clerk_job = JobFactory(owner=s.users["clerk"], committee=s.committee)
        s.lead_job = JobFactory(owner=s.users["lead"], committee=s.committee)
        for job in (s.clerk_job, s.lead_job):
            job_run(job_id=job.pk)
            job.refresh_from_db()
            assert job.state == Job.State.DONE and job.result
        yield s


@pytest.mark.parametrize(("url", "method", "role", "expected"), CASES)
def test_it_answers_each_role_as_the_matrix_says(client, world, url, method, role, expected):
    if role != "anon":
        client.force_login(world.users[role])
    before = Job.objects.count()
    path = url(world)
    response = client.get(path) if method == "GET" else client.post(path)
    assert response.status_code == expected
    if role == "anon" and expected == 302:
        assert response["Location"].startswith(reverse("login"))
    if method == "POST":
        assert Job.objects.count() == before + (expected == 302 and role != "anon")


def test_it_covers_every_url_of_the_app():
    resolver = get_resolver()
    included = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "jobs"]
    names = {pattern.name for inc in included for pattern in inc.url_patterns}
    assert names == {row[0] for row in MATRIX}
