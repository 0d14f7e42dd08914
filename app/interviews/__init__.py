"""Proctored mock interviews: set-up, the candidate link, the live timer, events, notes and reports."""
