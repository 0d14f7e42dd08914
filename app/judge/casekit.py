"""Toolkit for problem authors' `cases.py` (placeholder; filled in by the grading work).

Pure NumPy and the standard library: this module is also copied into the sandbox image.
"""
