"""The Year in Pixels' two empty states read apart in both themes (static/css/journal.css tokens)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css" / "journal.css"


def _tokens(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})", block))


def _themes() -> dict[str, dict[str, str]]:
    css = CSS.read_text()
    light = _tokens(css[css.index(":root {"):css.index("}", css.index(":root {"))])
    dark_start = css.index(":root.theme-dark {")
    dark = _tokens(css[dark_start:css.index("}", dark_start)])
    media_start = css.index(":root:not(.theme-light) {")
    media = _tokens(css[media_start:css.index("}", media_start)])
    assert dark == media  # the device's dark theme and the chosen one are the same palette
    return {"light": light, "dark": dark}


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_the_wcag_ratio():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert contrast("#777777", "#777777") == 1.0


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_day_without_a_mood_stands_apart_from_a_day_without_an_entry(theme):
    tokens = _themes()[theme]
    # A day written without a mood is --pixel-no-mood; a day not written is --surface-2 (static/css/insights.css).
    # 3:1 is WCAG's contrast for graphical objects.
    assert contrast(tokens["pixel-no-mood"], tokens["surface-2"]) >= 3
    assert contrast(tokens["pixel-no-mood"], tokens["surface"]) >= 3


def test_the_pixels_are_painted_with_those_tokens():
    css = (CSS.parent / "insights.css").read_text()
    assert ".chart-svg .pixel-no-mood { fill: var(--pixel-no-mood); }" in css
    assert ".chart-svg .pixel-empty { fill: var(--surface-2);" in css
