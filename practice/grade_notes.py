"""The note shown after grading: the self-grade set against the learner's own ticks.

Both figures are the learner's judgement, so the note asks them to make the two agree; it never
cites the automatic matching (which cannot tell a right statement from a wrong one) and never
suggests raising the grade of an answer the learner judged wrong.
"""

from practice.models import Grade

# What each grade claims, in the words of the grade descriptors, and the least share of key
# points a learner who gives it would have ticked: "complete" cannot leave most points out.
_CLAIMS = {
    Grade.READY: ("a 4 means complete, with trade-offs", 2 / 3),
    Grade.COMPLETE: ("a 3 means correct and complete", 1 / 3),
}
# A grade of 0 or 1 says the answer is wrong or only recalls terms; with more than this share
# of the points ticked the ticks and the grade say different things.
_LOW_GRADE_MAX = Grade.TERMS
_MOST = 1 / 2


def _points(ticked: int, total: int) -> str:
    if ticked == 0:
        return f"none of the {total} key points" if total > 1 else "none of the key points"
    return f"{ticked} of {total} key point" + ("" if total == 1 else "s")


def grade_note(*, grade: int, ticked: int, total: int) -> str:
    """A plain-words note when the grade and the share of key points ticked disagree; "" when
    they agree or the question has no key points.

    A high grade with few points ticked asks the learner to check the points left unticked. A
    grade of 2 with nothing ticked asks to check the answer against them. A grade of 0 or 1 with
    most points ticked gets a neutral reminder of what a tick means, and leaves the grade alone.
    """
    if total <= 0:
        return ""
    ticked = max(0, min(ticked, total))
    share = ticked / total
    points = _points(ticked, total)
    if grade in _CLAIMS:
        claim, least = _CLAIMS[grade]
        if share < least:
            return (
                f"You graded this {grade} but ticked {points}: {claim} — check the points you "
                "left unticked."
            )
        return ""
    if grade == Grade.PARTIAL and ticked == 0:
        return (
            f"You graded this 2 but ticked {points}: a 2 means partly right — check your "
            "answer against the key points."
        )
    if grade <= _LOW_GRADE_MAX and share > _MOST:
        return (
            f"You graded this {grade} and ticked {points}. Ticking a point means your answer "
            "makes it correctly, not only that it mentions it."
        )
    return ""
