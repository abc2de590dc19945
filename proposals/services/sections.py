"""协办意见: a unit writes its section; the lead unit accepts it or sends it back."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Assignment, Section
from ..transitions import move
from ._common import save_as
from .assignments import assignment_complete, assignment_reopen, assignment_start

State = Section.State
MAX_PARAGRAPH_CHARS = 20_000


class ConflictError(ValidationError):
    """Someone else saved the record since this person opened it."""


def _clean_paragraphs(paragraphs: list[str]) -> list[str]:
    cleaned = [p.strip() for p in paragraphs if p and p.strip()]
    for index, text in enumerate(cleaned, start=1):
        if len(text) > MAX_PARAGRAPH_CHARS:
            raise ValidationError(
                {
                    "paragraphs": _("第%(n)d段超过%(max)d字。")
                    % {"n": index, "max": MAX_PARAGRAPH_CHARS}
                }
            )
    return cleaned


@transaction.atomic
def section_save(
    *,
    assignment: Assignment,
    heading: str,
    paragraphs: list[str],
    section: Section | None = None,
    order: int | None = None,
    expected_version: int | None = None,
    actor=None,
) -> Section:
    """Create or edit a section while it is a draft or returned. `expected_version` is the
    version the editor loaded; a different stored version means a concurrent edit."""
    paragraphs = _clean_paragraphs(paragraphs)
    if not heading.strip() and not paragraphs:
        raise ValidationError(_("标题和正文不能都为空。"), code="empty")
    if section is None:
        if not assignment.is_open:
            raise ValidationError(_("该交办已完成或已撤回。"), code="closed")
        section = Section(
            assignment=assignment,
            order=order if order is not None else assignment.sections.count() + 1,
        )
        assignment_start(assignment=assignment, actor=actor)
    else:
        section = Section.objects.select_for_update().get(pk=section.pk)
        if section.assignment_id != assignment.pk:
            raise ValidationError(_("该意见不属于此交办。"), code="wrong_assignment")
        if section.state not in (State.DRAFT, State.RETURNED):
            raise ValidationError(
                _("意见已%(state)s，不能再修改。") % {"state": section.get_state_display()},
                code="locked",
            )
        if expected_version is not None and expected_version != section.version:
            raise ConflictError(
                _("这份意见已被他人修改（当前第%(v)d版）。请复制您的内容，刷新页面后再合并保存。")
                % {"v": section.version},
                code="conflict",
            )
        # The version counts the texts the unit wrote (第N版): a save that changes
        # nothing, and the moves between states, keep it. It is also the editor's
        # concurrency check above, which only the text needs.
        if (section.heading, section.paragraphs) != (heading.strip(), paragraphs):
            section.version += 1
        if order is not None:
            section.order = order
    section.heading = heading.strip()
    section.paragraphs = paragraphs
    section.author = actor
    save_as(section, actor)
    return section


@transaction.atomic
def section_submit(*, section: Section, actor=None) -> Section:
    section = Section.objects.select_for_update().get(pk=section.pk)
    if not section.paragraphs:
        raise ValidationError(_("意见正文为空，不能提交。"), code="empty")
    move(section, State.SUBMITTED)
    section.submitted_at = timezone.now()
    save_as(section, actor)
    return section


@transaction.atomic
def section_accept(*, section: Section, actor=None) -> Section:
    section = Section.objects.select_for_update().get(pk=section.pk)
    move(section, State.ACCEPTED)
    section.decided_at = timezone.now()
    section.decided_by = actor
    section.return_reason = ""
    save_as(section, actor)
    assignment = section.assignment
    if assignment.role == Assignment.Role.CO and assignment.is_open:
        # The co-handling unit's work is done once the lead unit takes its opinion.
        assignment_complete(assignment=assignment, actor=actor)
    return section


@transaction.atomic
def section_return(*, section: Section, reason: str, actor=None) -> Section:
    if not reason.strip():
        raise ValidationError({"return_reason": _("退回时必须说明理由。")}, code="required")
    section = Section.objects.select_for_update().get(pk=section.pk)
    was_accepted = section.state == State.ACCEPTED
    move(section, State.RETURNED)
    if was_accepted and section.assignment.state == Assignment.State.COMPLETED:
        assignment_reopen(assignment=section.assignment, actor=actor)
    section.return_reason = reason.strip()
    section.decided_at = timezone.now()
    section.decided_by = actor
    save_as(section, actor)
    return section
