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

from insights.assessment import scheme_for
from insights.models import AssessmentRule, ProposalImport, ScoreAdjustment
from proposals.models import Committee, CommitteeRole
from proposals.tests.factories import CommitteeFactory, CommitteeRoleFactory
from proposals.tests.scenario import build_scenario

# The requests run as the application's database role on PostgreSQL (rls/): the wall and
# the Python filters together.
# The scenario is built once for the module (module_db): its ids and tokens repeat in every
# test, so each test gets an empty cache of its own (a feedback link's rate limit counts).
pytestmark = [pytest.mark.django_db,
              pytest.mark.usefixtures("locmem_cache", "requests_as_app_role")]

ROLES = ("anon", "clerk", "other_clerk", "lead", "co", "stranger", "signer", "province")


def u(name, *args):
    return reverse(f"insights:{name}", args=args)


NONE = lambda w: {}  # noqa: E731
UNITS_TOO = (302, 302, 404, 302, 302, 302, 302, 404)  # a list export: the rows each sees

CLERK_ONLY = (302, 200, 404, 403, 403, 403, 403, 404)
CLERK_ONLY_POST = (302, 302, 404, 403, 403, 403, 403, 404)


def s_(url, w):
    return f"{url}?session={w.session.pk}"


def rules_data(w, **change) -> dict:
    """The rules page's formset as posted, the first row changed by `change`."""
    rules = list(AssessmentRule.objects.filter(scheme__session=w.session))
    data = {"rules-TOTAL_FORMS": len(rules), "rules-INITIAL_FORMS": len(rules),
            "rules-MIN_NUM_FORMS": 0, "rules-MAX_NUM_FORMS": 1000}
    for i, r in enumerate(rules):
        row = {"id": r.pk, "order": r.order, "name": r.name, "indicator": r.indicator,
               "kind": r.kind, "weight": r.weight, "cap": "" if r.cap is None else r.cap,
               "no_base": r.no_base, "enabled": "on", **(change if i == 0 else {})}
        data.update({f"rules-{i}-{k}": v for k, v in row.items()})
    return data


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
    # 承办单位考评: the committee's clerks only; a unit's people nothing (403), another
    # committee's clerk and the province (who manage no session of this one) 404.
    ("assessment", "current session", lambda w: u("assessment"), "GET", NONE,
        (302, 200, 200, 403, 403, 403, 403, 404)),
    ("assessment", "session", lambda w: s_(u("assessment"), w), "GET", NONE, CLERK_ONLY),
    ("assessment", "not a session id", lambda w: u("assessment") + "?session=x", "GET", NONE,
        (302, 404, 404, 403, 403, 403, 403, 404)),
    ("assessment_export", "session", lambda w: s_(u("assessment_export"), w), "GET", NONE,
        CLERK_ONLY),
    ("assessment_rules", "form", lambda w: s_(u("assessment_rules"), w), "GET", NONE,
        CLERK_ONLY),
    ("assessment_rules", "save", lambda w: s_(u("assessment_rules"), w), "POST",
        lambda w: rules_data(w, weight="45"), CLERK_ONLY_POST),
    ("assessment_unit", "unit", lambda w: s_(u("assessment_unit", w.lead_unit.pk), w), "GET",
        NONE, CLERK_ONLY),
    ("assessment_unit", "guess: other committee's unit",
        lambda w: s_(u("assessment_unit", w.other_assignment.unit_id), w), "GET", NONE,
        (302, 404, 404, 403, 403, 403, 403, 404)),
    ("assessment_adjust", "form", lambda w: s_(u("assessment_adjust", w.lead_unit.pk), w),
        "GET", NONE, CLERK_ONLY),
    ("assessment_adjust", "save", lambda w: s_(u("assessment_adjust", w.lead_unit.pk), w),
        "POST", lambda w: {"points": "5", "reason": "矩阵调整。"}, CLERK_ONLY_POST),
    ("assessment_adjust", "remove", lambda w: s_(u("assessment_adjust", w.co_unit.pk), w),
        "POST", lambda w: {"remove": "1", "reason": "矩阵撤销。"}, CLERK_ONLY_POST),
]

CASES = [
    pytest.param(url, method, data, role, expected[i], id=f"{name}[{label}]-{method}-{role}")
    for name, label, url, method, data, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.fixture(scope="module")
def world(module_db):
    with time_machine.travel(dt.datetime(2025, 4, 1, 10, tzinfo=dt.UTC), tick=False):
        s = build_scenario()
        s.province = CommitteeFactory(name="江苏省政协")
        Committee.objects.filter(pk=s.session.committee_id).update(parent=s.province)
        s.users["province"] = CommitteeRoleFactory(
            committee=s.province, role=CommitteeRole.Role.CLERK, reads_descendants=True
        ).user
        scheme_for(s.session)
        ScoreAdjustment.objects.create(
            session=s.session, unit=s.co_unit, points=-1, reason="协办意见迟交。",
            changed_by=s.users["clerk"],
        )
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


def _assessment_state(world) -> list:
    return [
        list(AssessmentRule.objects.filter(scheme__session=world.session)
             .values_list("pk", "name", "weight", "enabled")),
        list(ScoreAdjustment.objects.values_list("unit_id", "points", "reason")),
        ScoreAdjustment.history.count(), AssessmentRule.history.count(),
    ]


@pytest.mark.parametrize("role", ["anon", "other_clerk", "lead", "co", "stranger", "signer",
                                  "province"])
def test_a_refused_assessment_post_changes_nothing(client, world, role):
    before = _assessment_state(world)
    if role != "anon":
        client.force_login(world.users[role])
    posts = [
        (s_(u("assessment_rules"), world), rules_data(world, weight="45")),
        (s_(u("assessment_adjust", world.lead_unit.pk), world),
         {"points": "5", "reason": "越权调整。"}),
        (s_(u("assessment_adjust", world.co_unit.pk), world),
         {"remove": "1", "reason": "越权撤销。"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (302, 403, 404)
    assert _assessment_state(world) == before
