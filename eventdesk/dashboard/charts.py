"""Charts drawn on the server as SVG: no chart library, sharp on a projector and in print."""

from markupsafe import Markup, escape

_INK = "#1b1f24"
_BAR = "#b3261e"
_GRID = "#d6dae0"


def column_chart(
    values: list[tuple[str, int]], *, title: str, label_every: int = 4, width: int = 640, height: int = 180
) -> Markup:
    """Vertical bars, e.g. arrivals per quarter hour; every `label_every`-th bar is labelled."""
    left, right, top, bottom = 34, 8, 18, 26
    plot_width, plot_height = width - left - right, height - top - bottom
    peak = max((value for _label, value in values), default=0) or 1
    slot = plot_width / max(len(values), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - right}" y2="{top + plot_height}" '
        f'stroke="{_INK}" stroke-width="1"/>',
        f'<line x1="{left}" y1="{top}" x2="{width - right}" y2="{top}" stroke="{_GRID}" stroke-width="1"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11" fill="{_INK}">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_height}" text-anchor="end" font-size="11" '
        f'fill="{_INK}">0</text>',
    ]
    for index, (label, value) in enumerate(values):
        bar_height = plot_height * value / peak
        x = left + index * slot
        parts.append(
            f'<rect x="{x + slot * 0.1:.1f}" y="{top + plot_height - bar_height:.1f}" '
            f'width="{slot * 0.8:.1f}" height="{bar_height:.1f}" fill="{_BAR}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - 8}" text-anchor="middle" font-size="11" '
                f'fill="{_INK}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text in it went through escape())


def bar_chart(values: list[tuple[str, int]], *, title: str, width: int = 640) -> Markup:
    """Horizontal bars with their labels and values, e.g. visits per booth."""
    row_height, label_width, value_width = 24, 190, 48
    height = max(len(values), 1) * row_height + 4
    plot_width = width - label_width - value_width
    peak = max((value for _label, value in values), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(values):
        y = index * row_height + 2
        bar_width = plot_width * value / peak
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end" font-size="13" fill="{_INK}">'
            f"{escape(short)}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{bar_width:.1f}" height="{row_height - 8}" '
            f'fill="{_BAR}"/>'
            f'<text x="{label_width + bar_width + 6:.1f}" y="{y + 16}" font-size="13" '
            f'fill="{_INK}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text in it went through escape())
