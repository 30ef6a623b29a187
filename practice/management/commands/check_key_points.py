from django.core.management.base import BaseCommand, CommandError

from practice.feedback import question_text
from practice.feedback.checks import keyword_problems
from practice.feedback.terms import current_vocabulary
from practice.models import Question


class Command(BaseCommand):
    help = (
        "List key-point keywords that give credit for nothing: stop words and words almost "
        "any answer uses, words already in the question's title or prompt, and keywords that "
        "cover a point in a generic 45-word project story. Checks the given question slugs, "
        "or every question. With --strict, exits with an error when it finds any."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG")
        parser.add_argument("--strict", action="store_true", help="fail when problems exist")

    def handle(self, *args, slugs, strict, **options):
        questions = Question.objects.prefetch_related("key_points").order_by("slug")
        if slugs:
            questions = questions.filter(slug__in=slugs)
            unknown = sorted(set(slugs) - {question.slug for question in questions})
            if unknown:
                raise CommandError(f"No question with slug: {', '.join(unknown)}")
        vocabulary = current_vocabulary()
        problems = []
        checked = 0
        for question in questions:
            checked += 1
            problems += keyword_problems(
                question.slug,
                question_text(question),
                list(question.key_points.all()),
                vocabulary,
            )
        for problem in problems:
            self.stdout.write(str(problem))
        questions_hit = len({problem.question for problem in problems})
        summary = (
            f"{len(problems)} keyword problem(s) in {questions_hit} of {checked} question(s)."
        )
        if strict and problems:
            raise CommandError(summary)
        self.stdout.write(summary)
