"""Drafting a reply: create from the proposal and the accepted sections, edit with
optimistic locking, send for review, return to the drafter, correct a signed reply."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from proposals.models import Assignment, Notice, Section
from proposals.notices import notice_create

from .. import selectors
from ..models import FROZEN_STATES, Reply, ReplyParagraph, UnitLetterSettings, default_cc
from ._common import ConflictError, DraftingCheckError, move, save_as
from .checks import answer_classes, errors_of, reply_check
from .countersign import countersigns_request, countersigns_withdraw

Part = ReplyParagraph.Part
Kind = ReplyParagraph.Kind
MAX_PARAGRAPH_CHARS = 20_000
MAX_PARAGRAPHS = 500
DEFAULT_CLOSING = "感谢您对我们工作的关心和支持。"
_UNSET: Any = object()


@dataclass(frozen=True)
class ParagraphInput:
    """One row of a reply as an editor sends it. ``source_unit_id`` defaults to the reply's
    unit; a row taken from a section carries ``source_section_id`` (and that section's unit);
    a row copied from an earlier signed reply carries ``source_paragraph_id`` (its 引用段落)."""

    text: str
    part: str = Part.BODY
    kind: str = Kind.PARAGRAPH
    level: int | None = None
    source_unit_id: int | None = None
    source_section_id: int | None = None
    source_paragraph_id: int | None = None


def _title(assignment: Assignment) -> str:
    proposal = assignment.proposal
    committee = proposal.session.committee
    who = committee.short_name or committee.name
    return f"对{who}{proposal.session.name}第{proposal.number}号提案的答复"


def _intro(assignment: Assignment) -> str:
    title = assignment.proposal.title.strip().strip("《》")
    return f"您提出的《{title}》收悉，现答复如下："


def sections_for(assignment: Assignment) -> list[Section]:
    """The unit's own sections (except returned ones) first, then the co-handling units'
    accepted sections, each unit's in its own order. Other split units' sections answer
    their own part and stay out."""
    own = Q(assignment=assignment) & ~Q(state=Section.State.RETURNED)
    co = Q(
        assignment__proposal=assignment.proposal,
        assignment__role=Assignment.Role.CO,
        state=Section.State.ACCEPTED,
    ) & ~Q(assignment__state=Assignment.State.WITHDRAWN)
    sections = Section.objects.filter(own | co).select_related("assignment__unit")
    return sorted(
        sections,
        key=lambda s: (s.assignment_id != assignment.pk, s.assignment_id, s.order, s.pk),
    )


def _rows_from_sections(assignment: Assignment) -> list[ParagraphInput]:
    rows = [
        ParagraphInput(_intro(assignment), part=Part.INTRO, source_unit_id=assignment.unit_id)
    ]
    for section in sections_for(assignment):
        unit = section.assignment.unit
        heading = section_heading(section)
        rows.append(
            ParagraphInput(
                heading,
                kind=Kind.HEADING,
                level=1,
                source_unit_id=unit.pk,
                source_section_id=section.pk,
            )
        )
        rows.extend(
            ParagraphInput(text, source_unit_id=unit.pk, source_section_id=section.pk)
            for text in section.paragraphs
            if str(text).strip()
        )
    rows.append(
        ParagraphInput(DEFAULT_CLOSING, part=Part.CLOSING, source_unit_id=assignment.unit_id)
    )
    return rows


def _as_input(item: ParagraphInput | dict) -> ParagraphInput:
    if isinstance(item, ParagraphInput):
        return item
    if not isinstance(item, dict):
        raise ValidationError({"paragraphs": _("段落格式不正确。")})
    known = ParagraphInput.__dataclass_fields__
    unknown = set(item) - set(known)
    if unknown:
        message = _("未知的段落字段：%(f)s") % {"f": "、".join(sorted(unknown))}
        raise ValidationError({"paragraphs": message})
    return ParagraphInput(**item)


def _validated_rows(reply: Reply, items: list[ParagraphInput | dict]) -> list[ReplyParagraph]:
    """Check every row; raise one ValidationError listing every problem (第N项 …)."""
    items = [_as_input(i) for i in items]
    problems: list[str] = []
    if len(items) > MAX_PARAGRAPHS:
        problems.append(
            _("段落过多：%(n)d项，上限%(max)d项。") % {"n": len(items), "max": MAX_PARAGRAPHS}
        )
    allowed_units = set(
        Assignment.objects.filter(proposal_id=reply.proposal_id)
        .exclude(state=Assignment.State.WITHDRAWN)
        .values_list("unit_id", flat=True)
    ) | {reply.unit_id}
    section_ids = {i.source_section_id for i in items if i.source_section_id}
    sections = {
        s.pk: s
        for s in Section.objects.filter(pk__in=section_ids).select_related("assignment__unit")
    }
    quotable = selectors.quotable_paragraphs(
        reply=reply, ids=[i.source_paragraph_id for i in items if i.source_paragraph_id]
    )
    rows: list[ReplyParagraph] = []
    max_level = 0
    seen_body = False
    for n, item in enumerate(items, start=1):
        where = _("第%(n)d项") % {"n": n}
        text = (item.text or "").strip() if isinstance(item.text, str) else None
        if not text:
            problems.append(_("%(w)s：内容不能为空。") % {"w": where})
            continue
        if len(text) > MAX_PARAGRAPH_CHARS:
            problems.append(_("%(w)s：超过%(max)d字。") % {"w": where, "max": MAX_PARAGRAPH_CHARS})
        if item.part not in Part.values:
            problems.append(_("%(w)s：位置“%(p)s”无效。") % {"w": where, "p": item.part})
            continue
        if item.kind not in Kind.values:
            problems.append(_("%(w)s：类型“%(k)s”无效。") % {"w": where, "k": item.kind})
            continue
        level = None
        if item.kind == Kind.HEADING:
            if item.part != Part.BODY:
                problems.append(_("%(w)s：标题只能放在正文中。") % {"w": where})
                continue
            level = item.level
            if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 4:
                problems.append(_("%(w)s：标题层级应为1至4。") % {"w": where})
                continue
            if level > max_level + 1:
                problems.append(
                    _("%(w)s：标题层级跳级（上一级标题之后不能直接出现第%(l)d级标题）。")
                    % {"w": where, "l": level}
                )
            max_level = level
        elif item.part == Part.BODY and not seen_body:
            problems.append(_("%(w)s：正文应以一级标题开始。") % {"w": where})
        if item.part == Part.BODY:
            seen_body = True
        unit_id = item.source_unit_id
        section = None
        if item.source_section_id:
            section = sections.get(item.source_section_id)
            if section is None or section.assignment.proposal_id != reply.proposal_id:
                problems.append(_("%(w)s：来源意见不属于此提案。") % {"w": where})
                continue
            if unit_id is None:
                unit_id = section.assignment.unit_id
            elif unit_id != section.assignment.unit_id:
                problems.append(_("%(w)s：撰写单位与来源意见的单位不一致。") % {"w": where})
                continue
        unit_id = unit_id or reply.unit_id
        if unit_id not in allowed_units:
            problems.append(_("%(w)s：撰写单位不是此提案的承办单位。") % {"w": where})
            continue
        quoted = None
        if item.source_paragraph_id is not None:
            quoted = quotable.get(item.source_paragraph_id)
            if quoted is None:
                problems.append(_("%(w)s：引用的段落无效。") % {"w": where})
                continue
        original = ""
        if unit_id != reply.unit_id:
            words = _words_of(unit_id, section, quoted)
            if words is None:
                problems.append(
                    _("%(w)s：只有该单位已采纳的协办意见（或其签发答复中的原文）才能注明由该单位撰写。")
                    % {"w": where}
                )
                continue
            if text not in words:
                original = _closest(text, words)
        rows.append(
            ReplyParagraph(
                order=n,
                part=item.part,
                kind=item.kind,
                level=level,
                text=text,
                source_unit_id=unit_id,
                source_section=section,
                source_paragraph=quoted,
                original_text=original,
            )
        )
    # Rows must read intro → body → closing.
    rank = {Part.INTRO: 0, Part.BODY: 1, Part.CLOSING: 2}
    ranks = [rank[Part(r.part)] for r in rows]
    if ranks != sorted(ranks):
        problems.append(_("段落顺序应为：开头、正文、结尾。"))
    if problems:
        raise ValidationError({"paragraphs": problems})
    return rows


def section_heading(section: Section) -> str:
    return section.heading.strip() or _("%(unit)s办理情况") % {"unit": section.assignment.unit.name}


def _words_of(unit_id: int, section: Section | None, quoted) -> list[str] | None:
    """The texts another unit wrote that a row naming it as the source may carry: the
    heading and paragraphs of its accepted section, or the paragraph quoted from its signed
    reply. None when the row has no such source: the unit cannot be named."""
    if (
        section is not None
        and section.assignment.unit_id == unit_id
        and section.state == Section.State.ACCEPTED
    ):
        return [section_heading(section)] + [str(t).strip() for t in section.paragraphs]
    if quoted is not None and quoted.source_unit_id == unit_id:
        return [quoted.text.strip()]
    return None


def _closest(text: str, words: list[str]) -> str:
    """The source text an edited row most resembles: what the signer sees as the original."""
    return max(words, key=lambda w: SequenceMatcher(None, text, w, autojunk=False).ratio())


def _replace_paragraphs(reply: Reply, rows: list[ReplyParagraph], actor) -> None:
    for old in reply.paragraphs.all():
        old._history_user = actor
        old.delete()
    for order, row in enumerate(rows, start=1):
        row.reply = reply
        row.order = order
        save_as(row, actor)


def _check_can_start_reply(assignment: Assignment) -> None:
    if not assignment.answers_proposer:
        raise ValidationError(_("协办单位不直接答复提案人，请提交协办意见。"), code="co_unit")
    if assignment.state == Assignment.State.WITHDRAWN:
        raise ValidationError(_("该交办已撤回。"), code="withdrawn")
    if Reply.objects.filter(assignment=assignment, state__in=["draft", "in_review"]).exists():
        raise ValidationError(_("该交办已有一份未签发的答复。"), code="open_reply")


@transaction.atomic
def reply_create_draft(*, assignment: Assignment, actor=None) -> Reply:
    """A draft pre-filled from the proposal: title, 主送, intro, the sections with their
    units, the unit's default contact and 抄送."""
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
        "proposal__session__committee", "proposal__lead_proposer", "unit"
    ).get(pk=assignment.pk)
    _check_can_start_reply(assignment)
    if Reply.objects.in_force().filter(assignment=assignment).exists():
        raise ValidationError(
            _("该交办已有签发的答复；如需更正，请对原答复新建更正答复。"), code="already_signed"
        )
    settings_obj = UnitLetterSettings.objects.filter(unit=assignment.unit).first()
    reply = Reply(
        proposal=assignment.proposal,
        assignment=assignment,
        unit=assignment.unit,
        title=_title(assignment),
        addressee=assignment.proposal.lead_proposer.salutation,
        cc=(settings_obj.cc if settings_obj and settings_obj.cc else default_cc()),
        contact_name=settings_obj.contact_name if settings_obj else "",
        contact_phone=settings_obj.contact_phone if settings_obj else "",
        created_by=actor,
    )
    save_as(reply, actor)
    _replace_paragraphs(reply, _validated_rows(reply, _rows_from_sections(assignment)), actor)
    return reply


def _lock(reply: Reply) -> Reply:
    return Reply.objects.select_for_update().get(pk=reply.pk)


@transaction.atomic
def reply_update(
    *,
    reply: Reply,
    expected_version: int,
    actor=None,
    title: str = _UNSET,
    addressee: str = _UNSET,
    category: str = _UNSET,
    disclosure: str = _UNSET,
    contact_name: str = _UNSET,
    contact_phone: str = _UNSET,
    cc: list[str] = _UNSET,
    signer_name: str = _UNSET,
    paragraphs: list[ParagraphInput | dict] = _UNSET,
) -> Reply:
    """Edit a draft. Only the fields passed change; ``paragraphs`` replaces all rows.
    A stored version other than ``expected_version`` means someone else saved first."""
    reply = _lock(reply)
    if reply.state != Reply.State.DRAFT:
        raise ValidationError(
            _("答复已%(state)s，不能修改；待审核的答复请先退回。")
            % {"state": reply.get_state_display()},
            code="locked",
        )
    if expected_version != reply.version:
        raise ConflictError(
            _("这份答复已被他人修改（当前第%(v)d版）。请复制您的内容，刷新页面后再合并保存。")
            % {"v": reply.version},
            code="conflict",
        )
    fields = {
        "title": title,
        "addressee": addressee,
        "category": category,
        "disclosure": disclosure,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "signer_name": signer_name,
    }
    for name, value in fields.items():
        if value is _UNSET:
            continue
        if not isinstance(value, str):
            raise ValidationError({name: _("应为文本。")})
        setattr(reply, name, value.strip())
    if cc is not _UNSET:
        if not isinstance(cc, list) or not all(isinstance(c, str) for c in cc):
            raise ValidationError({"cc": _("抄送应为单位名称列表。")})
        reply.cc = [c.strip() for c in cc if c.strip()]
    if reply.category and reply.category not in answer_classes(reply):
        raise ValidationError(
            {"category": _("办理类别“%(c)s”不在本届次的类别 %(all)s 之中。")
             % {"c": reply.category, "all": "/".join(answer_classes(reply))}}
        )
    rows = _validated_rows(reply, paragraphs) if paragraphs is not _UNSET else None
    reply.version += 1
    save_as(reply, actor)
    if rows is not None:
        _replace_paragraphs(reply, rows, actor)
    return reply


@transaction.atomic
def reply_submit_for_review(*, reply: Reply, actor=None) -> Reply:
    """草稿 → 待审核, if the drafting checks find no errors (else DraftingCheckError)."""
    reply = _lock(reply)
    move(reply, Reply.State.IN_REVIEW)
    findings = reply_check(reply)
    if errors_of(findings):
        raise DraftingCheckError(findings)
    reply.review_comment = ""
    reply.version += 1
    save_as(reply, actor)
    asked = countersigns_request(reply=reply, actor=actor)
    message = _("《%(title)s》的答复已送审，待签发。") % {"title": reply.proposal.title}
    if asked:
        message += _("须待%(units)s会签后签发。") % {
            "units": "、".join(c.unit.short_name or c.unit.name for c in asked)}
    _notify(reply, Notice.Kind.REPLY_SUBMITTED, message)
    return reply


@transaction.atomic
def reply_return(*, reply: Reply, comment: str, actor=None) -> Reply:
    """待审核 → 草稿, with the reviewer's comment."""
    if not (comment or "").strip():
        raise ValidationError({"review_comment": _("退回时必须填写审核意见。")}, code="required")
    reply = _lock(reply)
    move(reply, Reply.State.DRAFT)
    reply.review_comment = comment.strip()
    reply.version += 1
    save_as(reply, actor)
    countersigns_withdraw(reply=reply, actor=actor)
    message = _("《%(title)s》的答复被退回修改。审核意见：") % {"title": reply.proposal.title}
    _notify(reply, Notice.Kind.REPLY_RETURNED, message + reply.review_comment[:300])
    return reply


def _notify(reply: Reply, kind: str, message: str) -> None:
    """Tell the reply's unit (its bell and e-mail): signers see what awaits them, handlers
    what came back."""
    notice_create(unit=reply.unit, assignment=reply.assignment, kind=kind, message=message)


@transaction.atomic
def reply_correct(*, reply: Reply, actor=None) -> Reply:
    """A new draft that supersedes a signed reply, starting from its content."""
    original = _lock(reply)
    if original.state not in FROZEN_STATES:
        raise ValidationError(_("只有已签发的答复才需要更正；草稿可直接修改。"), code="not_signed")
    if Reply.objects.filter(supersedes=original).exists():
        raise ValidationError(_("该答复已有更正答复。"), code="already_superseded")
    assignment = Assignment.objects.select_for_update().get(pk=original.assignment_id)
    if Reply.objects.filter(assignment=assignment, state__in=["draft", "in_review"]).exists():
        raise ValidationError(_("该交办已有一份未签发的答复。"), code="open_reply")
    correction = Reply(
        proposal_id=original.proposal_id,
        assignment=assignment,
        unit_id=original.unit_id,
        title=original.title,
        addressee=original.addressee,
        category=original.category,
        disclosure=original.disclosure,
        contact_name=original.contact_name,
        contact_phone=original.contact_phone,
        cc=list(original.cc),
        supersedes=original,
        created_by=actor,
    )
    save_as(correction, actor)
    rows = [
        ReplyParagraph(
            part=p.part,
            kind=p.kind,
            level=p.level,
            text=p.text,
            source_unit_id=p.source_unit_id,
            source_section_id=p.source_section_id,
            source_paragraph_id=p.source_paragraph_id,
        )
        for p in original.paragraphs.order_by("order")
    ]
    _replace_paragraphs(correction, rows, actor)
    return correction

