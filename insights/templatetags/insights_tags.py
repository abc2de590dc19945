"""Boxes other pages drop in: {% load insights_tags %}

{% similar_proposals_box proposal %}        — on the proposal page, to support 并案
{% earlier_replies_box proposal unit %}     — inside the reply compose form (its buttons
                                             post op=reuse-<paragraph id>)
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from proposals.forms import PlainSelect
from proposals.similarity import similar_proposals
from replies.reuse import earlier_reply_paragraphs

register = template.Library()


@register.inclusion_tag("insights/_similar.html")
def similar_proposals_box(proposal, limit: int = 5):
    return {"proposal": proposal, "similar": similar_proposals(proposal, limit=limit)}


@register.inclusion_tag("insights/_earlier_replies.html")
def earlier_replies_box(proposal, unit=None, limit: int = 3):
    return {
        "proposal": proposal,
        "earlier": earlier_reply_paragraphs(proposal, unit=unit, limit=limit),
    }


# The statistics page's long tables (a row per unit, up to 100 overdue rows) and its unit
# choice are built here with format_html_join: the same escaped HTML as a template loop at
# a tenth of its cost (the loops were half the page's time at 100 units).


@register.simple_tag
def unit_ranking_rows(rows):
    if not rows:
        return format_html('<tr><td colspan="9" class="empty">{}</td></tr>', _("暂无交办"))
    return format_html_join(
        "\n",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        (
            (n, r.unit_name, r.assigned, r.reply_rate.percent, r.on_time_rate.percent,
             r.satisfaction_rate.percent, r.process_satisfaction_rate.percent,
             r.result_satisfaction_rate.percent, r.overdue)
            for n, r in enumerate(rows, start=1)
        ),
    )


@register.simple_tag
def overdue_rows(assignments):
    if not assignments:
        return format_html(
            '<tr><td colspan="6" class="empty">{}</td></tr>', _("没有超期未办的交办")
        )
    return format_html_join(
        "\n",
        '<tr class="overdue"><td class="nowrap">{}</td><td>{}</td><td>{}</td><td>{}</td>'
        '<td class="nowrap">{}</td><td class="nowrap">{}</td></tr>',
        (
            (a.proposal.display_number, a.proposal.title, a.unit.name, a.get_role_display(),
             a.due_on.isoformat(), _("%(n)d天") % {"n": a.days_overdue})
            for a in assignments
        ),
    )


@register.filter
def marked(parts):
    """A search hit's snippet, from its (text, is_hit) parts (insights.search.snippet):
    escaped, the hits in <mark>. One filter instead of a loop per hit in the template."""
    return format_html_join(
        "", "{}", ((format_html("<mark>{}</mark>", text) if hit else text,) for text, hit in parts)
    )


@register.simple_tag
def unit_select(units, selected=None, allow_all=False):
    """The unit choice of the statistics page (PlainSelect, as the proposal list's)."""
    choices = [("", _("全部单位"))] if allow_all else []
    choices += [(u.pk, u.name) for u in units]
    widget = PlainSelect(attrs={"id": "id_unit", "style": "max-width:20rem"}, choices=choices)
    return widget.render("unit", selected.pk if selected is not None else None)
