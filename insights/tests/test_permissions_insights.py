"""The permission matrix of the statistics, export, import and search pages: every URL ×
role × method, with the expected status (as proposals/tests/test_permissions.py).

  302  anonymous: sent to the login page; allowed: the export started / the import ran
  200  allowed;  403 may see the session or proposal, may not do this;  404 may not know
  it exists (another committee's);  405 GET on a POST-only action

Roles, as in proposals/tests/test_permissions.py: anonymous; clerk of this committee;
clerk of another committee; handler of the lead unit; handler of a co unit; handler of a
unit of the committee with nothing to do with the proposal; signer of the lead unit; a
clerk of the province above the committee, given read access to the committees below
(可查阅下级政协): their figures and a search across them, read only, nothing of their own work.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import get_resolver, reverse

from insights.models import ProposalImport
from proposals.models import Committee, CommitteeRole
from proposals.tests.factories import CommitteeFactory, CommitteeRoleFactory
from proposals.tests.scenario import build_scenario

# The requests run as the application's database role on PostgreSQL (rls/): the wall and
# the Python filters together.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("requests_as_app_role")]

ROLES = ("anon", "clerk", "other_clerk", "lead", "co", "stranger", "signer", "province")


def u(name, *args):
    return reverse(f"insights:{name}", args=args)


NONE = lambda w: {}  # noqa: E731
UNITS_TOO = (302, 302, 404, 302, 302, 302, 302, 404)  # a list export: the rows each sees

# name, label, url, method, data,
#        anon clerk other_clerk lead  co  stranger signer (province)
ONLY_PROVINCE = (302, 403, 403, 403, 403, 403, 403, 200)
MATRIX = [
    ("dashboard", "current session", lambda w: u("dashboard"), "GET", NONE,
        (302, 200, 200, 200, 200, 200, 200,
            302)),
    ("dashboard_session", "session", lambda w: u("dashboard_session", w.session.pk), "GET",
        NONE, (302, 200, 404, 200, 200, 200, 200,
            404)),
    ("dashboard_session", "another unit's figures",
        lambda w: u("dashboard_session", w.session.pk) + f"?unit={w.co_unit.pk}", "GET", NONE,
        (302, 200, 404, 403, 200, 403, 403,
            404)),
    ("dashboard_export", "session", lambda w: u("dashboard_export", w.session.pk), "GET",
        NONE, (302, 200, 404, 200, 200, 200, 200,
            404)),
    # The 提案办理工作报告 speaks for the committee: its clerks only; units never know it.
    ("annual_report", "session", lambda w: u("annual_report", w.session.pk), "GET", NONE,
        (302, 200, 404, 404, 404, 404, 404,
            404)),
    ("annual_report", "guess: other committee's session",
        lambda w: u("annual_report", w.other_proposal.session_id), "GET", NONE,
        (302, 404, 200, 404, 404, 404, 404,
            404)),
    ("export_proposals", "start", lambda w: u("export_proposals", w.session.pk), "POST",
        NONE, UNITS_TOO),
    ("export_assignments", "start", lambda w: u("export_assignments", w.session.pk), "POST",
        NONE, UNITS_TOO),
    ("export_replies", "start", lambda w: u("export_replies", w.session.pk), "POST",
        NONE, UNITS_TOO),
    ("export_replies", "GET", lambda w: u("export_replies", w.session.pk), "GET", NONE,
        (302, 405, 405, 405, 405, 405, 405,
            405)),
    ("import_upload", "form", lambda w: u("import_upload"), "GET", NONE,
        (302, 200, 200, 403, 403, 403, 403,
            200)),
    ("import_template", "session", lambda w: u("import_template", w.session.pk), "GET", NONE,
        (302, 200, 404, 404, 404, 404, 404,
            404)),
    ("import_detail", "checked upload", lambda w: u("import_detail", w.upload.pk), "GET",
        NONE, (302, 200, 404, 404, 404, 404, 404,
            404)),
    # The upload has problems: the clerk is sent back to it with the message.
    ("import_confirm", "confirm", lambda w: u("import_confirm", w.upload.pk), "POST", NONE,
        (302, 302, 404, 404, 404, 404, 404,
            404)),
    ("search", "query", lambda w: u("search") + "?q=知识产权", "GET", NONE,
        (302, 200, 200, 200, 200, 200, 200,
            200)),
    ("similar", "assigned proposal", lambda w: u("similar", w.proposal.pk), "GET", NONE,
        (302, 200, 404, 403, 403, 404, 403,
            404)),
    ("similar", "guess: other committee's", lambda w: u("similar", w.other_proposal.pk),
        "GET", NONE, (302, 404, 200, 404, 404, 404, 404,
            404)),
    ("province", "page", lambda w: u("province"), "GET", NONE, ONLY_PROVINCE),
    ("province_committee", "the committee below",
        lambda w: u("province_committee", w.session.committee_id), "GET", NONE, ONLY_PROVINCE),
    ("province_committee", "another province's city",
        lambda w: u("province_committee", w.other_proposal.session.committee_id), "GET", NONE,
        (302, 403, 403, 403, 403, 403, 403, 404)),
    ("province_committee", "the province itself",
        lambda w: u("province_committee", w.province.pk), "GET", NONE,
        (302, 403, 403, 403, 403, 403, 403, 404)),
    ("province_search", "query", lambda w: u("province_search") + "?q=知识产权", "GET", NONE,
        ONLY_PROVINCE),
]

CASES = [
    pytest.param(url, method, data, role, expected[i], id=f"{name}[{label}]-{method}-{role}")
    for name, label, url, method, data, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture
def world():
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        s = build_scenario()
        s.province = CommitteeFactory(name="江苏省政协")
        Committee.objects.filter(pk=s.session.committee_id).update(parent=s.province)
        s.users["province"] = CommitteeRoleFactory(
            committee=s.province, role=CommitteeRole.Role.CLERK, reads_descendants=True
        ).user
        s.upload = ProposalImport.objects.create(
            session=s.session, owner=s.users["clerk"], filename="提案.xlsx", content=b"",
            row_count=1, problems=[{"row": 2, "message": "缺少案由"}],
        )
        yield s


@pytest.mark.parametrize(("url", "method", "data", "role", "expected"), CASES)
def test_it_answers_each_role_as_the_matrix_says(client, world, url, method, data, role,
                                                 expected):
    if role != "anon":
        client.force_login(world.users[role])
    path = url(world)
    response = client.get(path) if method == "GET" else client.post(path, data(world))
    assert response.status_code == expected, response.content.decode()[:1500]
    if role == "anon" and expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_it_covers_every_url_of_the_app():
    resolver = get_resolver()
    included = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "insights"]
    names = {pattern.name for inc in included for pattern in inc.url_patterns}
    assert names == {row[0] for row in MATRIX}
