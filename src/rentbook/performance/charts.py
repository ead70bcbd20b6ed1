"""Small inline SVG charts (no script, no CDN), always shown beside a table of the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")


@dataclass(frozen=True)
class Line:
    label: str
    values: list[float | None]


def line_chart(
    title: str,
    lines: list[Line],
    x_labels: list[str],
    shaded: set[int] | None = None,
    marked: set[int] | None = None,
    width: int = 720,
    height: int = 260,
) -> str:
    """An SVG line chart. ``shaded``: indexes drawn with a grey band (rent-free weeks);
    ``marked``: indexes with a dashed line (Christmas)."""
    pad_l, pad_r, pad_t, pad_b = 70, 10, 10, 40
    n = max((len(line.values) for line in lines), default=0)
    values = [v for line in lines for v in line.values if v is not None]
    top = max(values, default=0) or 1
    bottom = min(0, min(values, default=0))
    span = (top - bottom) or 1
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b
    step = inner_w / max(n - 1, 1)

    def x(i: int) -> float:
        return pad_l + i * step

    def y(v: float) -> float:
        return pad_t + inner_h - (v - bottom) / span * inner_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(title)}" class="rb-chart" width="100%">',
        f"<title>{escape(title)}</title>",
    ]
    for i in sorted(shaded or ()):
        parts.append(
            f'<rect x="{x(i) - step / 2:.1f}" y="{pad_t}" width="{step:.1f}" height="{inner_h}"'
            ' fill="#f3f2f1"/>'
        )
    for i in sorted(marked or ()):
        parts.append(
            f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{pad_t}" y2="{pad_t + inner_h}"'
            ' stroke="#b1b4b6" stroke-dasharray="4 3"/>'
        )
    for k in range(5):
        v = bottom + span * k / 4
        parts.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(v):.1f}" y2="{y(v):.1f}"'
            ' stroke="#e5e5e5"/>'
            f'<text x="{pad_l - 6}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end"'
            f' fill="#505a5f">{_short(v)}</text>'
        )
    every = max(1, n // 8)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - pad_b + 16}" font-size="11"'
                f' text-anchor="middle" fill="#505a5f">{escape(label)}</text>'
            )
    for j, line in enumerate(lines):
        colour = COLOURS[j % len(COLOURS)]
        segments: list[list[str]] = [[]]
        for i, v in enumerate(line.values):
            if v is None:
                segments.append([])
            else:
                segments[-1].append(f"{x(i):.1f},{y(v):.1f}")
        for seg in segments:
            if seg:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2"'
                    f' points="{" ".join(seg)}"/>'
                )
        parts.append(
            f'<text x="{pad_l + 8 + 140 * j}" y="{height - 6}" font-size="12"'
            f' fill="{colour}">■ {escape(line.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(v: float) -> str:
    if abs(v) >= 1_000_000:
        return f"{v / 1_000_000:.1f}m"
    if abs(v) >= 1_000:
        return f"{v / 1_000:.0f}k"
    return f"{v:.0f}"
