"""How the linkage pages write probabilities and match weights."""

from django import template

register = template.Library()


@register.filter
def percent(probability: float | None, places: int = 2) -> str:
    """0.9645 → "96.45%"; never "100%" or "0%" for what is only nearly certain."""
    if probability is None:
        return ""
    written = f"{probability:.{places}%}"
    if written == f"{1:.{places}%}" and probability < 1:
        return f"above {1 - 10 ** -(places + 2):.{places}%}"
    if written == f"{0:.{places}%}" and probability > 0:
        return f"below {10 ** -(places + 2):.{places}%}"
    return written


@register.filter
def signed(match_weight: float | None, places: int = 2) -> str:
    """A match weight with its sign: evidence for (+) or against (-) the same person."""
    if match_weight is None:
        return ""
    return f"{match_weight:+.{places}f}"


@register.filter
def probability(value: float | None) -> str:
    """An m or u probability in three significant figures: 0.719, 0.00493, 3.06e-14."""
    if value is None:
        return ""
    return f"{value:.3g}"
