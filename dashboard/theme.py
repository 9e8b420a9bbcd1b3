"""Colours shared by every page, so a side or a direction looks the same everywhere.

The palette is Okabe & Ito's (2008), designed to stay distinguishable under the
common forms of colour-vision deficiency. Known sides and directions get fixed
colours; anything else gets a colour picked by a stable hash, so a new actor
keeps its colour across pages and reruns.
"""
from __future__ import annotations

import hashlib

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#8C8C8C"

OKABE_ITO = (ORANGE, SKY_BLUE, BLUISH_GREEN, BLUE, VERMILLION, REDDISH_PURPLE, BLACK, YELLOW)

# Hostile is warm, conciliatory is cool; the neutral middle is a light grey so
# neutral text stays readable on a highlighted background.
TENSION_SCALE = [[0.0, BLUE], [0.5, "#F2F2F2"], [1.0, VERMILLION]]
HOSTILE = VERMILLION
CONCILIATORY = BLUE

SIDE_COLORS = {
    "Armenia": ORANGE,
    "Russia": BLUE,
    "CSTO": REDDISH_PURPLE,
    "Russia/CSTO": BLUE,
    "Azerbaijan": BLUISH_GREEN,
    "Belarus": SKY_BLUE,
    "EU": YELLOW,
    "USA": BLACK,
    "West": BLACK,
}

DIRECTION_COLORS = {
    "Armenia→Russia": VERMILLION,
    "Armenia→Russia/CSTO": VERMILLION,
    "Russia/CSTO→Armenia": BLUE,
    "Armenia→CSTO": ORANGE,
    "Russia→Armenia": BLUE,
    "Russia→CSTO": SKY_BLUE,
    "CSTO→Armenia": REDDISH_PURPLE,
    "Belarus→Armenia": BLUISH_GREEN,
    "Russia→West": BLACK,
}

# Fallback colours avoid yellow (poor contrast on white for thin lines).
_FALLBACK = (ORANGE, SKY_BLUE, BLUISH_GREEN, BLUE, VERMILLION, REDDISH_PURPLE, BLACK)


def _hashed(value: str) -> str:
    digest = hashlib.sha1(value.encode("utf-8")).digest()
    return _FALLBACK[digest[0] % len(_FALLBACK)]


def side_color(side: str | None) -> str:
    if not side:
        return GREY
    return SIDE_COLORS.get(side, _hashed(side))


def direction_color(direction: str | None) -> str:
    if not direction:
        return GREY
    if direction in DIRECTION_COLORS:
        return DIRECTION_COLORS[direction]
    # An unlisted direction takes its speaker side's colour so "Armenia→EU"
    # still reads as an Armenian statement.
    speaker_side = direction.split("→", 1)[0]
    if speaker_side in SIDE_COLORS:
        return SIDE_COLORS[speaker_side]
    return _hashed(direction)


_DASHES = ("dash", "dot", "dashdot", "longdash", "longdashdot")


def direction_dash(direction: str | None) -> str:
    """Listed directions are solid; others share their speaker side's colour, so the target sets the dash."""
    if not direction or direction in DIRECTION_COLORS:
        return "solid"
    target = direction.split("→", 1)[-1]
    return _DASHES[hashlib.sha1(target.encode("utf-8")).digest()[0] % len(_DASHES)]


def group_dash(by: str | None, group: str | None) -> str:
    return direction_dash(group) if by == "direction" else "solid"


def group_color(by: str | None, group: str | None) -> str:
    """The colour of one line of a chart grouped by ``by``."""
    if by == "direction":
        return direction_color(group)
    if by == "speaker_side":
        return side_color(group)
    if not group:
        return GREY
    return _hashed(group)


def color_map(by: str | None, groups) -> dict[str, str]:
    return {g: group_color(by, g) for g in groups}


def tension_rgba(tension: float | None, alpha: float = 0.45) -> str:
    """Background for a highlighted statement: blue (conciliatory) to vermillion (hostile)."""
    if tension is None or tension != tension:  # NaN: unscored
        return f"rgba(140,140,140,{alpha * 0.6:.2f})"
    t = max(-1.0, min(1.0, float(tension)))
    neutral = (242, 242, 242)
    end = (213, 94, 0) if t > 0 else (0, 114, 178)
    w = abs(t)
    r, g, b = (round(n + (e - n) * w) for n, e in zip(neutral, end))
    return f"rgba({r},{g},{b},{alpha:.2f})"


def actor_colors(ranked_actors) -> dict[str, str]:
    """Colours for actors by their rank in the whole corpus (most active first): distinct for the top
    actors and the same on every page, since the ranking does not depend on the filters."""
    palette = _FALLBACK
    return {a: palette[i % len(palette)] for i, a in enumerate(ranked_actors)}
