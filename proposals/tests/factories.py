import datetime as dt

import factory
from django.contrib.auth import get_user_model

from proposals.models import (
    Assignment,
    Committee,
    CommitteeRole,
    Membership,
    Proposal,
    Proposer,
    Section,
    Session,
    Unit,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-12345")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"测试市政协{n}")
    short_name = "市政协"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    committee = factory.SubFactory(CommitteeFactory)
    name = "十四届四次会议"
    term = 14
    sitting = 4
    year = 2025
    opened_on = dt.date(2025, 1, 10)
    is_current = True
    # The product's default is on; the tests of other features sign without the 会签 step,
    # and replies/tests/test_countersign*.py (and the permission matrix) turn it on.
    countersign_required = False


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"测试市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    doc_prefix = factory.Sequence(lambda n: f"测{n}复")


class ProposerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposer

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"委员{n}")
    sector = "经济界"
    phone = "13800000000"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    session = factory.SubFactory(SessionFactory)
    number = factory.Sequence(lambda n: 1000 + n)
    title = factory.Sequence(lambda n: f"关于改进第{n}项工作的提案")
    content = "提案内容。"
    lead_proposer = factory.SubFactory(
        ProposerFactory, committee=factory.SelfAttribute("..session.committee")
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    proposal = factory.SubFactory(ProposalFactory, status=Proposal.Status.ASSIGNED)
    unit = factory.SubFactory(
        UnitFactory, committee=factory.SelfAttribute("..proposal.session.committee")
    )
    role = Assignment.Role.LEAD
    assigned_on = dt.date(2025, 3, 20)
    due_on = dt.date(2025, 6, 20)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    assignment = factory.SubFactory(AssignmentFactory, role=Assignment.Role.CO)
    heading = "协办意见"
    paragraphs = factory.LazyFunction(lambda: ["一是加强协同。二是完善机制。"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.HANDLER


class CommitteeRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeRole

    user = factory.SubFactory(UserFactory)
    committee = factory.SubFactory(CommitteeFactory)
    role = CommitteeRole.Role.CLERK
