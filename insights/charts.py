"""Geometry for the small server-rendered SVG bar charts (no JavaScript, no library)."""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT = 26
LABEL_WIDTH = 150
BAR_AREA = 320
VALUE_WIDTH = 90


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    bar_area: int = BAR_AREA
    value_width: int = VALUE_WIDTH

    @property
    def width(self) -> int:
        return self.label_width + self.bar_area + self.value_width

    @property
    def value_x(self) -> int:
        return self.label_width + 6


def bar_chart(
    title: str, items: list[tuple[str, float, str]], *, max_value: float | None = None
) -> BarChart:
    """Horizontal bars for (label, value, text shown after the bar). `max_value` fixes the
    scale (1.0 for rates); otherwise the largest value fills the width."""
    top = max_value if max_value is not None else max((v for _, v, _ in items), default=0)
    bars = [
        Bar(
            label=label,
            value=value,
            text=text,
            y=i * ROW_HEIGHT,
            width=round(BAR_AREA * value / top, 1) if top else 0,
        )
        for i, (label, value, text) in enumerate(items)
    ]
    return BarChart(title=title, bars=bars, height=max(len(bars), 1) * ROW_HEIGHT)
