from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Q

from assessments.models import NamedEntry, SlugNaturalKeyManager
from practice.rendering import MARKDOWN_MAX_CHARS, validate_markdown

# About six times the longest shipped prompt and three times the longest model answer; the
# render-time bound of practice.rendering holds up to MARKDOWN_MAX_CHARS.
PROMPT_MAX_CHARS = 3_000
MODEL_ANSWER_MAX_CHARS = MARKDOWN_MAX_CHARS


def comma_list(text: str) -> list[str]:
    """The items of a comma-separated text, stripped, blanks dropped."""
    return [item.strip() for item in (text or "").split(",") if item.strip()]


class Topic(NamedEntry):
    """A subject interviews cover, e.g. "Model evaluation and metrics"."""


# Who a question comes from. MLCareer's own questions (every shipped fixture that names no
# source) carry SHIPPED_SOURCE; a question imported without a source carries UNKNOWN_SOURCE, so
# that nothing claims to be MLCareer's without saying so.
SHIPPED_SOURCE = "MLCareer"
UNKNOWN_SOURCE = "Unknown source"
SOURCE_URL_SCHEMES = ("http", "https")
SOURCE_URL_MESSAGE = "Enter a web address that starts with http:// or https://."


class WebAddressField(models.URLField):
    """A URL a page may link to: http and https only, never javascript:, data: or ftp:."""

    # A code of its own: a model form swaps the message of an "invalid" error for its field's
    # generic "Enter a valid URL.".
    default_validators = [
        URLValidator(
            schemes=list(SOURCE_URL_SCHEMES), message=SOURCE_URL_MESSAGE, code="web_address"
        )
    ]

    def formfield(self, **kwargs):
        # An address typed without a scheme is taken as https; an address the form's own
        # check refuses gets the same message as the model's.
        defaults = {"assume_scheme": "https", "error_messages": {"invalid": SOURCE_URL_MESSAGE}}
        return super().formfield(**{**defaults, **kwargs})


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Question.Status.PUBLISHED)


class QuestionManager(SlugNaturalKeyManager.from_queryset(QuestionQuerySet)):
    pass


class Question(models.Model):
    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    class Kind(models.TextChoices):
        CONCEPTUAL = "conceptual", "Conceptual"
        CODING = "coding", "Coding"
        SYSTEM_DESIGN = "system_design", "System design"
        BEHAVIOURAL = "behavioural", "Behavioural"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    # A TextField's max_length only reaches the form; the validator holds it in full_clean too,
    # which the bulk import runs.
    prompt = models.TextField(
        max_length=PROMPT_MAX_CHARS,
        validators=[MaxLengthValidator(PROMPT_MAX_CHARS), validate_markdown],
        help_text="The question as the candidate sees it, in Markdown.",
    )
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    skills = models.ManyToManyField(
        "assessments.Skill",
        related_name="questions",
        help_text="The skills the question exercises.",
    )
    model_answer = models.TextField(
        max_length=MODEL_ANSWER_MAX_CHARS,
        validators=[MaxLengthValidator(MODEL_ANSWER_MAX_CHARS), validate_markdown],
        help_text="A strong answer, in Markdown.",
    )
    suggested_minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_questions",
    )
    # Provenance: three fields rather than a Source model, because a source is a line of text
    # shown with one question and a column of its import row, and a licence can differ from
    # one question to the next even from the same origin.
    source_name = models.CharField(
        "source",
        max_length=200,
        default=SHIPPED_SOURCE,
        help_text=f"Who wrote the question and its answer: “{SHIPPED_SOURCE}” for our own, "
        "else the author, book or site it comes from.",
    )
    source_url = WebAddressField(
        "source link",
        max_length=500,
        blank=True,
        help_text="Optional: where the source can be read, starting with http:// or https://.",
    )
    source_licence = models.CharField(
        "licence",
        max_length=100,
        blank=True,
        help_text="Optional: the licence it is used under, e.g. “CC BY 4.0”.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = QuestionManager()

    class Meta:
        ordering = ["topic__order", "difficulty", "title"]
        indexes = [models.Index(fields=["status", "topic"], name="question_status_topic")]
        constraints = [
            models.CheckConstraint(
                condition=Q(suggested_minutes__gte=1) & Q(suggested_minutes__lte=60),
                name="question_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(difficulty__in=["easy", "medium", "hard"]),
                name="question_difficulty_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["conceptual", "coding", "system_design", "behavioural"]),
                name="question_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="question_status_valid",
            ),
            models.CheckConstraint(condition=~Q(source_name=""), name="question_source_named"),
            models.CheckConstraint(
                condition=Q(source_url="")
                | Q(source_url__istartswith="http://")
                | Q(source_url__istartswith="https://"),
                name="question_source_url_web",
                violation_error_message=SOURCE_URL_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class KeyPointManager(models.Manager):
    def get_by_natural_key(self, question_slug, order):
        return self.get(question__slug=question_slug, order=order)


class KeyPoint(models.Model):
    """One thing a complete answer covers, with the words that show it was covered."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="key_points")
    order = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)
    keywords = models.TextField(
        help_text="Comma-separated words or phrases, synonyms included; "
        "an answer that uses any of them covers this point."
    )

    objects = KeyPointManager()

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="key_point_unique_order")
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.question.natural_key(), self.order)

    natural_key.dependencies = ["practice.question"]

    @property
    def keyword_list(self) -> list[str]:
        return comma_list(self.keywords)


class SearchDocument(models.Model):
    """A question's words as PostgreSQL's full text search indexes them (practice.search).

    Only on PostgreSQL; SQLite keeps the same words in an FTS5 table that migration 0017
    creates there. Rebuilt from the question and its key points, never edited.
    """

    # DO_NOTHING: Django would look for the rows on SQLite too, where the table does not
    # exist; practice.search deletes the row of a deleted question (post_delete).
    question = models.OneToOneField(
        Question, primary_key=True, on_delete=models.DO_NOTHING, related_name="search_document"
    )
    document = SearchVectorField()

    class Meta:
        required_db_vendor = "postgresql"
        # Questions change seldom: each write goes straight into the index, whose scans then
        # stay cheap (and the planner chooses them) without waiting for a vacuum.
        indexes = [GinIndex(fields=["document"], name="search_document_gin", fastupdate=False)]

    def __str__(self):
        return f"Search entry of question {self.question_id}"


MISTAKE_SEPARATOR = "=>"


def validate_single_line(value: str) -> None:
    """Import files hold one mistake a line, so a claim or correction may not break the line."""
    if "\n" in value or "\r" in value:
        raise ValidationError("Write it on one line, without line breaks.")


def validate_no_mistake_separator(value: str) -> None:
    """The import format splits a line at the first `=>`: the claim may not hold one."""
    if MISTAKE_SEPARATOR in value:
        raise ValidationError(
            f"The claim may not contain “{MISTAKE_SEPARATOR}”, which separates it from its "
            "correction in import files."
        )


class CommonMistakeManager(models.Manager):
    def get_by_natural_key(self, question_slug, order):
        return self.get(question__slug=question_slug, order=order)


class CommonMistake(models.Model):
    """A wrong claim candidates often make in answer to a question, and what is right instead.

    Shown after the answer is in, for the learner to check their own text against: the one
    thing matching words to key points cannot judge.
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="common_mistakes"
    )
    order = models.PositiveSmallIntegerField(default=1)
    claim = models.CharField(
        max_length=300,
        validators=[validate_single_line, validate_no_mistake_separator],
        help_text="The wrong claim, as a candidate would say it.",
    )
    correction = models.CharField(
        max_length=600,
        validators=[validate_single_line],
        help_text="What is right, and why.",
    )

    objects = CommonMistakeManager()

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "order"], name="common_mistake_unique_order"
            )
        ]

    def __str__(self):
        return self.claim

    def natural_key(self):
        return (*self.question.natural_key(), self.order)

    natural_key.dependencies = ["practice.question"]


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="bookmarks")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="bookmark_once_per_question")
        ]

    def __str__(self):
        return f"{self.user} bookmarked {self.question}"


class QuestionNote(models.Model):
    """A user's private note on a question."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_notes"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=5000)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="note_once_per_question")
        ]

    def __str__(self):
        return f"Note by {self.user} on {self.question}"


class QuestionFlag(models.Model):
    """A user's report that a question is unclear, wrong or a duplicate, for editors to resolve."""

    class Reason(models.TextChoices):
        UNCLEAR = "unclear", "Unclear"
        WRONG = "wrong", "Wrong or misleading"
        DUPLICATE = "duplicate", "Duplicate of another question"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_flags"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    comment = models.TextField(max_length=2000, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created"]
        constraints = [
            # A double submit must not file the same open flag twice.
            models.UniqueConstraint(
                fields=["user", "question", "reason"],
                condition=Q(resolved_at__isnull=True),
                name="flag_one_open_per_reason",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["unclear", "wrong", "duplicate"]), name="flag_reason_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.question}"


GRADE_MIN = 0
GRADE_MAX = 4
ANSWER_MAX_CHARS = 20_000


class Grade(models.IntegerChoices):
    """The 0–4 answer scale, anchored like the skill levels so the two can be compared."""

    WRONG = 0, "0 · No answer or wrong"
    TERMS = 1, "1 · Recalls terms only"
    PARTIAL = 2, "2 · Partly right"
    COMPLETE = 3, "3 · Correct and complete"
    READY = 4, "4 · Interview-ready"


GRADE_DESCRIPTORS = {
    Grade.WRONG: "No answer, or the answer is wrong.",
    Grade.TERMS: "You recalled the right terms, but the explanation is wrong or missing.",
    Grade.PARTIAL: "Partly right, with gaps an interviewer would probe.",
    Grade.COMPLETE: "Correct and complete.",
    Grade.READY: "Interview-ready: correct, complete, with trade-offs and an example.",
}


class PracticeSession(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice"
        MOCK = "mock", "Mock interview"

    class Source(models.TextChoices):
        MIXED = "mixed", "Mixed: due reviews first, then new questions"
        DUE = "due", "Due for review"
        NEW = "new", "New questions"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.PRACTICE)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MIXED)
    filters = models.JSONField(default=dict, blank=True, help_text="What the user asked for.")
    time_limit_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Mock interviews only: the total time allowed."
    )
    started_at = models.DateTimeField()
    # A mock interview's clock runs from the learner's press on Start, not from its creation:
    # the deadline is computed from it on the server, so a reload changes nothing.
    clock_started_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Mock interviews only: when the learner pressed Start; the time runs from it.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(
        "ended at time-up",
        default=False,
        help_text="Mock interviews only: ended by the clock, not by the last answer.",
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="session_user_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=["practice", "mock"]), name="session_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=["mixed", "due", "new"]), name="session_source_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} of {self.user} on {self.started_at:%Y-%m-%d}"

    @property
    def is_mock(self) -> bool:
        return self.mode == self.Mode.MOCK

    @property
    def label(self) -> str:
        """What the learner calls this session: a mock interview, a review of due questions,
        or practice."""
        if not self.is_mock and self.source == self.Source.DUE:
            return "Review"
        return self.get_mode_display()


class Attempt(models.Model):
    """One question of a session: shown, then answered, cut off or skipped, then graded."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not answered yet"
        ANSWERED = "answered", "Answered"
        # A mock interview's time ran out while the answer was being written: the text is
        # recorded as it stood, and is not counted as answered.
        CUT_OFF = "cut_off", "Cut off at time-up"
        SKIPPED = "skipped", "Skipped"

    # An attempt counts as practice once the question was answered, cut off or skipped.
    DONE_STATUSES = (Status.ANSWERED, Status.CUT_OFF, Status.SKIPPED)
    # What has a text for the learner to grade (and the AI judge to review).
    GRADABLE_STATUSES = (Status.ANSWERED, Status.CUT_OFF)

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    # Questions with history are retired, not deleted.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempts")
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    draft = models.TextField(blank=True, max_length=ANSWER_MAX_CHARS)
    answer = models.TextField(blank=True, max_length=ANSWER_MAX_CHARS)
    shown_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The time taken, as every page and statistic shows it: the active time where the browser
    # measured it, else the wall time.
    seconds_taken = models.PositiveIntegerField(
        "time taken (s)",
        null=True,
        blank=True,
        help_text="What pages and statistics show: the active time, or the wall time when the "
        "browser did not measure it.",
    )
    active_seconds = models.PositiveIntegerField(
        "active time (s)",
        null=True,
        blank=True,
        help_text="Seconds the question's page was visible, as the browser measured them "
        "(never more than the wall time); empty when the browser sent none.",
    )
    wall_seconds = models.PositiveIntegerField(
        "wall time (s)",
        null=True,
        blank=True,
        help_text="Seconds from the question first shown to the answer recorded, on the server.",
    )
    revealed_early = models.BooleanField(
        "looked at the answer", default=False, help_text="The model answer was shown first."
    )
    # The matcher's suggestion, kept for the record; no statistic reads it.
    coverage = models.FloatField(
        "found by matching",
        null=True,
        blank=True,
        help_text="Share of key points the automatic matching found in the text, 0 to 1.",
    )
    ticked_key_points = models.JSONField(
        default=list, blank=True, help_text="Ids of the key points the user says they covered."
    )
    # The learner's own judgement: what every statistic reads.
    ticked_share = models.FloatField(
        "key points ticked",
        null=True,
        blank=True,
        help_text="Share of the question's key points the user ticked when grading, 0 to 1.",
    )
    grade = models.PositiveSmallIntegerField(null=True, blank=True, choices=Grade.choices)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        indexes = [
            # Also finds a question's earlier grades (true retention) in one step.
            models.Index(
                fields=["user", "question", "graded_at"], name="attempt_user_question_graded"
            ),
            models.Index(fields=["user", "submitted_at"], name="attempt_user_submitted"),
            models.Index(fields=["user", "graded_at"], name="attempt_user_graded"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="attempt_unique_position"
            ),
            models.UniqueConstraint(
                fields=["session", "question"], name="attempt_unique_question"
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=GRADE_MIN, grade__lte=GRADE_MAX),
                name="attempt_grade_range",
            ),
            models.CheckConstraint(
                condition=Q(coverage__isnull=True) | Q(coverage__gte=0, coverage__lte=1),
                name="attempt_coverage_range",
            ),
            models.CheckConstraint(
                condition=Q(ticked_share__isnull=True)
                | Q(ticked_share__gte=0, ticked_share__lte=1),
                name="attempt_ticked_share_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "answered", "cut_off", "skipped"]),
                name="attempt_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.question} ({self.get_status_display()})"


class AIReview(models.Model):
    """The AI judge's verdict on one answer, or where getting it stands.

    The learner's own grade stays the grade of record; this is a second opinion. One request
    is made per (answer text, question version, model): `cache_key` finds an earlier verdict
    on the same text, which is copied rather than asked for again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "AI review in progress"
        RUNNING = "running", "AI review in progress"
        DONE = "done", "AI review ready"
        FAILED = "failed", "The AI review failed"
        LIMITED = "limited", "Daily limit of AI reviews reached"

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="ai_review")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ai_reviews"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    model = models.CharField(max_length=200, help_text="The model that was asked.")
    host = models.CharField(max_length=255, help_text="Where the answer was sent.")
    cache_key = models.CharField(max_length=64, db_index=True)
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The background task last queued for it."
    )
    verdict = models.JSONField(null=True, blank=True)
    suggested_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    from_cache = models.BooleanField(default=False)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="How long the judge took.")

    class Meta:
        indexes = [models.Index(fields=["user", "requested_at"], name="ai_review_user_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(suggested_grade__isnull=True)
                | Q(suggested_grade__gte=GRADE_MIN, suggested_grade__lte=GRADE_MAX),
                name="ai_review_grade_range",
            ),
        ]

    def __str__(self):
        return f"{self.attempt} · {self.get_status_display()}"

    @property
    def pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class ReviewCard(models.Model):
    """The FSRS memory state of one question for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.PositiveSmallIntegerField()
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["user", "due"], name="card_user_due")]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="card_once_per_question")
        ]

    def __str__(self):
        return f"{self.user} · {self.question} due {self.due:%Y-%m-%d}"


class ImportJob(models.Model):
    """An editor's upload of questions: checked in the background, previewed, then imported.

    The file itself is kept in the database so that every server and worker sees it. Only its
    uploader sees the job; it is deleted a day after the upload.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a worker"
        PREVIEWING = "previewing", "Checking the rows"
        READY = "ready", "Preview ready"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    RUNNING_STATUSES = (Status.WAITING, Status.PREVIEWING, Status.IMPORTING)

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    defaults = models.JSONField(default=dict, help_text="What rows leave out, as chosen.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    done = models.PositiveIntegerField("rows done", default=0)
    total = models.PositiveIntegerField("rows in all", default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    # When the import's writing began: what it changed has `updated` from then on.
    applied_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(db_index=True)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["waiting", "previewing", "ready", "importing", "done", "failed"]
                ),
                name="import_job_status_valid",
            )
        ]

    def __str__(self):
        return f"Import of {self.file_name} by {self.uploader} at {self.created:%Y-%m-%d %H:%M}"


class Term(models.Model):
    """Words that say the same thing in an answer: a phrase, its abbreviations and synonyms.

    The matcher treats every equivalent as the phrase itself, so "PR-AUC" in an answer covers a
    key point whose keyword is "area under the precision-recall curve".
    """

    slug = models.SlugField(max_length=80, unique=True)
    phrase = models.CharField(
        max_length=120, help_text="The usual name, e.g. “k-nearest neighbours”."
    )
    equivalents = models.TextField(
        help_text="Comma-separated abbreviations, spellings and synonyms that mean the same, "
        "e.g. “k-NN, kNN, nearest neighbours”."
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase

    def natural_key(self):
        return (self.slug,)

    @property
    def equivalent_list(self) -> list[str]:
        return comma_list(self.equivalents)


class TrialAttempt(models.Model):
    """An answer a visitor wrote on the landing page before having an account.

    Named by a random token kept in the visitor's browser session, so that signing up (or
    logging in) in that browser turns it into the account's first answer. Kept until
    `expires_at`, then never attached and deleted by `manage.py cleanup`. Nothing says who
    wrote it: no user, no address.
    """

    token = models.CharField(max_length=64, unique=True)
    # A trial answer is no history: deleting a question may take it along.
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="trial_attempts")
    answer = models.TextField(max_length=ANSWER_MAX_CHARS)
    shown_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    seconds_taken = models.PositiveIntegerField(null=True, blank=True)
    created = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"Trial answer to {self.question} at {self.submitted_at:%Y-%m-%d %H:%M}"


IMAGE_CONTENT_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"]


class QuestionImage(models.Model):
    """An image shown in a question or an answer, served from our own origin at
    /images/<sha256>.<extension> (practice.images stores and checks them).

    The bytes live in the database so that every app server sees the same images without a
    shared disk; each is at most practice.images.IMAGE_MAX_BYTES.
    """

    class ContentType(models.TextChoices):
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"
        GIF = "image/gif", "GIF"
        WEBP = "image/webp", "WebP"

    data = models.BinaryField()
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    content_type = models.CharField(max_length=20, choices=ContentType.choices, editable=False)
    original_name = models.CharField(max_length=255, editable=False)
    size = models.PositiveIntegerField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_images",
        editable=False,
    )
    # The question it was uploaded with, if any; any question may show any image.
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=IMAGE_CONTENT_TYPES),
                name="question_image_type_valid",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}[
            self.content_type
        ]

    @property
    def url(self) -> str:
        return f"/images/{self.sha256}.{self.extension}"
