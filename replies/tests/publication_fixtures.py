"""A reply sent to its proposer with personal data in its text, ready to be published."""

from __future__ import annotations

import datetime as dt

import time_machine

from proposals.models import CommitteeRole
from proposals.services import holidays_seed_missing_years
from proposals.tests.factories import CommitteeRoleFactory, UserFactory
from replies import services
from replies.models import Publication, Reply

from .reply_fixtures import Case, make_case, ready_reply

# What must never reach the public site.
MOBILE = "13951234567"
ID_NUMBER = "32070119800101123X"
PROPOSER_PHONE = "0518-85809999"
PROPOSER_EMAIL = "wangbo@example.com"
CONTACT_NAME = "朱昌伟"  # reply_fixtures.CONTACT
CONTACT_PHONE = "18905131999"
SECRETS = (MOBILE, ID_NUMBER, "85809999", PROPOSER_EMAIL, CONTACT_NAME, CONTACT_PHONE)
# Working days: 15 April 2025 + 20 runs over 劳动节 (1–5 May, 27 April worked).
SENT_ON = dt.date(2025, 4, 15)
DUE_ON = dt.date(2025, 5, 15)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.UTC), tick=False
    )


def clerk_of(case: Case):
    user = UserFactory(first_name="周敏")
    CommitteeRoleFactory(
        user=user, committee=case.proposal.session.committee, role=CommitteeRole.Role.CLERK
    )
    return user


def sent_public_reply(case: Case | None = None, *, sent_on: dt.date = SENT_ON,
                      disclosure: str = Reply.Disclosure.PUBLIC) -> Reply:
    """Signed and sent on `sent_on`; its text carries a mobile number, an ID number, the
    proposer's phone and e-mail and the reply's contact person. The holiday calendar is
    loaded first: the due date counts working days, and a test that runs after a
    transactional one (the browser tests) meets a flushed calendar."""
    holidays_seed_missing_years()
    case = case or make_case()
    proposer = case.proposal.lead_proposer
    proposer.phone, proposer.email = PROPOSER_PHONE, PROPOSER_EMAIL
    proposer.save()
    case.own_section.paragraphs = [
        f"经与提案人（电话 0518 8580 9999，邮箱 {PROPOSER_EMAIL}）沟通，已落实。",
        f"市民王某（身份证号{ID_NUMBER}，手机{MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}）"
        "已获补贴1200万元。",
        f"下一步由{CONTACT_NAME}同志负责跟踪，依据连科函〔2025〕12号文件办理。",
    ]
    case.own_section.save()
    reply = ready_reply(case)
    if disclosure != Reply.Disclosure.PUBLIC:
        Reply.objects.filter(pk=reply.pk).update(disclosure=disclosure)
        reply.refresh_from_db()
    with at(sent_on - dt.timedelta(days=1)):
        reply = services.reply_sign_off(reply=reply, actor=case.signer,
                                        signed_on=sent_on - dt.timedelta(days=1))
    with at(sent_on):
        reply = services.reply_mark_sent(reply=reply, actor=case.handler)
    reply.case = case
    return reply


def publication_of(reply: Reply) -> Publication:
    return Publication.objects.get(reply=reply)
