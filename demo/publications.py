"""公开答复 in the demo (连云港): of the replies sent long ago and marked 此件公开发布,
第44031号 is published in full, 第44048号 (its text gives the unit's phone, which the public
version removes) as a summary, and 第44056号 waits past its due date (逾期: the clerk is
told by the daily scan and sees it on the dashboard); 第44152号, sent a few days ago, waits
within its term.

Through the services, on a working day after the reply was sent (the product's clock as in
load_demo); a publication already decided is left alone, so a second run changes nothing.
"""

from __future__ import annotations

from django.utils import timezone

from proposals.models import Proposal
from replies.models import Publication
from replies.services import publication as publications

SUMMARY_44048 = (
    "市卫健委答复：今年新增基层全科医生120名，为乡镇卫生院更新数字化影像设备35台；"
    "下一步将会同市财政局完善基层人才激励政策，推动优质医疗资源下沉。"
    "群众可拨打0518-85802345咨询。"
)
# number, mode, summary, working days after sending it was published
STORIES = [
    (44031, "full", "", 6),
    (44048, "summary", SUMMARY_44048, 12),
]


def load_publication_demo(command) -> None:
    from .management.commands.load_demo import product_clock

    publications.publications_ensure_all()
    for number, mode, summary, after in STORIES:
        proposal = Proposal.objects.get(session=command.session, number=number)
        publication = Publication.objects.filter(
            reply__proposal=proposal, reply__in=publications.publishable_replies()
        ).select_related("reply").first()
        if publication is None or publication.state != Publication.State.PENDING:
            continue
        day = command.days.after(timezone.localdate(publication.reply.sent_at), after)
        with product_clock(command._at(min(day, command.days.ago(1)), 16)):
            publications.publication_publish(
                publication=publication, actor=command.clerk, mode=mode, summary=summary
            )


__all__ = ["load_publication_demo"]
