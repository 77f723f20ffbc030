"""Charts drawn on the server as inline SVG: readable with JavaScript off, and described for
screen readers by a <title> and a <desc> that states the figures in words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import count

from markupsafe import Markup, escape

W, H, PAD_L, PAD_B, PAD_T = 640, 240, 100, 28, 12
_ids = count(1)


def _open(title: str, desc: str, height: int = H) -> tuple[str, str]:
    n = next(_ids)
    head = (f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" '
            f'aria-labelledby="ct{n} cd{n}" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="ct{n}">{escape(title)}</title><desc id="cd{n}">{escape(desc)}</desc>')
    return head, "</svg>"


def _nice_max(value: int, floor: int) -> int:
    top = max(value, floor)
    step = 10 ** (len(str(top)) - 1)
    return int(((top + step - 1) // step) * step)


def _month_day(label: str) -> str:
    return label[5:]


def line_chart(points: Sequence[tuple[str, int]], *, title: str,
               fmt: Callable[[int], str], floor: int = 1,
               tick: Callable[[str], str] = _month_day) -> Markup:
    """A line over (label, value) points, days unless ``tick`` says how to shorten a label,
    with a y axis of three ticks and sparse x labels."""
    desc = "; ".join(f"{label}: {fmt(v)}" for label, v in points if v) or "no data"
    head, tail = _open(title, desc)
    top = _nice_max(max((v for _, v in points), default=0), floor)
    inner_w, inner_h = W - PAD_L - 24, H - PAD_B - PAD_T
    step = inner_w / max(len(points) - 1, 1)
    xy = [(PAD_L + i * step, PAD_T + inner_h * (1 - v / top)) for i, (_, v) in enumerate(points)]
    parts = [head]
    for frac in (0, 0.5, 1):
        y = PAD_T + inner_h * (1 - frac)
        parts.append(f'<line class="grid" x1="{PAD_L}" x2="{W - 24}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="tick" x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(fmt(int(top * frac)))}</text>')
    every = max(1, len(points) // 6)
    for i, (label, _) in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            parts.append(f'<text class="tick" x="{xy[i][0]:.1f}" y="{H - 8}" '
                         f'text-anchor="middle">{escape(tick(label))}</text>')
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    parts.append(f'<polyline class="series" fill="none" points="{path}"/>')
    parts.extend(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3"/>'
                 for (x, y), (_, v) in zip(xy, points, strict=True) if v)
    parts.append(tail)
    return Markup("".join(parts))


def bar_chart(items: Sequence[tuple[str, int]], *, title: str,
              fmt: Callable[[int], str]) -> Markup:
    """Horizontal bars, one per (label, value), longest for the largest value."""
    desc = "; ".join(f"{label}: {fmt(v)}" for label, v in items) or "no data"
    row_h = 34
    height = max(1, len(items)) * row_h + 8
    head, tail = _open(title, desc, height)
    top = max((v for _, v in items), default=0) or 1
    label_w, bar_w = 220, W - 220 - 110
    parts = [head]
    for i, (label, v) in enumerate(items):
        y = 4 + i * row_h
        width = bar_w * v / top
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(f'<text class="label" x="{label_w - 8}" y="{y + 21}" text-anchor="end">'
                     f'{escape(short)}</text>'
                     f'<rect class="bar" x="{label_w}" y="{y + 6}" width="{width:.1f}" '
                     f'height="{row_h - 12}" rx="3"/>'
                     f'<text class="value" x="{label_w + width + 6:.1f}" y="{y + 21}">'
                     f'{escape(fmt(v))}</text>')
    if not items:
        parts.append(f'<text class="label" x="{W / 2}" y="24" text-anchor="middle">-</text>')
    parts.append(tail)
    return Markup("".join(parts))
