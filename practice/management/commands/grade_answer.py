import json
import sys

from django.core.management.base import BaseCommand, CommandError

from practice.feedback import DEFAULT_GRADER, GRADERS, grade_answer
from practice.feedback.judge import JudgeError
from practice.models import Question


class Command(BaseCommand):
    help = (
        "Grade an answer to one question as the app does and print the result as JSON: "
        "each key point found or not with the sentence that makes it, the share found, a "
        "suggested grade (null when the grader cannot judge correctness) and delivery notes. "
        "Reads the answer from --file, or from standard input. --grader ai asks the AI judge "
        "that MLCAREER_AI_* configures."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("--file", help="a text file holding the answer")
        parser.add_argument("--grader", default=DEFAULT_GRADER, choices=sorted(GRADERS))

    def handle(self, *args, slug, file, grader, **options):
        question = Question.objects.prefetch_related("key_points").filter(slug=slug).first()
        if question is None:
            raise CommandError(f"No question with slug {slug!r}.")
        if file:
            try:
                with open(file, encoding="utf-8") as stream:
                    answer = stream.read()
            except OSError as error:
                raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        else:
            answer = sys.stdin.read()
        try:
            result = grade_answer(question, answer, grader=grader)
        except JudgeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
