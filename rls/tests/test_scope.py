"""The committee of a request or a task reaches PostgreSQL as a setting of the
transaction, and only of the transaction."""

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from jobs.models import Job
from proposals.models import Proposal
from proposals.tests.factories import CommitteeRoleFactory, ProposalFactory
from replies.views.feedback import feedback_letter, feedback_page
from rls.middleware import CommitteeScopeMiddleware
from rls.scope import committee_scope, current, each_committee, scoped_by

from .conftest import as_app

pytestmark = pytest.mark.django_db


def _setting() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT app_current_committee(), current_setting('app.read_descendants', true)"
        )
        return cursor.fetchone()


def _proposals_seen() -> int:
    return Proposal.objects.count()


def test_it_reads_through_the_orm_as_the_scope_committee(province, app_role):
    a = province.a.committee
    with as_app(app_role):
        assert _proposals_seen() == 0
        with committee_scope(a.pk):
            assert list(Proposal.objects.values_list("session__committee", flat=True)) == [
                a.pk
            ]
        with committee_scope(province.province.pk, reads_descendants=True):
            assert _proposals_seen() == 2
        assert _proposals_seen() == 0


@pytest.mark.django_db(transaction=True)
def test_it_forgets_the_committee_when_the_transaction_ends(require_postgres):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.committee_id', '7', true)")
        assert _setting()[0] == 7
    assert _setting()[0] is None
    with committee_scope(7, reads_descendants=True):
        assert _setting() == (7, "on")  # autocommit: a transaction of its own, set first
        with transaction.atomic():
            assert _setting() == (7, "on")
    assert _setting()[0] is None  # the same connection, nothing left on it


def _person_request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_it_runs_a_request_as_the_person_s_committee(province):
    clerk = CommitteeRoleFactory(committee=province.province, reads_descendants=True).user
    seen = []

    def view(request):
        seen.append((current(), _setting()))
        return HttpResponse()

    CommitteeScopeMiddleware(view)(_person_request(clerk))
    CommitteeScopeMiddleware(view)(_person_request(province.a.case.handler))
    assert [scope.committee_id for scope, _ in seen] == [
        province.province.pk, province.a.committee.pk
    ]
    assert [setting for _, setting in seen] == [
        (province.province.pk, "on"), (province.a.committee.pk, "off")
    ]
    assert current() is None and _setting()[0] is None


def test_it_runs_a_proposer_s_page_as_the_link_s_committee(province):
    middleware = CommitteeScopeMiddleware(lambda request: HttpResponse())
    seen = []

    def view(request, token):
        seen.append(current().committee_id if current() else None)
        return HttpResponse()

    for page in (feedback_page, feedback_letter):
        request = _person_request(province.a.case.handler)  # logged in elsewhere: the link wins

        def get_response(request, page=page):
            middleware.process_view(request, page, (), {"token": province.b.token.lower()})
            return view(request, province.b.token)

        CommitteeScopeMiddleware(get_response)(request)
    assert seen == [province.b.committee.pk] * 2
    assert current() is None


def test_it_runs_a_task_as_the_committee_of_its_row(province, app_role):
    @scoped_by("jobs_job", "job_id")
    def task(job_id):
        return Job.objects.filter(pk=job_id).count(), current().committee_id

    with as_app(app_role):
        assert task(job_id=province.b.job.pk) == (1, province.b.committee.pk)
        assert task(province.a.job.pk) == (1, province.a.committee.pk)


def test_it_runs_cross_committee_work_committee_by_committee(province, app_role):
    ProposalFactory(session=province.b.case.proposal.session)
    with as_app(app_role):
        counts = each_committee(_proposals_seen)
    expected = {
        province.province.pk: 0, province.a.committee.pk: 1, province.b.committee.pk: 2,
        province.county.pk: 0,
    }
    assert counts == [expected[pk] for pk in sorted(expected)]


def test_it_runs_the_permission_matrices_requests_as_the_app_role(
    client, province, requests_as_app_role, monkeypatch
):
    """The fixture the permission matrices use really switches the role per request."""
    import rls.middleware

    seen = []
    real = rls.middleware.scope_for_person

    def spy(user):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            seen.append(cursor.fetchone()[0])
        return real(user)

    monkeypatch.setattr(rls.middleware, "scope_for_person", spy)
    client.force_login(province.a.case.handler)
    assert client.get("/").status_code == 200
    assert seen == [requests_as_app_role]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != requests_as_app_role
