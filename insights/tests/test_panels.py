"""The similar-proposals panel on the clerk's proposal page (to support 并案)."""

import pytest
from django.urls import reverse

from proposals.models import CommitteeRole, Proposal
from proposals.similarity import session_index
from proposals.tests.factories import (
    CommitteeFactory,
    CommitteeRoleFactory,
    ProposalFactory,
    SessionFactory,
    UserFactory,
)

from .test_similarity import LABELLED

pytestmark = pytest.mark.django_db

MERGE_HINT = "将本提案并入"


@pytest.fixture
def page(db, client):
    committee = CommitteeFactory()
    session = SessionFactory(committee=committee)
    clerk = CommitteeRoleFactory(
        committee=committee, role=CommitteeRole.Role.CLERK, user=UserFactory()
    ).user
    client.force_login(clerk)

    def make(index, number, status=Proposal.Status.REGISTERED, in_session=None):
        _label, title, content = LABELLED[index]
        return ProposalFactory(
            session=in_session or session, number=number, title=title, content=content,
            status=status,
        )

    def get(proposal, *, warm=True):
        if warm:  # the index in memory, as on a running server: the panel is in the page
            session_index(proposal.session)
        response = client.get(reverse("proposals:proposal_detail", args=[proposal.pk]))
        assert response.status_code == 200
        return response.content.decode()

    return {"session": session, "make": make, "get": get, "client": client}


def test_it_lists_a_near_duplicate_with_its_score_and_not_an_unrelated_proposal(page):
    current = page["make"](0, 1)
    twin = page["make"](1, 2)
    unrelated = page["make"](10, 3)
    # The same wording in another committee's session is never offered.
    elsewhere = page["make"](2, 4, in_session=SessionFactory())
    html = page["get"](current)
    assert 'id="similar-proposals"' in html
    box = html[html.index('id="similar-proposals"'):]
    box = box[: box.index("</section>")]
    assert twin.title in box
    assert reverse("proposals:proposal_detail", args=[twin.pk]) in box
    assert "%" in box
    assert unrelated.title not in box
    assert elsewhere.title not in box
    assert MERGE_HINT in box  # registered: the merge form can still take the number


def test_it_gives_no_merge_hint_once_the_proposal_cannot_be_merged(page):
    current = page["make"](0, 1, status=Proposal.Status.ASSIGNED)
    twin = page["make"](1, 2)
    html = page["get"](current)
    assert twin.title in html
    assert MERGE_HINT not in html


def test_it_works_when_nothing_is_similar(page):
    lonely = page["make"](10, 1)
    page["make"](12, 2)
    html = page["get"](lonely)
    assert "本届次没有内容相近的提案" in html
    # Once it cannot be merged, an empty panel is left out altogether.
    Proposal.objects.filter(pk=lonely.pk).update(status=Proposal.Status.ASSIGNED)
    assert 'id="similar-proposals"' not in page["get"](lonely)


def test_a_cold_index_leaves_the_page_fast_and_the_box_loads_after(page):
    current = page["make"](0, 1)
    twin = page["make"](1, 2)
    url = reverse("insights:similar", args=[current.pk])
    html = page["get"](current, warm=False)
    box = html[html.index('id="similar-proposals"'):]
    box = box[: box.index("</section>")]
    assert f'data-load="{url}"' in box
    assert twin.title not in box  # nothing was scored while the page was served
    assert session_index(current.session, build=False) is None

    box = page["client"].get(url).content.decode()
    assert box.lstrip().startswith('<section class="card insights-similar" id="similar-proposals"')
    assert twin.title in box and MERGE_HINT in box
    # The box built the index: the next view has the panel in the page itself.
    html = page["get"](current, warm=False)
    box = html[html.index('id="similar-proposals"'):]
    assert "data-load=" not in html and twin.title in box[: box.index("</section>")]


def test_the_loaded_box_is_empty_when_nothing_can_be_shown(page):
    lonely = page["make"](10, 1, status=Proposal.Status.ASSIGNED)
    page["make"](12, 2)
    response = page["client"].get(reverse("insights:similar", args=[lonely.pk]))
    assert response.status_code == 200 and response.content == b""
