"""Geometry for the small server-rendered SVG bar charts (no JavaScript, no library).

The label column is as wide as the longest label needs, up to a cap; a longer label is cut
at its end with "…" (the whole of it in a <title>), never at its start: the labels are
right-aligned against the bars, so a label wider than its column would lose its first
characters off the left edge (连云港市文化广电和旅游局 read 云港市…).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

ROW_HEIGHT = 26
FONT_SIZE = 13  # px, as the template draws the texts
BAR_AREA = 320
MARGIN = 4  # left of the labels and right of the value texts
GAP = 8  # between a label and its bar
VALUE_GAP = 6  # between a bar's area and its value text
# The widest label column: 14 characters of CJK text (连云港市人力资源和社会保障局).
MAX_LABEL_WIDTH = 14 * FONT_SIZE
ELLIPSIS = "…"


def text_width(text: str, font_size: int = FONT_SIZE) -> float:
    """The width `text` takes, measured generously: a CJK (or ambiguous, like …) character
    is 1em, anything else at most 0.6em. The SVG is drawn without a browser to measure in,
    so too wide only leaves some space; too narrow would clip."""
    return font_size * sum(
        1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.6 for ch in text
    )


def fit(text: str, width: float) -> str:
    """`text` if it fits in `width`, otherwise its beginning and "…"."""
    if text_width(text) <= width:
        return text
    room = width - text_width(ELLIPSIS)
    kept = ""
    for ch in text:
        if text_width(kept + ch) > room:
            break
        kept += ch
    return kept.rstrip() + ELLIPSIS


@dataclass(frozen=True)
class Bar:
    label: str  # the whole label (in the <title> when `shown` is cut)
    shown: str  # the label as drawn
    value: float
    text: str
    y: int
    width: float

    @property
    def is_cut(self) -> bool:
        return self.shown != self.label


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int  # the label column, margin and gap included
    value_width: int
    bar_area: int = BAR_AREA

    @property
    def width(self) -> int:
        return self.label_width + self.bar_area + self.value_width

    @property
    def label_x(self) -> int:
        """Where the right-aligned labels end."""
        return self.label_width - GAP

    @property
    def value_x(self) -> int:
        return self.label_width + self.bar_area + VALUE_GAP


def bar_chart(
    title: str, items: list[tuple[str, float, str]], *, max_value: float | None = None
) -> BarChart:
    """Horizontal bars for (label, value, text shown after the bar). `max_value` fixes the
    scale (1.0 for rates); otherwise the largest value fills the width."""
    top = max_value if max_value is not None else max((v for _, v, _ in items), default=0)
    labels = [str(label) for label, _, _ in items]
    column = min(MAX_LABEL_WIDTH, max((text_width(s) for s in labels), default=0))
    bars = [
        Bar(
            label=label,
            shown=fit(label, column),
            value=value,
            text=str(text),
            y=i * ROW_HEIGHT,
            width=round(BAR_AREA * value / top, 1) if top else 0,
        )
        for i, (label, (_, value, text)) in enumerate(zip(labels, items, strict=True))
    ]
    values = max((text_width(b.text) for b in bars), default=0)
    return BarChart(
        title=title,
        bars=bars,
        height=max(len(bars), 1) * ROW_HEIGHT,
        label_width=math.ceil(MARGIN + column + GAP),
        value_width=math.ceil(VALUE_GAP + values + MARGIN),
    )
