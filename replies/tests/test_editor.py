"""The compose page's editing operations (replies.services.editor), without the page."""

import pytest

from proposals.models import Section
from proposals.tests.factories import SectionFactory, UnitFactory
from replies import services
from replies.services.editor import editor_apply, insertable_sections

from .reply_fixtures import make_case

pytestmark = pytest.mark.django_db


def _row(kind, text):
    return {"kind": kind, "text": text, "source_unit": None, "source_section": None,
            "source_paragraph": None}


ROWS = [_row("intro", "收悉"), _row("h1", "一"), _row("p", "正文"), _row("closing", "谢谢")]


@pytest.fixture
def reply():
    case = make_case()
    return services.reply_create_draft(assignment=case.lead, actor=case.handler)


def _texts(rows):
    return [(r["kind"], r["text"]) for r in rows]


def test_it_moves_and_deletes_items_within_reach(reply):
    assert _texts(editor_apply("up-2", ROWS, reply))[1:3] == [("p", "正文"), ("h1", "一")]
    assert _texts(editor_apply("down-0", ROWS, reply))[:2] == [("h1", "一"), ("intro", "收悉")]
    assert len(editor_apply("del-1", ROWS, reply)) == 3
    for out_of_reach in ("up-0", "down-3", "del-9"):
        assert editor_apply(out_of_reach, ROWS, reply) == ROWS
    assert len(ROWS) == 4  # the posted rows are left as they were


def test_it_adds_an_item_where_its_kind_belongs(reply):
    added = editor_apply("add-h2", ROWS, reply)
    assert _texts(added)[3] == ("h2", "") and added[3]["source_unit"] == reply.unit_id
    assert _texts(editor_apply("add-intro", ROWS, reply))[1] == ("intro", "")
    assert _texts(editor_apply("add-closing", ROWS, reply))[-1] == ("closing", "")
    assert _texts(editor_apply("add-script", ROWS, reply))[3] == ("p", "")  # tampered kind


def test_it_inserts_a_section_offered_by_the_draft_rule_before_the_closing(reply):
    co_section = Section.objects.get(heading="科技创新支撑情况")
    inserted = editor_apply(f"insert-{co_section.pk}", ROWS, reply)
    assert _texts(inserted)[3:5] == [("h1", "科技创新支撑情况"),
                                     ("p", "一是培育科技型中小企业。二是推动专利转化。")]
    assert inserted[3]["source_section"] == co_section.pk
    assert inserted[-1]["kind"] == "closing"


def test_it_offers_the_sections_the_first_draft_was_built_from(reply):
    offered = insertable_sections(reply)
    assert [s.heading for s in offered] == ["知识产权强市建设工作情况", "科技创新支撑情况"]
    returned = Section.objects.get(heading="退回的意见")
    assert editor_apply(f"insert-{returned.pk}", ROWS, reply) == ROWS
    elsewhere = SectionFactory(
        assignment__unit=UnitFactory(), state=Section.State.ACCEPTED, heading="别的提案"
    )
    assert editor_apply(f"insert-{elsewhere.pk}", ROWS, reply) == ROWS


def test_it_copies_only_a_paragraph_the_page_offers(reply):
    assert editor_apply("reuse-999999", ROWS, reply) == ROWS


def test_it_leaves_other_posts_to_the_page(reply):
    assert editor_apply("save", ROWS, reply) is None
    assert editor_apply("up-x", ROWS, reply) == ROWS  # a tampered index (was a 500)
