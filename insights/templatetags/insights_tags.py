"""Boxes other pages drop in: {% load insights_tags %}

{% similar_proposals_box proposal %}        — on the proposal page, to support 并案
{% earlier_replies_box proposal unit %}     — inside the reply compose form (its buttons
                                             post op=reuse-<paragraph id>)
"""

from django import template

from ..similarity import earlier_reply_paragraphs, similar_proposals

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
