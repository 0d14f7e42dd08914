"""What grading is asked to do and what it answers, shared by the judge, the database and the API."""

import enum


class Mode(enum.StrEnum):
    run = "run"  # the sample cases only: a quick check, not counted in the user's status
    submit = "submit"  # every case: the verdict counts


class Verdict(enum.StrEnum):
    accepted = "accepted"
    wrong_answer = "wrong_answer"
    runtime_error = "runtime_error"
    time_limit_exceeded = "time_limit_exceeded"
    memory_limit_exceeded = "memory_limit_exceeded"
    output_limit_exceeded = "output_limit_exceeded"
    compile_error = "compile_error"
    internal_error = "internal_error"  # ours, never the candidate's: not counted against them
