"""The import of questions from a file: what each row would do (the preview), then doing it.

`import_preview` reads every row of an `ImportFile` against the bank and says, row by row, what
would happen: a new question, a change (each field with its value before and after), no change,
or an error that stops the whole import. `import_apply` checks the rows again as the preview
does, and writes them only when no row has an error, in one transaction.

Key points are updated in place: matched by identical text first, then by position among the
rest, so a point keeps its id through any re-import, and the attempts that ticked it keep their
ticks. Only a point the file no longer holds is deleted.

Work is done a chunk of rows at a time, with the same few queries for any chunk: the bank's
questions of the chunk's slugs with their skills, key points and mistakes; topics and skills
are read once.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Skill
from practice.images import archive_images_resolve, image_refusal, image_store
from practice.import_formats import ImportFile, ImportRow
from practice.models import (
    UNKNOWN_SOURCE,
    CommonMistake,
    KeyPoint,
    Question,
    QuestionImage,
    Topic,
    comma_list,
)
from practice.question_columns import (
    COLUMNS,
    REQUIRED_COLUMNS,
    KeyPointLine,
    common_mistakes_format,
    common_mistakes_parse,
    key_points_format,
    key_points_parse,
    minutes_parse,
)
from practice.rendering import OUR_IMAGE_PATH, markdown_display_problems
from practice.search import search_index_deferred

CHUNK_ROWS = 250
NEW, CHANGE, UNCHANGED, ERROR = "new", "change", "no change", "error"
# The question's own fields a row sets, in the order the preview lists their changes.
SCALAR_FIELDS = [
    "title",
    "topic",
    "difficulty",
    "kind",
    "status",
    "suggested_minutes",
    "prompt",
    "model_answer",
    "source_name",
    "source_url",
    "source_licence",
]
CHOICE_FIELDS = {
    "difficulty": Question.Difficulty,
    "kind": Question.Kind,
    "status": Question.Status,
}
# Orders a moving key point takes for a moment, clear of every real order, so that no two
# points of a question hold one order at once (PostgreSQL checks it row by row).
_PARKED_ORDER = 30_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportDefaults:
    """What a new question takes where its row leaves a field out (an empty cell, or a column
    the file does not have). An existing question keeps its own value there instead."""

    topic: str = ""  # a topic's slug
    skills: tuple[str, ...] = ()  # skill slugs
    difficulty: str = ""
    kind: str = ""
    status: str = Question.Status.DRAFT
    suggested_minutes: int | None = None
    # Whether a topic the file names that the bank lacks is created (else its rows are refused):
    # a public set's sections rarely match the bank's topics.
    create_topics: bool = False

    def as_json(self) -> dict:
        return {**asdict(self), "skills": list(self.skills)}

    @classmethod
    def from_json(cls, data: dict) -> "ImportDefaults":
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**{**known, "skills": tuple(known.get("skills", ()))})


@dataclass
class FieldChange:
    field: str
    before: str
    after: str


@dataclass
class RowReport:
    place: str  # "line 40", as the file's editor counts
    slug: str
    title: str
    action: str = NEW
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    format_name: str
    rows: list[RowReport] = field(default_factory=list)
    # What is wrong with the file as a whole (its columns, or no rows at all).
    file_errors: list[str] = field(default_factory=list)
    # What reading the file left out (an Anki sound, a stray file in an archive).
    file_notes: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def totals(self) -> dict[str, int]:
        counts = {NEW: 0, CHANGE: 0, UNCHANGED: 0, ERROR: 0}
        for row in self.rows:
            counts[row.action] += 1
        return {
            "new": counts[NEW],
            "changed": counts[CHANGE],
            "unchanged": counts[UNCHANGED],
            "errors": counts[ERROR],
            "warnings": sum(1 for row in self.rows if row.warnings),
        }

    @property
    def blocked(self) -> bool:
        """Whether nothing may be imported: the file or a row has an error."""
        return bool(self.file_errors) or any(row.action == ERROR for row in self.rows)

    @property
    def summary(self) -> str:
        totals = self.totals
        if self.file_errors:
            return "Nothing can be imported from this file: " + " ".join(self.file_errors)
        if totals["errors"]:
            rows = "1 row has" if totals["errors"] == 1 else f"{totals['errors']} rows have"
            return (
                f"{rows} errors, so nothing {'was' if self.applied else 'will be'} imported: "
                "correct the file and upload it again."
            )
        if not totals["new"] and not totals["changed"]:
            count = totals["unchanged"]
            questions = "1 question is" if count == 1 else f"{count} questions are"
            return f"No changes: the {questions} as the file says."
        counts = (
            f"{totals['new']} new, {totals['changed']} changed, {totals['unchanged']} unchanged"
        )
        return f"Imported: {counts}." if self.applied else f"To import: {counts}."

    def as_json(self) -> dict:
        return {**asdict(self), "totals": self.totals}

    @classmethod
    def from_json(cls, data: dict) -> "ImportReport":
        rows = [
            RowReport(
                **{
                    **row,
                    "changes": [FieldChange(**change) for change in row.get("changes", [])],
                }
            )
            for row in data.get("rows", [])
        ]
        return cls(
            format_name=data.get("format_name", ""),
            rows=rows,
            file_errors=list(data.get("file_errors", [])),
            file_notes=list(data.get("file_notes", [])),
            applied=bool(data.get("applied", False)),
        )


def file_problems(file: ImportFile) -> list[str]:
    """What makes the whole file unusable, in sentences: its columns, or no rows."""
    problems = []
    missing = [column for column in REQUIRED_COLUMNS if column not in file.columns]
    unknown = [column for column in file.columns if column not in COLUMNS]
    if missing or unknown:
        found = []
        if missing:
            found.append(f"missing columns: {', '.join(missing)}")
        if unknown:
            found.append(f"unknown columns: {', '.join(unknown)}")
        problems.append(
            f"The file's columns do not fit ({'; '.join(found)}). Required: "
            f"{', '.join(REQUIRED_COLUMNS)}; the others may be left out: "
            f"{', '.join(c for c in COLUMNS if c not in REQUIRED_COLUMNS)}."
        )
    if not file.rows:
        problems.append(
            f"The {file.format_name} file holds no questions: add one {file.place_word} a "
            "question (an export of the question list shows the shape)."
        )
    return problems


# The rows, planned


class _Catalogue:
    """Topics and skills, read once, found by slug or by name, ignoring case."""

    def __init__(self):
        self.topics = list(Topic.objects.order_by("slug"))
        self.skills = list(Skill.objects.order_by("slug"))
        self._topics = self._index(self.topics)
        self._skills = self._index(self.skills)
        self.topic_slugs = {topic.pk: topic.slug for topic in self.topics}
        self.skill_slugs = {skill.pk: skill.slug for skill in self.skills}
        self.new_topics: list[Topic] = []

    @staticmethod
    def _index(entries) -> dict[str, object]:
        found = {}
        for entry in entries:
            found.setdefault(entry.name.strip().lower(), entry)
        for entry in entries:
            found[entry.slug.lower()] = entry
        return found

    def topic(self, value: str) -> Topic | None:
        key = value.strip().lower()
        return self._topics.get(key) or self._topics.get(slugify(value))

    def topic_to_create(self, value: str) -> Topic | None:
        """A new topic named `value`, saved when the import is (once however many rows name
        it); None when the name makes no slug."""
        slug = slugify(value)[: Topic._meta.get_field("slug").max_length].strip("-")
        if not slug:
            return None
        if slug not in self._topics:
            name = " ".join(value.split())[: Topic._meta.get_field("name").max_length]
            self._topics[slug] = self._topics[name.lower()] = Topic(
                name=name, slug=slug, order=len(self.topics) + len(self.new_topics) + 1
            )
            self.new_topics.append(self._topics[slug])
        return self._topics[slug]

    def skill(self, value: str) -> Skill | None:
        return self._skills.get(value.strip().lower())

    def no_topic(self, value: str) -> str:
        slugs = ", ".join(topic.slug for topic in self.topics) or "none yet (add one first)"
        return (
            f"there is no topic “{value}”; the topics are: {slugs}. To add it, tick “Create "
            "missing topics” on the upload page."
        )

    def no_skill(self, values: list[str]) -> str:
        named = _listed([f"“{value}”" for value in values])
        missing = (
            f"there is no skill {named}" if len(values) == 1 else f"there are no skills {named}"
        )
        slugs = ", ".join(skill.slug for skill in self.skills) or "none yet (add one first)"
        return f"{missing}; the skills are: {slugs}."


@dataclass
class _Plan:
    report: RowReport
    values: dict  # the question's own fields, topic as a Topic
    existing: Question | None = None
    skill_ids: list[int] | None = None  # None: the question's skills stay as they are
    key_points: list[KeyPointLine] = field(default_factory=list)
    mistakes: list[tuple[str, str]] | None = None  # None: the mistakes stay as they are
    # What the bank held, kept for the writing once `existing` takes the row's values.
    stored_skills: list[int] = field(default_factory=list)
    stored_points: list[KeyPoint] = field(default_factory=list)
    stored_mistakes: list[CommonMistake] = field(default_factory=list)


def _slug_places(file: ImportFile) -> dict[str, list[str]]:
    """The places of the rows of each slug, compared ignoring case."""
    places = defaultdict(list)
    for row in file.rows:
        slug = _row_slug(row)
        if slug:
            places[slug.lower()].append(str(row.place))
    return places


def _row_slug(row: ImportRow) -> str:
    return (row.cells.get("slug") or "").strip() or slugify(row.cells.get("title") or "")[:120]


def _listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else items[0]


def _texts(
    row: ImportRow, file: ImportFile, warnings: list[str], known_images: frozenset[str]
) -> tuple[str, str]:
    """The prompt and model answer of a row, its images pointed at our URLs for the images
    that came with the file; what will not show as written is added to `warnings`."""
    texts = []
    for column in ("prompt", "model_answer"):
        text = row.cells.get(column) or ""
        problems = []
        if file.images:
            text, problems = archive_images_resolve(text, file.images, store=False)
        problems += markdown_display_problems(text, known_images=known_images)
        warnings.extend(f"{column}: {problem}" for problem in problems)
        texts.append(text)
    return texts[0], texts[1]


def _known_images(file: ImportFile) -> frozenset[str]:
    """The sha256 of every image the rows may show once imported: those that came with the
    file, and those of ours the texts name that are stored already (one query)."""
    coming = {
        hashlib.sha256(data).hexdigest()
        for name, data in file.images.items()
        if not image_refusal(data, name)
    }
    named = {
        sha
        for row in file.rows
        for column in ("prompt", "model_answer")
        for sha in OUR_IMAGE_PATH.findall(row.cells.get(column) or "")
    } - coming
    stored = QuestionImage.objects.filter(sha256__in=named).values_list("sha256", flat=True)
    return frozenset(coming | (set(stored) if named else set()))


def _images_store(file: ImportFile, plans: list[_Plan], *, user) -> None:
    """Store the file's images that the written questions show."""
    shown = {
        sha
        for plan in plans
        for column in ("prompt", "model_answer")
        for sha in OUR_IMAGE_PATH.findall(plan.values.get(column) or "")
    }
    for name, data in file.images.items():
        if hashlib.sha256(data).hexdigest() in shown and not image_refusal(data, name):
            image_store(data, name=name, user=user)


def _field_errors(candidate: Question, *, exclude: list[str]) -> list[str]:
    try:
        candidate.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _plan_row(
    row: ImportRow,
    file: ImportFile,
    *,
    existing: Question | None,
    catalogue: _Catalogue,
    defaults: ImportDefaults,
    slug_places: dict[str, list[str]],
    known_images: frozenset[str],
) -> _Plan:
    cells = row.cells
    title = (cells.get("title") or "").strip()
    slug = _row_slug(row)
    # A NUL is shown as the symbol for it: the report is stored, and PostgreSQL's JSON cannot
    # hold the character itself.
    report = RowReport(
        place=file.where(row), slug=slug.replace("\x00", "␀"), title=title.replace("\x00", "␀")
    )
    errors, warnings = report.errors, report.warnings
    plan = _Plan(report=report, values={}, existing=existing)

    errors.extend(
        f"{column} contains a NUL character, which text cannot hold; remove it."
        for column, value in cells.items()
        if "\x00" in (value or "")
    )
    if errors:
        return plan
    if not slug:
        errors.append("the row has neither a slug nor a title to make one from; give a slug.")
    elif not (cells.get("slug") or "").strip() and "slug" in file.columns:
        warnings.append(f"the slug is empty: “{slug}” is made from the title.")
    if len(places := slug_places.get(slug.lower(), [])) > 1:
        errors.append(
            f"{file.place_word.capitalize()}s {_listed(places)} have the same slug “{slug}” "
            "(slugs are compared ignoring case). Each question needs its own slug."
        )

    def given(column: str) -> str:
        return (cells.get(column) or "").strip()

    values = plan.values
    prompt, model_answer = _texts(row, file, warnings, known_images)
    values.update(title=title, prompt=prompt, model_answer=model_answer)

    if value := given("topic"):
        values["topic"] = catalogue.topic(value)
        if values["topic"] is None and defaults.create_topics:
            values["topic"] = catalogue.topic_to_create(value)
        if values["topic"] is None:
            errors.append(catalogue.no_topic(value))
        elif values["topic"].pk is None:
            warnings.append(f"the topic “{values['topic'].name}” is new: it will be created.")
    elif existing is not None:
        values["topic"] = existing.topic
    elif defaults.topic and catalogue.topic(defaults.topic):
        values["topic"] = catalogue.topic(defaults.topic)
    else:
        errors.append(
            "the topic is missing: name one in the file's topic column, or choose a default "
            "topic on the upload page."
        )

    for name, choices in CHOICE_FIELDS.items():
        value = given(name)
        if not value:
            value = getattr(existing, name) if existing is not None else getattr(defaults, name)
        if not value:
            errors.append(
                f"the {name} is missing: give it in the file ({', '.join(choices.values)}), "
                "or choose a default on the upload page."
            )
        elif value not in choices.values:
            errors.append(
                f"the {name} “{value}” is not a valid choice; choose one of: "
                f"{', '.join(choices.values)}."
            )
        values[name] = value

    if value := given("suggested_minutes"):
        try:
            values["suggested_minutes"] = minutes_parse(value)
        except ValueError as error:
            errors.append(str(error))
    elif existing is not None:
        values["suggested_minutes"] = existing.suggested_minutes
    else:
        values["suggested_minutes"] = (
            defaults.suggested_minutes or Question._meta.get_field("suggested_minutes").default
        )

    if names := comma_list(given("skills")):
        skills = [catalogue.skill(name) for name in names]
        if unknown := [name for name, skill in zip(names, skills, strict=True) if skill is None]:
            errors.append(catalogue.no_skill(unknown))
        plan.skill_ids = list(dict.fromkeys(skill.pk for skill in skills if skill is not None))
    elif existing is None:
        chosen = [catalogue.skill(slug) for slug in defaults.skills]
        plan.skill_ids = [skill.pk for skill in chosen if skill is not None]
        if not plan.skill_ids:
            errors.append(
                "a question needs at least one skill: list skill slugs in the skills column, "
                "or choose default skills on the upload page."
            )

    for name in ("source_name", "source_url", "source_licence"):
        if name in file.columns:
            values[name] = given(name)
        elif existing is not None:
            values[name] = getattr(existing, name)
        else:
            values[name] = ""
    values["source_name"] = values["source_name"] or UNKNOWN_SOURCE
    if values["source_name"] == UNKNOWN_SOURCE and (
        given("source_url") or given("source_licence")
    ):
        errors.append(
            "the row gives a source link or licence but no source_name: name the source."
        )

    try:
        plan.key_points = key_points_parse(cells.get("key_points") or "")
    except ValueError as error:
        errors.append(str(error))
    for number, point in enumerate(plan.key_points, start=1):
        if point.suggested:
            warnings.append(
                f"key point {number} (“{point.text[:80]}”) has no keywords: suggested "
                f"“{point.keywords}” from its words. Check them, or write the line as "
                "“text :: keyword, keyword”."
            )
    if "common_mistakes" in file.columns:
        try:
            plan.mistakes = common_mistakes_parse(cells.get("common_mistakes") or "")
        except ValueError as error:
            errors.append(str(error))

    # The model's own rules (lengths, Markdown bounds, the link's scheme) on what the row
    # changes; the topic is found already, the slug's uniqueness is what matching by it means.
    candidate = Question(slug=slug, **{k: v for k, v in values.items() if k != "topic"})
    unchecked = ["topic", "author", *CHOICE_FIELDS]
    if existing is not None:
        unchecked += [name for name in values if getattr(existing, name) == values[name]]
    errors.extend(_field_errors(candidate, exclude=unchecked))
    return plan


def _shown(name: str, value, catalogue: _Catalogue) -> str:
    if name == "topic":
        return value.slug if value is not None else ""
    return "" if value is None else str(value)


def _changes(plan: _Plan, catalogue: _Catalogue) -> list[FieldChange]:
    """Each field the row changes, with its value before and after, as the file writes it."""
    existing, values = plan.existing, plan.values
    if existing is None:
        shown = {
            "topic": _shown("topic", values["topic"], catalogue),
            "skills": ", ".join(catalogue.skill_slugs[pk] for pk in plan.skill_ids or []),
            **{name: str(values[name]) for name in (*CHOICE_FIELDS, "suggested_minutes")},
            "key_points": key_points_format(plan.key_points),
            "common_mistakes": _mistakes_text(plan.mistakes or []),
            **{name: values[name] for name in ("source_name", "source_url", "source_licence")},
        }
        return [FieldChange(name, "", after) for name, after in shown.items() if after]
    changes = [
        FieldChange(
            name,
            _shown(name, getattr(existing, name), catalogue),
            _shown(name, values[name], catalogue),
        )
        for name in SCALAR_FIELDS
        if getattr(existing, name) != values[name]
    ]
    stored_skills = [skill.pk for skill in existing.skills.all()]
    if plan.skill_ids is not None and set(plan.skill_ids) != set(stored_skills):
        changes.append(
            FieldChange(
                "skills",
                ", ".join(catalogue.skill_slugs.get(pk, "?") for pk in stored_skills),
                ", ".join(catalogue.skill_slugs[pk] for pk in plan.skill_ids),
            )
        )
    stored_points = list(existing.key_points.all())
    if [(p.text, comma_list(p.keywords)) for p in stored_points] != [
        (p.text, comma_list(p.keywords)) for p in plan.key_points
    ]:
        changes.append(
            FieldChange(
                "key_points", key_points_format(stored_points), key_points_format(plan.key_points)
            )
        )
    if plan.mistakes is not None:
        stored_mistakes = [(m.claim, m.correction) for m in existing.common_mistakes.all()]
        if stored_mistakes != plan.mistakes:
            changes.append(
                FieldChange(
                    "common_mistakes",
                    _mistakes_text(stored_mistakes),
                    _mistakes_text(plan.mistakes),
                )
            )
    return changes


def _mistakes_text(mistakes: list[tuple[str, str]]) -> str:
    return common_mistakes_format(
        CommonMistake(claim=claim, correction=correction) for claim, correction in mistakes
    )


def _existing_questions(slugs: list[str]) -> dict[str, Question]:
    """The bank's questions of these slugs, with what a row compares: 4 queries for any count."""
    questions = (
        Question.objects.filter(slug__in=slugs)
        .select_related("topic")
        .prefetch_related("skills", "key_points", "common_mistakes")
    )
    return {question.slug: question for question in questions}


def _plans(file: ImportFile, defaults: ImportDefaults, progress: Progress | None):
    """Every row planned, a chunk at a time; with the report they make."""
    report = ImportReport(
        format_name=file.format_name, file_errors=file_problems(file), file_notes=list(file.notes)
    )
    if report.file_errors:
        return [], report
    catalogue = _Catalogue()
    slug_places = _slug_places(file)
    known_images = _known_images(file)
    plans, total = [], len(file.rows)
    for start in range(0, total, CHUNK_ROWS):
        chunk = file.rows[start : start + CHUNK_ROWS]
        existing = _existing_questions([_row_slug(row) for row in chunk])
        for row in chunk:
            plan = _plan_row(
                row,
                file,
                existing=existing.get(_row_slug(row)),
                catalogue=catalogue,
                defaults=defaults,
                slug_places=slug_places,
                known_images=known_images,
            )
            if plan.report.errors:
                plan.report.action = ERROR
            else:
                plan.report.changes = _changes(plan, catalogue)
                if plan.existing is not None:
                    plan.report.action = CHANGE if plan.report.changes else UNCHANGED
            plans.append(plan)
            report.rows.append(plan.report)
        if progress is not None:
            progress(min(start + CHUNK_ROWS, total), total)
    return plans, report


def import_preview(
    file: ImportFile, *, defaults: ImportDefaults, progress: Progress | None = None
) -> ImportReport:
    """What importing the file would do, row by row; nothing is written."""
    return _plans(file, defaults, progress)[1]


def import_apply(
    file: ImportFile, *, defaults: ImportDefaults, user, progress: Progress | None = None
) -> ImportReport:
    """Check every row as the preview does; when none has an error, write them all at once.

    Rows that change nothing are not written. A question that someone else changed (or a slug
    someone else took) between the check and the writing stops the import, nothing written.
    """
    plans, report = _plans(file, defaults, progress)
    if report.blocked:
        return report
    writing = [plan for plan in plans if plan.report.action in (NEW, CHANGE)]
    with transaction.atomic(), search_index_deferred() as indexed:
        if conflicts := _changed_meanwhile(writing):
            report.file_errors.append(
                f"While the file was checked, {_listed(conflicts)} changed in the bank. "
                "Nothing was imported: upload the file again to see what it would do now."
            )
            return report
        now = timezone.now()
        _images_store(file, writing, user=user)
        for topic in {id(plan.values["topic"]): plan.values["topic"] for plan in writing}.values():
            if topic.pk is None:
                topic.save()
        for start in range(0, len(writing), CHUNK_ROWS):
            _write(writing[start : start + CHUNK_ROWS], user=user, now=now)
        indexed.update(plan.existing.pk for plan in writing)
    report.applied = True
    return report


def _changed_meanwhile(plans: list[_Plan]) -> list[str]:
    found = []
    for start in range(0, len(plans), CHUNK_ROWS):
        chunk = plans[start : start + CHUNK_ROWS]
        stored = dict(
            Question.objects.filter(slug__in=[p.report.slug for p in chunk]).values_list(
                "slug", "updated"
            )
        )
        for plan in chunk:
            slug = plan.report.slug
            if (plan.existing is None and slug in stored) or (
                plan.existing is not None and stored.get(slug) != plan.existing.updated
            ):
                found.append(f"“{slug}”")
    return found


# The writing


def key_points_match(stored: list[KeyPoint], lines: list) -> list[KeyPoint | None]:
    """For each line of the file, the stored point it updates (None: a new point).

    Identical text first, then by position among the points and lines left over, so that a
    reworded point keeps its place and its id; stored points matched to no line are deleted.
    """
    matched: list[KeyPoint | None] = [None] * len(lines)
    left = list(stored)
    for index, line in enumerate(lines):
        same = next((point for point in left if point.text == line.text), None)
        if same is not None:
            matched[index] = same
            left.remove(same)
    for index in range(len(lines)):
        if matched[index] is None and left:
            matched[index] = left.pop(0)
    return matched


def _write(plans: list[_Plan], *, user, now) -> None:
    """One chunk's new and changed questions, in a fixed number of queries."""
    new = [
        Question(slug=plan.report.slug, author=user, **plan.values)
        for plan in plans
        if plan.existing is None
    ]
    Question.objects.bulk_create(new)
    created = iter(new)
    changed = []
    for plan in plans:
        if plan.existing is None:
            plan.existing = next(created)
            continue
        question = plan.existing
        plan.stored_skills = [skill.pk for skill in question.skills.all()]
        plan.stored_points = list(question.key_points.all())
        plan.stored_mistakes = list(question.common_mistakes.all())
        for name, value in plan.values.items():
            setattr(question, name, value)
        question.updated = now
        changed.append(question)
    Question.objects.bulk_update(changed, [*SCALAR_FIELDS, "updated"])
    _write_skills(plans)
    _write_key_points(plans)
    _write_mistakes(plans)


def _write_skills(plans: list[_Plan]) -> None:
    through = Question.skills.through
    redone = [
        plan
        for plan in plans
        if plan.skill_ids is not None and set(plan.skill_ids) != set(plan.stored_skills)
    ]
    through.objects.filter(question_id__in=[plan.existing.pk for plan in redone]).delete()
    through.objects.bulk_create(
        through(question_id=plan.existing.pk, skill_id=skill_id)
        for plan in redone
        for skill_id in plan.skill_ids
    )


def _write_key_points(plans: list[_Plan]) -> None:
    deleted, kept, moving, created = [], [], [], []
    for plan in plans:
        matched = key_points_match(plan.stored_points, plan.key_points)
        used = {point.pk for point in matched if point is not None}
        deleted += [point.pk for point in plan.stored_points if point.pk not in used]
        for order, (point, line) in enumerate(zip(matched, plan.key_points, strict=True), 1):
            if point is None:
                created.append(
                    KeyPoint(
                        question=plan.existing, order=order, text=line.text, keywords=line.keywords
                    )
                )
                continue
            if comma_list(point.keywords) != comma_list(line.keywords):
                point.keywords = line.keywords
            point.text = line.text
            if point.order != order:
                point.order, point.final_order = _PARKED_ORDER + order, order
                moving.append(point)
            kept.append(point)
    KeyPoint.objects.filter(pk__in=deleted).delete()
    KeyPoint.objects.bulk_update(kept, ["text", "keywords", "order"])
    for point in moving:
        point.order = point.final_order
    KeyPoint.objects.bulk_update(moving, ["order"])
    KeyPoint.objects.bulk_create(created)


def _write_mistakes(plans: list[_Plan]) -> None:
    """Mistakes matched by order: an unchanged one left alone, a changed one updated in place,
    those past the end deleted."""
    deleted, changed, created = [], [], []
    for plan in plans:
        if plan.mistakes is None:
            continue
        existing = {mistake.order: mistake for mistake in plan.stored_mistakes}
        for order, (claim, correction) in enumerate(plan.mistakes, start=1):
            mistake = existing.pop(order, None)
            if mistake is None:
                created.append(
                    CommonMistake(
                        question=plan.existing, order=order, claim=claim, correction=correction
                    )
                )
            elif (mistake.claim, mistake.correction) != (claim, correction):
                mistake.claim, mistake.correction = claim, correction
                changed.append(mistake)
        deleted += [mistake.pk for mistake in existing.values()]
    CommonMistake.objects.filter(pk__in=deleted).delete()
    CommonMistake.objects.bulk_update(changed, ["claim", "correction"])
    CommonMistake.objects.bulk_create(created)
