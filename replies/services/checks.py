"""Drafting checks before review and sign-off: our own checks, spec validation, and the
letter generator's check_letter. Errors block; warnings are shown."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ..models import Reply
from ..spec_builder import build_spec
from ._common import ReplyFinding


def answer_classes(reply: Reply) -> list[str]:
    return list(reply.proposal.session.answer_classes or ["A", "B", "C"])


def reply_check(reply: Reply, *, spec: dict[str, Any] | None = None) -> list:
    """Every finding on the reply as it would be rendered (errors have severity "error")."""
    from ..letter import SpecError, check_letter

    findings: list = []
    if not (reply.unit.doc_prefix or "").strip():
        findings.append(
            ReplyFinding(
                "doc_prefix", "unit.doc_prefix", _("本单位未设置发文字号前缀，请联系管理员。")
            )
        )
    if not reply.category:
        findings.append(
            ReplyFinding(
                "category",
                "category",
                _("请选择办理类别（%(all)s）。") % {"all": "/".join(answer_classes(reply))},
            )
        )
    if not reply.paragraphs.exists():
        findings.append(ReplyFinding("empty", "paragraphs", _("答复正文为空。")))
    if spec is None:
        spec = build_spec(reply)
    try:
        findings.extend(
            check_letter(
                spec,
                session_name=reply.proposal.session.name,
                proposal_number=reply.proposal.number,
                categories=answer_classes(reply),
            )
        )
    except SpecError as exc:
        own = {f.place for f in findings}
        findings.extend(
            ReplyFinding("spec", path, message) for path, message in exc.problems if path not in own
        )
    return findings


def errors_of(findings: list) -> list:
    return [f for f in findings if f.severity == "error"]
