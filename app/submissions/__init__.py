"""Submissions: recording graded results and each user's per-question status."""
