import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from insights.search import QueryError, parse_query, search, snippet
from proposals.models import Assignment, CommitteeRole, Membership, Section
from proposals.tests.factories import (
    AssignmentFactory,
    CommitteeFactory,
    CommitteeRoleFactory,
    MembershipFactory,
    ProposalFactory,
    SectionFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)
from proposals.tests.html_refs import dangling_references
from replies.models import Reply, ReplyParagraph

from .helpers import signed_reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    committee = CommitteeFactory()
    session = SessionFactory(committee=committee)
    u1 = UnitFactory(committee=committee, name="市公安局")
    u2 = UnitFactory(committee=committee, name="市住建局")
    p1 = ProposalFactory(
        session=session, number=1, title="关于缓解老城区停车难问题的建议",
        content="老城区停车位不足，停车难已成为群众反映强烈的问题。建议挖掘停车资源。",
        suggestions="建设立体停车库。",
    )
    p2 = ProposalFactory(
        session=session, number=2, title="关于发展智慧交通的建议",
        content="推进智慧交通建设，其中包括智慧停车平台。",
    )
    p3 = ProposalFactory(
        session=session, number=3, title="关于加强食品安全监管的建议",
        content="加强校园周边食品安全检查。",
    )
    other = ProposalFactory(
        session=SessionFactory(committee=CommitteeFactory()), number=1,
        title="关于解决停车难停车乱的建议", content="停车停车停车",
    )
    a1 = AssignmentFactory(proposal=p1, unit=u1, role=Assignment.Role.LEAD)
    a2 = AssignmentFactory(proposal=p2, unit=u2, role=Assignment.Role.LEAD)
    a1_co = AssignmentFactory(proposal=p1, unit=u2, role=Assignment.Role.CO)
    submitted = SectionFactory(
        assignment=a2, heading="关于停车平台建设", paragraphs=["我局将建设智慧停车平台。"],
        state=Section.State.SUBMITTED,
    )
    draft = SectionFactory(
        assignment=a1_co, heading="协办意见", paragraphs=["拟新增公共停车泊位。"],
        state=Section.State.DRAFT,
    )
    reply = signed_reply(
        a1, signed_on=dt.date(2025, 6, 1),
        paragraphs=["您提出的关于停车难的提案收悉。", "今年新增停车泊位3000个。"],
    )
    draft_reply = Reply.objects.create(
        proposal=p2, assignment=a2, unit=u2, title="草稿", addressee="某委员", category="A"
    )
    ReplyParagraph.objects.create(
        reply=draft_reply, order=1, text="拟建设智慧停车平台（草稿）。", source_unit=u2
    )
    clerk = CommitteeRoleFactory(
        committee=committee, role=CommitteeRole.Role.CLERK, user=UserFactory(username="clerk")
    ).user
    u1_user = MembershipFactory(unit=u1, user=UserFactory(username="u1")).user
    u2_user = MembershipFactory(
        unit=u2, user=UserFactory(username="u2"), role=Membership.Role.HANDLER
    ).user
    return locals()


def numbers(hits):
    return [h.proposal.number for h in hits]


def test_it_ranks_title_matches_above_content_matches(data):
    results = search(data["clerk"], "停车")
    assert numbers(results.proposals) == [1, 2]
    assert results.proposals[0].score > results.proposals[1].score
    assert data["p3"].pk not in [h.proposal.pk for h in results.proposals]


def test_it_requires_every_term(data):
    assert numbers(search(data["clerk"], "停车 老城区").proposals) == [1]
    assert numbers(search(data["clerk"], "停车 食品").proposals) == []


def test_it_finds_text_in_suggestions(data):
    assert numbers(search(data["clerk"], "立体停车库").proposals) == [1]


def test_it_never_shows_another_committees_proposals(data):
    results = search(data["clerk"], "停车难")
    assert data["other"].pk not in [h.proposal.pk for h in results.proposals]


def test_it_scopes_a_unit_person_to_their_assignments(data):
    assert numbers(search(data["u1_user"], "停车").proposals) == [1]
    # u2 leads P2 and co-handles P1: both.
    assert sorted(numbers(search(data["u2_user"], "停车").proposals)) == [1, 2]
    assert search(UserFactory(username="nobody"), "停车").total == 0


def test_it_searches_sections_without_leaking_drafts(data):
    clerk_sections = search(data["clerk"], "停车").sections
    assert [h.obj.pk for h in clerk_sections] == [data["submitted"].pk]
    own = search(data["u2_user"], "停车泊位").sections
    assert [h.obj.pk for h in own] == [data["draft"].pk]
    assert search(data["u1_user"], "停车泊位").sections == []


def test_it_searches_signed_replies_and_the_units_own_drafts(data):
    hits = search(data["clerk"], "停车泊位").replies
    assert [h.obj.pk for h in hits] == [data["reply"].pk]
    assert hits[0].unit_name == "市公安局"
    # A reply matches when its paragraphs together hold every term.
    assert [h.obj.pk for h in search(data["clerk"], "收悉 3000个").replies] == [data["reply"].pk]
    assert [h.obj.pk for h in search(data["u2_user"], "草稿").replies] == [
        data["draft_reply"].pk
    ]
    assert search(data["clerk"], "草稿").replies == []
    assert search(data["u1_user"], "草稿").replies == []


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "请输入要检索的词语"), ("停", "每个词至少两个字"), ("a b c d e f", "最多5个")],
)
def test_it_explains_an_unusable_query(query, message):
    with pytest.raises(QueryError, match=message):
        parse_query(query)


def test_it_marks_the_hits_in_the_snippet():
    parts = snippet("前文" * 40 + "停车难问题" + "后文" * 40, ["停车"])
    assert ("停车", True) in parts
    assert parts[0] == ("…", False) and parts[-1] == ("…", False)


def test_the_snippet_is_escaped_with_the_hits_marked():
    from insights.templatetags.insights_tags import marked

    parts = snippet("<b>停车</b> & 停车", ["停车"])
    assert str(marked(parts)) == (
        "&lt;b&gt;<mark>停车</mark>&lt;/b&gt; &amp; <mark>停车</mark>"
    )
    assert str(marked([])) == ""


def test_it_renders_the_search_page(client, data):
    client.force_login(data["clerk"])
    response = client.get(reverse("insights:search"), {"q": "停车"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>停车</mark>" in html
    assert "关于解决停车难停车乱的建议" not in html
    response = client.get(reverse("insights:search"), {"q": "停"})
    assert "每个词至少两个字" in response.content.decode()


def test_its_labels_name_the_fields_they_stand_for(client, data):
    client.force_login(data["clerk"])
    html = client.get(reverse("insights:search"), {"q": "停车"}).content.decode()
    assert '<label for="id_q">' in html
    assert dangling_references(html) == []


def test_it_uses_the_bigram_index_on_postgresql(require_postgres, data):
    from insights.search import PROPOSAL_TEXT

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM proposals_proposal WHERE "
            f"to_tsvector('simple'::regconfig, insights_bigrams({PROPOSAL_TEXT})) "
            "@@ plainto_tsquery('simple'::regconfig, %s)",
            ["停车 车难"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "insights_proposal_bigrams" in plan


def test_the_search_indexes_take_new_rows_at_once_on_postgresql(require_postgres, data):
    """No GIN pending list (migration 0003): a search never reads unsorted new entries."""
    names = ["insights_proposal_bigrams", "insights_proposal_title_bigrams",
             "insights_section_bigrams", "insights_replyparagraph_bigrams"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [names]
        )
        options = dict(cursor.fetchall())
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cursor.execute("SELECT pending_tuples FROM pgstatginindex('insights_proposal_bigrams')")
        pending = cursor.fetchone()[0]
    assert options == {name: ["fastupdate=off"] for name in names}
    assert pending == 0  # the fixture's proposals went straight into the index


def _found(results) -> dict:
    return {
        "proposals": [h.proposal.number for h in results.proposals],
        "sections": [h.obj.pk for h in results.sections],
        "replies": [h.obj.pk for h in results.replies],
    }


def test_a_unit_search_finds_the_same_by_index_or_by_scan(require_postgres, data, monkeypatch):
    """A unit's people search their handed proposals' text directly when they are few
    (SCAN_AT_MOST) and through the index otherwise: the hits must be the same."""
    import insights.search as module

    for user in (data["u1_user"], data["u2_user"]):
        assert module.search_scope(user).use_index is False  # one or two proposals each
        by_scan = {q: _found(search(user, q)) for q in ("停车", "智慧 平台", "泊位")}
        monkeypatch.setattr(module, "SCAN_AT_MOST", 0)
        assert module.search_scope(user).use_index is True
        by_index = {q: _found(search(user, q)) for q in ("停车", "智慧 平台", "泊位")}
        monkeypatch.setattr(module, "SCAN_AT_MOST", 2000)
        assert by_index == by_scan
    assert by_scan["停车"]["proposals"] == [1, 2]  # u2 (the last) sees p1 (co) and p2
    assert module.search_scope(data["clerk"]) == module.Scope(staff=True, use_index=True)


def test_only_postgresql_has_the_index_to_use(data):
    import insights.search as module

    assert module.search_scope(data["clerk"]).use_index is (connection.vendor == "postgresql")
    assert [h.proposal.number for h in search(data["clerk"], "停车").proposals] == [1, 2]


def test_a_unit_finds_a_section_behind_more_than_the_candidate_limit(data, monkeypatch):
    """A unit with few proposals is searched by scanning: the match must be found however
    many of its sections come before it."""
    import insights.search as module

    monkeypatch.setattr(module, "MAX_CANDIDATES", 3)
    for i in range(5):
        SectionFactory(
            assignment=data["a2"], heading=f"其他意见{i}", paragraphs=["无关内容。"],
            state=Section.State.SUBMITTED,
        )
    late = SectionFactory(
        assignment=data["a2"], heading="关于立体车库", paragraphs=["建设立体车库。"],
        state=Section.State.SUBMITTED,
    )
    hits = search(data["u2_user"], "立体车库").sections
    assert [h.obj.pk for h in hits] == [late.pk]
