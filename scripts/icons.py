"""Draw EventDesk's app icons (the scanner's home-screen icon and the favicon) with Pillow.

    python scripts/icons.py    # writes static/icons/*.png and static/icons/favicon.ico

The icon is a QR code's three finder squares on the scanner's dark bar colour: recognisable
on a crowded home screen at any size, and drawn here so that it can be changed in one place.
"""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "static" / "icons"
BACKGROUND = (20, 24, 29)
INK = (255, 255, 255)
ACCENT = (255, 211, 77)


def draw(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), BACKGROUND)
    pen = ImageDraw.Draw(image)
    unit = size / 16
    # Room around the mark so that round "maskable" crops keep all of it.
    for left, top in ((3, 3), (9, 3), (3, 9)):
        x, y = left * unit, top * unit
        pen.rectangle([x, y, x + 4 * unit, y + 4 * unit], fill=INK)
        pen.rectangle([x + unit, y + unit, x + 3 * unit, y + 3 * unit], fill=BACKGROUND)
        pen.rectangle([x + 1.5 * unit, y + 1.5 * unit, x + 2.5 * unit, y + 2.5 * unit], fill=INK)
    pen.rectangle([9 * unit, 9 * unit, 13 * unit, 13 * unit], fill=ACCENT)
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(ICONS / f"scanner-{size}.png", optimize=True)
    draw(64).save(ICONS / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
