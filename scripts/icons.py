#!/usr/bin/env python3
"""Draw the addons' Apps icons, addons/<addon>/static/description/icon.png (128 x 128).

    .venv/bin/python scripts/icons.py

Pillow comes with matplotlib (a requirement of the Telegram worker). Drawn at 4x and scaled
down, so edges are smooth.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
SIZE = 128
SCALE = 4
WHITE = (255, 255, 255, 255)
PALE = (150, 208, 205, 255)  # the forecast: white seen through the teal


def canvas(top: tuple[int, int, int], bottom: tuple[int, int, int]):
    """A rounded square filled with a vertical gradient, at SCALE times the final size."""
    side = SIZE * SCALE
    gradient = Image.new("RGBA", (side, side))
    draw = ImageDraw.Draw(gradient)
    for y in range(side):
        t = y / (side - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (side, y)], fill=(*colour, 255))
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, side - 1, side - 1], radius=26 * SCALE, fill=255)
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    image.paste(gradient, (0, 0), mask)
    return image, ImageDraw.Draw(image)


def px(*values: float) -> list[float]:
    return [v * SCALE for v in values]


def bars(draw, left: float, base: float, heights, width: float, gap: float, solid=WHITE, pale=PALE):
    """History as solid bars, the forecast as pale ones (the last two)."""
    for i, height in enumerate(heights):
        x = left + i * (width + gap)
        fill = pale if i >= len(heights) - 2 else solid
        draw.rounded_rectangle(px(x, base - height, x + width, base), radius=2 * SCALE, fill=fill)


def forecast_icon() -> Image.Image:
    image, draw = canvas((38, 166, 154), (21, 101, 122))
    bars(draw, 22, 100, [22, 34, 28, 46, 56, 66], 11, 4.6)
    # the trend over the bars, ending in an arrow head
    points = [(27, 70), (43, 58), (58, 62), (74, 44), (89, 34), (104, 22)]
    draw.line(
        [tuple(px(*p)) for p in points], fill=(255, 214, 102, 255), width=5 * SCALE, joint="curve"
    )
    draw.polygon(px(110, 16, 96, 19, 107, 30), fill=(255, 214, 102, 255))
    draw.line(px(18, 104, 110, 104), fill=WHITE, width=3 * SCALE)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def bot_icon() -> Image.Image:
    image, draw = canvas((64, 179, 230), (30, 120, 190))
    # a paper plane: the wing, the fold, the tail
    draw.polygon(px(18, 60, 108, 24, 90, 100, 62, 84), fill=WHITE)
    draw.polygon(px(18, 60, 62, 84, 50, 74), fill=(220, 236, 248, 255))
    draw.polygon(px(50, 74, 62, 84, 54, 104, 108, 24), fill=(200, 224, 244, 255))
    # a small chart on the wing: the forecast the bot carries
    blue = (30, 120, 190, 255)
    bars(draw, 50, 68, [7, 11, 15, 19], 5, 2.5, solid=blue, pale=(150, 196, 228, 255))
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    for addon, draw in (("purchase_forecast", forecast_icon), ("purchase_bot", bot_icon)):
        target = REPO / "addons" / addon / "static" / "description" / "icon.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        draw().save(target, optimize=True)
        print(target.relative_to(REPO))


if __name__ == "__main__":
    main()
