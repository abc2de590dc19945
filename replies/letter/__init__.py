"""The reply-letter generator: a letter spec (LETTER-SPEC.md) in, .docx bytes out.

Knows nothing of Django models; the web app and ``manage.py render_reply`` build a spec and
call :func:`render_letter`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from .checks import Finding, check_letter
from .docx_builder import build_docx, qr_png
from .spec import DEFAULT_CATEGORIES, SpecError, validate_spec

__all__ = ["Finding", "SpecError", "check_letter", "render_letter", "validate_spec"]


def render_letter(spec: dict, *, categories: Iterable[str] = DEFAULT_CATEGORIES,
                  base_dir: str | os.PathLike | None = None) -> bytes:
    """The .docx of a letter spec; raises SpecError listing every problem.

    Deterministic: the same spec (and seal file) gives the same bytes.
    """
    normalised, _warnings = validate_spec(spec, categories=categories, base_dir=base_dir)
    return render_normalised(normalised)


def render_normalised(spec: dict) -> bytes:
    """Render a spec already returned by validate_spec."""
    seal = None
    if spec["seal"]:
        with open(spec["seal"], "rb") as f:
            seal = f.read()
    qr = qr_png(spec["feedback_url"]) if spec["feedback_url"] else None
    return build_docx(spec, seal=seal, qr=qr)
