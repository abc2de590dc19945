"""The 会签 pages: the co unit's request (its paragraphs marked), confirm, return with a
reason; the lead's reply page with the reason in place; the signer's page saying which unit
holds the 会签; the co unit's home page."""

import re

import pytest
from django.urls import reverse

from proposals.models import Membership
from proposals.tests.factories import MembershipFactory, UserFactory
from replies import services
from replies.models import Countersign, Reply

from .reply_fixtures import CONTACT, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    case = make_case()
    session = case.proposal.session
    session.countersign_required = True
    session.save()
    case.co.unit.short_name = "市科技局"
    case.co.unit.save()
    case.co_handler = UserFactory()
    MembershipFactory(user=case.co_handler, unit=case.co.unit, role=Membership.Role.HANDLER)
    reply = services.reply_create_draft(assignment=case.lead, actor=case.handler)
    reply = services.reply_update(reply=reply, expected_version=reply.version,
                                  actor=case.handler, category="A", **CONTACT)
    case.reply = services.reply_submit_for_review(reply=reply, actor=case.handler)
    case.countersign = case.reply.countersigns.get()
    return case


def _u(name, c):
    return reverse(f"replies:{name}", args=[c.pk])


def _marked(html):
    return re.findall(r'class="[^"]*\bmine\b[^"]*"><mark>([^<]*)</mark>', html)


def test_it_shows_the_draft_with_the_co_units_paragraphs_marked(client, case):
    client.force_login(case.co_handler)
    html = client.get(_u("countersign", case.countersign)).content.decode()
    marked = _marked(html)
    assert any(case.co_section.heading in m for m in marked)
    assert case.co_section.paragraphs[0] in marked
    assert not any(case.own_section.paragraphs[0] in m for m in marked)
    assert case.own_section.paragraphs[0] in html  # the whole letter is shown
    assert "同意，会签" in html and "退回主办单位" in html


def test_it_confirms(client, case):
    client.force_login(case.co_handler)
    response = client.post(_u("countersign_confirm", case.countersign))
    assert response.status_code == 302
    case.countersign.refresh_from_db()
    assert case.countersign.state == Countersign.State.CONFIRMED
    html = client.get(_u("countersign", case.countersign)).content.decode()
    assert "本单位已于" in html and "同意，会签" not in html


def test_a_return_needs_a_reason_and_the_lead_sees_it_in_place(client, case):
    client.force_login(case.co_handler)
    response = client.post(_u("countersign_return", case.countersign), {"reason": ""})
    assert response.status_code == 400
    assert "退回会签时必须填写理由" in response.content.decode()
    case.countersign.refresh_from_db()
    assert case.countersign.state == Countersign.State.PENDING

    response = client.post(_u("countersign_return", case.countersign),
                           {"reason": "请删去“二是推动专利转化”。"})
    assert response.status_code == 302
    case.reply.refresh_from_db()
    assert case.reply.state == Reply.State.DRAFT
    client.force_login(case.handler)
    html = client.get(reverse("replies:detail", args=[case.reply.pk])).content.decode()
    assert "市科技局退回会签" in html and "请删去“二是推动专利转化”。" in html
    html = client.get(reverse("replies:compose", args=[case.reply.pk])).content.decode()
    assert "市科技局退回会签" in html and "请删去“二是推动专利转化”。" in html


def test_the_signers_page_names_the_unit_holding_it(client, case):
    client.force_login(case.signer)
    assert "协办未会签" in client.get(reverse("replies:review_queue")).content.decode()
    url = reverse("replies:detail", args=[case.reply.pk])
    html = client.get(url).content.decode()
    assert 'id="sign-blocked"' in html and "市科技局尚未会签" in html
    button = re.search(r'<button type="submit" data-once[^>]*>签发</button>', html).group(0)
    assert "disabled" in button and 'aria-describedby="sign-blocked"' in button
    response = client.post(reverse("replies:sign", args=[case.reply.pk]), follow=True)
    assert "市科技局尚未会签" in response.content.decode()
    case.reply.refresh_from_db()
    assert case.reply.state == Reply.State.IN_REVIEW

    services.countersign_confirm(countersign=case.countersign, actor=case.co_handler)
    html = client.get(url).content.decode()
    assert 'id="sign-blocked"' not in html and "已会签" in html
    assert "协办未会签" not in client.get(reverse("replies:review_queue")).content.decode()


def test_the_co_units_home_and_list_show_the_request(client, case):
    client.force_login(case.co_handler)
    url = _u("countersign", case.countersign)
    assert url in client.get(reverse("home")).content.decode()
    assert url in client.get(reverse("replies:countersign_list")).content.decode()
    client.force_login(case.handler)  # the lead's people have no 会签 of theirs
    assert url not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["handler", "signer", "stranger"])
def test_nobody_else_learns_of_the_request(client, case, who):
    user = UserFactory() if who == "stranger" else getattr(case, who)
    client.force_login(user)
    for name in ("countersign", "countersign_confirm", "countersign_return"):
        url = _u(name, case.countersign)
        response = client.get(url) if name == "countersign" else client.post(
            url, {"reason": "x"})
        assert response.status_code == 404
    case.countersign.refresh_from_db()
    assert case.countersign.state == Countersign.State.PENDING


def test_the_timeline_tells_each_step_with_its_actor(case):
    from proposals.timeline import proposal_timeline

    services.countersign_return(countersign=case.countersign, reason="请核对数据。",
                                actor=case.co_handler)
    for user in (case.handler, case.co_handler):
        entries = [e for e in proposal_timeline(case.proposal, user) if "会签" in e.what]
        whats = [(e.what, e.subject) for e in entries]
        assert ("会签：已退回", "连云港市科学技术局") in whats
        assert ("送会签", "连云港市科学技术局") in whats
        returned = next(e for e in entries if e.what == "会签：已退回")
        assert "请核对数据。" in returned.detail
        assert returned.who == (case.co_handler.get_full_name() or case.co_handler.username)
    stranger = UserFactory()
    assert not [e for e in proposal_timeline(case.proposal, stranger) if "会签" in e.what]
