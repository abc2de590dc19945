"""Job kinds come from the runner registry that the apps fill in AppConfig.ready."""

import pytest
from django.core.exceptions import ValidationError

from jobs import registry
from jobs.models import Job
from jobs.services import job_create
from proposals.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_knows_the_kinds_every_app_registered():
    assert {
        Job.SELFTEST, "session_compilation", "proposals_export", "assignments_export",
        "replies_export",
    } <= registry.kinds()
    assert Job(kind="session_compilation").get_kind_display() == "届次汇编导出"


def test_it_refuses_a_job_of_a_kind_no_app_registered():
    with pytest.raises(ValidationError):
        job_create(kind="no_such_export", owner=UserFactory())
    assert not Job.objects.exists()


def test_it_refuses_a_second_runner_for_a_taken_kind():
    with pytest.raises(ValueError):
        registry.register_runner(Job.SELFTEST, lambda job, progress: None, label="x")
    assert registry.runner_for(Job.SELFTEST).label == "自检"
