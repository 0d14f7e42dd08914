"""The interview limits and vocabularies, defined once.

The services enforce them, the API schemas declare them and the templates show them (the pages
pass this module to every interview template as `rules`).
"""

from typing import Literal, get_args

MAX_QUESTIONS = 5
MAX_TITLE_CHARS = 200
MIN_DURATION_S = 60
MAX_DURATION_S = 6 * 3600
DEFAULT_DURATION_MINUTES = 45  # what the "new interview" form proposes
MAX_EXTEND_S = 3600
EXTEND_STEP_S = 5 * 60  # the live view's "+5 minutes" button
DEFAULT_LINK_VALID_HOURS = 7 * 24
MAX_LINK_VALID_HOURS = 60 * 24

# Candidate writes, per interview: the link is a bearer secret, so it gets limits of its own.
SNAPSHOTS_PER_MINUTE = 120
MAX_SNAPSHOTS = 1000  # replay history kept per interview; the latest code is always kept
MAX_PASTE_CHARS = 10_000_000  # the largest paste size an event may report
TOKEN_MIN_CHARS, TOKEN_MAX_CHARS = 20, 100  # a candidate link's token, as a URL part

MAX_NOTES_CHARS = 50_000
MAX_RATING_NOTE_CHARS = 2000
RUBRIC = ("correctness", "numerical_care", "code_quality", "communication", "debugging")
SCORES = {1: "weak", 2: "mixed", 3: "good", 4: "excellent"}
MIN_SCORE, MAX_SCORE = min(SCORES), max(SCORES)
Recommendation = Literal["strong_no", "no", "yes", "strong_yes"]
RECOMMENDATIONS: tuple[str, ...] = get_args(Recommendation)
