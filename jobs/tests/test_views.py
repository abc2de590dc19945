import pytest
from django.urls import reverse

from jobs.models import Job
from jobs.services import job_run
from jobs.tests.factories import JobFactory
from proposals.tests.factories import (
    CommitteeRoleFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_job():
    job = JobFactory(params={"n": 4})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_it_shows_the_owner_a_progress_bar_that_polls(client, done_job):
    client.force_login(done_job.owner)
    response = client.get(reverse("jobs:detail", args=[done_job.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<progress" in html and "job-progress.js" in html
    assert reverse("jobs:status", args=[done_job.pk]) in html
    assert reverse("jobs:download", args=[done_job.pk]) in html


def test_it_reports_progress_as_json(client):
    job = JobFactory(state=Job.State.RUNNING, progress=42, message="已整理10/20件提案")
    client.force_login(job.owner)
    data = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert data["state"] == "running" and data["progress"] == 42
    assert data["message"] == "已整理10/20件提案" and data["download_url"] == ""


def test_it_shows_the_error_of_a_failed_job(client):
    job = JobFactory(state=Job.State.FAILED, error="缺少届次")
    client.force_login(job.owner)
    assert client.get(reverse("jobs:status", args=[job.pk])).json()["error"] == "缺少届次"
    assert "缺少届次" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_it_lets_the_owner_download_the_result(client, done_job):
    client.force_login(done_job.owner)
    response = client.get(reverse("jobs:download", args=[done_job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"30\n"


def test_it_hides_the_job_from_another_units_user(client, done_job):
    client.force_login(MembershipFactory().user)
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert client.get(reverse(name, args=[done_job.pk])).status_code == 404


def test_it_shows_the_job_to_staff_of_the_same_committee(client, done_job):
    client.force_login(CommitteeRoleFactory(committee=done_job.committee).user)
    assert client.get(reverse("jobs:detail", args=[done_job.pk])).status_code == 200
    client.force_login(CommitteeRoleFactory().user)  # another committee's clerk
    assert client.get(reverse("jobs:detail", args=[done_job.pk])).status_code == 404


def test_it_asks_anonymous_visitors_to_log_in(client, done_job):
    response = client.get(reverse("jobs:status", args=[done_job.pk]))
    assert response.status_code == 302


def test_it_lists_only_visible_jobs(client, done_job):
    other = JobFactory()
    client.force_login(done_job.owner)
    html = client.get(reverse("jobs:list")).content.decode()
    assert f"#{done_job.pk}<" in html and f"#{other.pk}<" not in html


def test_it_needs_a_logged_in_user_for_anything(client):
    assert UserFactory()  # a user exists but is not logged in
    assert client.get(reverse("jobs:list")).status_code == 302
