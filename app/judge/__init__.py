"""Grading: problem cases, the authoring toolkit and verdicts (trusted, runs on the host)."""
