"""The list exports run as background jobs: started by POST from the statistics page, read
back with openpyxl from the job's download, they hold what the database holds, scoped to
the person who started them."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from insights import list_exports
from jobs.models import Job
from proposals import access
from proposals.models import Assignment, Proposal
from proposals.tests.factories import ProposerFactory
from replies import access as reply_access
from replies.models import Reply

from .helpers import read_xlsx

pytestmark = pytest.mark.django_db

EXPORTS = {
    # url name: (sheet title, file name ending, job kind)
    "export_proposals": ("提案", "提案清单.xlsx", list_exports.PROPOSALS_EXPORT),
    "export_assignments": ("交办", "交办清单.xlsx", list_exports.ASSIGNMENTS_EXPORT),
    "export_replies": ("答复登记", "答复登记.xlsx", list_exports.REPLIES_EXPORT),
}


def _url(name, world):
    return reverse(f"insights:{name}", args=[world["session"].pk])


def _export_bytes(client, user, name, world, capture) -> bytes:
    """Start the export as `user`, run its job (eager, after commit, as in development),
    follow the redirect to the job page and download the file."""
    client.force_login(user)
    with capture(execute=True):
        response = client.post(_url(name, world))
    job = Job.objects.filter(owner=user).latest("pk")
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.kind, job.state, job.progress) == (EXPORTS[name][2], Job.State.DONE, 100), \
        job.error
    assert (job.committee, job.params) == (world["committee"], {"session_id": world[
        "session"].pk})
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    # (the storage adds a suffix when a file of that name is left from an earlier test run)
    stored = job.result.name.rsplit("/", 1)[-1]
    assert stored.startswith(f"{world['session'].name}{EXPORTS[name][1].removesuffix('.xlsx')}")
    return b"".join(download.streaming_content)


def _rows(client, user, name, world, capture) -> list[tuple]:
    sheets = read_xlsx(_export_bytes(client, user, name, world, capture))
    return sheets[EXPORTS[name][0]]


@pytest.fixture
def export(client, django_capture_on_commit_callbacks):
    def run(user, name, world):
        return _rows(client, user, name, world, django_capture_on_commit_callbacks)

    return run


def test_it_exports_the_proposal_list_in_the_import_layout(export, world):
    p1 = world["proposals"][0]
    p1.co_signers.set([ProposerFactory(committee=world["committee"], name="李明")])
    sheet = export(world["clerk"], "export_proposals", world)
    header, rows = sheet[0], sheet[1:]
    assert header[:8] == ("提案号", "案由", "领衔人", "附议人", "界别", "党派", "提案内容",
                          "建议承办单位")
    expected = [
        (p.number, p.title, p.lead_proposer.name, p.get_status_display())
        for p in Proposal.objects.filter(session=world["session"]).order_by("number")
    ]
    assert [(r[0], r[1], r[2], r[10]) for r in rows] == expected
    assert rows[0][3] == "李明"


def test_it_reimports_an_exported_list_without_problems(
    client, world, django_capture_on_commit_callbacks
):
    from insights.importing import import_check
    from proposals.tests.factories import SessionFactory

    data = _export_bytes(
        client, world["clerk"], "export_proposals", world, django_capture_on_commit_callbacks
    )
    fresh = SessionFactory(committee=world["committee"], name="新会议", term=15, sitting=1)
    check = import_check(session=fresh, data=data)
    assert check.ok, check.problems
    assert [r.number for r in check.rows] == list(range(1, 8))


@time_machine.travel("2025-07-01 10:00 +0800", tick=False)
def test_it_exports_assignments_with_due_dates_and_states(export, world):
    sheet = export(world["clerk"], "export_assignments", world)
    rows = sheet[1:]
    expected = Assignment.objects.filter(proposal__session=world["session"])
    assert len(rows) == expected.count() == 9
    by_key = {(r[0], r[2], r[3]): r for r in rows}
    p4 = by_key[(4, "市市场监督管理局", "主办")]
    assert p4[5] == dt.datetime(2025, 6, 20)  # openpyxl reads dates back as datetimes
    assert p4[6] == "办理中" and p4[8] == "是"
    assert by_key[(6, "市交通运输局", "主办")][6] == "已撤回"


def test_it_exports_each_proposals_lead_unit_before_its_co_units(export, world):
    sheet = export(world["clerk"], "export_assignments", world)
    roles = {}
    for number, _title, _unit, role, *_rest in sheet[1:]:
        roles.setdefault(number, []).append(role)
    with_co = [r for r in roles.values() if "协办" in r]
    assert with_co
    for listed in with_co:
        assert listed.index("协办") > max(
            (i for i, role in enumerate(listed) if role != "协办"), default=-1
        ), listed


def test_it_exports_the_register_of_signed_replies_with_feedback(export, world):
    sheet = export(world["clerk"], "export_replies", world)
    rows = sheet[1:]
    signed = Reply.objects.filter(
        proposal__session=world["session"], state__in=["signed", "sent"]
    ).select_related("unit")
    assert sorted(r[3] for r in rows) == sorted(r.doc_number for r in signed)
    by_number = {r[0]: r for r in rows}
    assert by_number[1][4] == dt.datetime(2025, 6, 10)
    assert (by_number[1][5], by_number[1][10]) == ("A", "满意")
    assert (by_number[2][5], by_number[2][10]) == ("B", "不满意")
    assert by_number[5][10] in (None, "")  # signed, no feedback yet
    assert 4 not in by_number  # a draft is not in the register


def test_it_exports_only_what_a_unit_person_may_see(export, world):
    u3 = world["units"][2]
    proposals = export(world["u3_handler"], "export_proposals", world)[1:]
    assert sorted(r[0] for r in proposals) == [5]  # P6's assignment to U3 was withdrawn
    assignments = export(world["u3_handler"], "export_assignments", world)[1:]
    assert {r[2] for r in assignments} == {u3.name}
    replies = export(world["u3_handler"], "export_replies", world)[1:]
    assert [r[0] for r in replies] == [5]  # the other split unit's signed reply to P5


# What each file may hold, asked of the access policy (its rules are pinned in
# proposals/tests/test_access.py and replies/tests/test_access.py): proposal numbers.
POLICY = {
    "export_proposals": lambda user, session: access.proposals_visible_to(user).filter(
        session=session).values_list("number", flat=True),
    "export_assignments": lambda user, session: access.assignments_visible_to(user).filter(
        proposal__session=session).values_list("proposal__number", flat=True),
    "export_replies": lambda user, session: reply_access.replies_readable_by(user).filter(
        proposal__session=session).values_list("proposal__number", flat=True),
}


@pytest.mark.parametrize("name", list(EXPORTS))
@pytest.mark.parametrize("who", ["clerk", "u1_handler", "u3_handler"])
def test_it_exports_exactly_the_rows_the_person_may_see(export, world, who, name):
    rows = export(world[who], name, world)[1:]
    expected = set(POLICY[name](world[who], world["session"]))
    assert expected  # each person sees something of each list in this world
    assert {r[0] for r in rows} == expected


def test_it_gives_a_co_handling_unit_the_signed_reply_it_is_copied_on(export, world):
    """U1 co-handled P3: U2's signed reply to it is in U1's 答复登记."""
    replies = export(world["u1_handler"], "export_replies", world)[1:]
    assert 3 in {r[0] for r in replies}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_it_hides_the_session_from_another_committees_clerk(client, world, name):
    client.force_login(world["other_clerk"])
    assert client.post(_url(name, world)).status_code == 404
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", list(EXPORTS))
def test_it_sends_anonymous_visitors_to_log_in(client, world, name):
    response = client.post(_url(name, world))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", list(EXPORTS))
def test_it_answers_get_with_405(client, world, name):
    client.force_login(world["clerk"])
    assert client.get(_url(name, world)).status_code == 405
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", list(EXPORTS))
def test_it_refuses_a_post_without_the_csrf_token(world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["clerk"])
    assert client.post(_url(name, world)).status_code == 403
    assert not Job.objects.exists()


def test_it_lands_on_the_job_page_with_the_link_and_a_message(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["clerk"])
    with django_capture_on_commit_callbacks(execute=True):  # the commit ends the request
        response = client.post(_url("export_proposals", world))
    job = Job.objects.get()
    response = client.get(response.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>提案清单导出</h1>" in html
    assert "已开始导出提案清单，完成后可在此下载。" in html
    assert "已完成" in html and 'value="100"' in html
    assert reverse("jobs:download", args=[job.pk]) in html
    assert f"下载 {world['session'].name}" in html  # the button names the file
    assert reverse("insights:dashboard_session", args=[world["session"].pk]) in html


@pytest.mark.django_db(transaction=True)
def test_it_has_the_file_ready_when_the_redirect_lands_without_a_broker(client, world):
    """Development: no broker, the task runs in process as the job is committed."""
    client.force_login(world["u1_handler"])
    response = client.post(_url("export_assignments", world), follow=True)
    job = Job.objects.get()
    assert (job.state, job.progress) == (Job.State.DONE, 100), job.error
    html = response.content.decode()
    assert "<h1>交办清单导出</h1>" in html and "交办清单已导出，可在此下载。" in html
    assert "已开始导出" not in html
    assert f'href="{reverse("jobs:download", args=[job.pk])}"' in html
    rows = read_xlsx(b"".join(client.get(reverse("jobs:download", args=[job.pk]))
                              .streaming_content))["交办"][1:]
    assert {r[0] for r in rows} == set(
        POLICY["export_assignments"](world["u1_handler"], world["session"])
    )


def test_it_keeps_the_download_to_the_owner_and_the_committee_staff(export, client, world):
    export(world["u3_handler"], "export_proposals", world)
    job = Job.objects.get()
    for name in ("u1_handler", "other_clerk"):  # another unit, another committee
        client.force_login(world[name])
        for view in ("jobs:detail", "jobs:status", "jobs:download"):
            assert client.get(reverse(view, args=[job.pk])).status_code == 404, (name, view)
    # The committee's clerk sees every job of the committee (and every row of the file).
    client.force_login(world["clerk"])
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 302


def test_it_shows_the_three_exports_as_post_forms_on_the_dashboard(client, world):
    client.force_login(world["clerk"])
    html = client.get(reverse("insights:dashboard_session", args=[world["session"].pk]))
    html = html.content.decode()
    for name in EXPORTS:
        assert f'<form method="post" action="{_url(name, world)}"' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 3
    # The small statistics table is still a plain download.
    assert f'href="{reverse("insights:dashboard_export", args=[world["session"].pk])}"' in html
