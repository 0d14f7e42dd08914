"""Cases: written with the grading toolkit (issue 3)."""

CASES: list = []
