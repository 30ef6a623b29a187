"""The question admin's import pages: the upload, the job with its progress, the preview and
the confirmation, and the result. The work itself is in `practice.import_jobs`."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.models import Skill
from practice.import_formats import ImportFileError, read_upload
from practice.import_jobs import (
    WORKER_STOPPED,
    import_job_confirm,
    import_job_stalled,
    import_job_start,
)
from practice.imports import ERROR, ImportDefaults, ImportReport, file_problems
from practice.models import ImportJob, Question, Topic

IMPORT_MAX_BYTES = 20 * 1024 * 1024
# Files up to this size are read on upload, so that one that cannot be read is refused on the
# form itself; bigger ones are read by the worker.
READ_ON_UPLOAD_BYTES = 2 * 1024 * 1024
ROWS_PER_PAGE = 100
# The template files an editor can start from, by the key their download link takes.
TEMPLATE_FORMATS = [
    ("csv", "CSV"),
    ("xlsx", "Excel (XLSX)"),
    ("json", "JSON"),
    ("md", "Markdown"),
    ("txt", "Anki text export"),
    ("apkg", "Anki package"),
    ("zip", "ZIP of Markdown files with their images"),
]


class QuestionImportForm(forms.Form):
    import_file = forms.FileField(
        label="File to import",
        help_text=f"CSV, XLSX, JSON, Markdown, an Anki export or a ZIP; up to "
        f"{IMPORT_MAX_BYTES // 2**20} MB.",
    )
    topic = forms.ModelChoiceField(
        Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="None: each row names its topic",
        help_text="For new questions whose row names no topic.",
    )
    skills = forms.ModelMultipleChoiceField(
        Skill.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="For new questions whose row lists no skills. Hold Ctrl (⌘ on a Mac) to "
        "choose several.",
    )
    difficulty = forms.ChoiceField(
        choices=[("", "None: each row gives it"), *Question.Difficulty.choices], required=False
    )
    kind = forms.ChoiceField(
        choices=[("", "None: each row gives it"), *Question.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        choices=Question.Status.choices,
        initial=Question.Status.DRAFT,
        help_text="Draft keeps new questions out of practice until you publish them.",
    )
    create_topics = forms.BooleanField(
        label="Create missing topics",
        required=False,
        help_text="Make a new topic of each topic the file names that the bank lacks (a "
        "Markdown file's section, an Anki deck). Without it, such rows are refused, with the "
        "topics there are.",
    )
    suggested_minutes = forms.IntegerField(
        min_value=1,
        max_value=60,
        required=False,
        help_text="From 1 to 60; without it, new questions suggest 5 minutes.",
    )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 2**20:.1f} MB; the limit is "
                f"{IMPORT_MAX_BYTES // 2**20} MB. Split it into smaller files."
            )
        data = b"".join(upload.chunks())
        self.data_bytes = data
        if upload.size > READ_ON_UPLOAD_BYTES:
            # Reading a big file (thousands of Markdown questions) takes longer than a request
            # may; the worker reads it, and its job page says what is wrong.
            return upload
        try:
            file = read_upload(upload.name, data)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        except ValueError as error:
            # A reader's own complaint (a JSON syntax error, a broken archive), in its words.
            raise forms.ValidationError(
                f"“{upload.name}” could not be read ({error}). Save it again from the program "
                "that made it, in one of the formats listed below."
            ) from None
        if problems := file_problems(file):
            raise forms.ValidationError(problems)
        return upload

    def defaults(self) -> ImportDefaults:
        data = self.cleaned_data
        return ImportDefaults(
            topic=data["topic"].slug if data["topic"] else "",
            skills=tuple(skill.slug for skill in data["skills"]),
            difficulty=data["difficulty"],
            kind=data["kind"],
            status=data["status"],
            suggested_minutes=data["suggested_minutes"],
            create_topics=data["create_topics"],
        )


def template_links() -> list[tuple[str, str]]:
    """(label, address) of each template download the site offers."""
    links = []
    for key, label in TEMPLATE_FORMATS:
        try:
            links.append((label, reverse("admin:practice_question_import_template", args=[key])))
        except NoReverseMatch:
            continue
    return links


def preview_rows(report: ImportReport, *, only_problems: bool) -> list:
    """The report's rows as the preview lists them: errors first, then warnings, then the
    rest, each group in the file's order."""
    rows = [row for row in report.rows if not only_problems or row.errors or row.warnings]
    return sorted(rows, key=lambda row: (row.action != ERROR, not row.warnings))


class QuestionImportAdminMixin:
    """The import pages of the question admin; import needs the add and change permissions."""

    import_template_name = "admin/practice/question/import.html"

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="practice_question_import"),
            path(
                "import/<int:job_id>/",
                view(self.import_job_view),
                name="practice_question_import_job",
            ),
            path(
                "import/<int:job_id>/progress/",
                view(self.import_progress_view),
                name="practice_question_import_progress",
            ),
            path(
                "import/<int:job_id>/confirm/",
                view(require_POST(self.import_confirm_view)),
                name="practice_question_import_confirm",
            ),
        ]

    def _import_context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def _own_job(self, request, job_id: int, *, fields=("data",)) -> ImportJob:
        """The user's own job, without the named fields (the file and the report are large)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        jobs = ImportJob.objects.defer(*fields)
        return get_object_or_404(jobs, pk=job_id, uploader=request.user)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = QuestionImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            job = import_job_start(
                uploader=request.user,
                file_name=upload.name,
                data=form.data_bytes,
                defaults=form.defaults(),
            )
            return redirect("admin:practice_question_import_job", job.pk)
        context = self._import_context(
            request, "Import questions", form=form, template_links=template_links()
        )
        return TemplateResponse(request, self.import_template_name, context)

    def _job_state(self, job: ImportJob) -> dict:
        stalled = import_job_stalled(job, now=timezone.now())
        return {
            "job": job,
            "stalled": stalled,
            "running": job.status in ImportJob.RUNNING_STATUSES and not stalled,
            "failure": WORKER_STOPPED if stalled else job.error,
            "step": "Importing" if job.applied_at else "Checking the rows",
        }

    def import_job_view(self, request, job_id: int):
        job = self._own_job(request, job_id)
        state = self._job_state(job)
        context = self._import_context(request, f"Import of {job.file_name}", **state)
        if job.report is not None and not state["running"]:
            report = ImportReport.from_json(job.report)
            totals = report.totals
            only_problems = request.GET.get("show") == "problems"
            rows = preview_rows(report, only_problems=only_problems)
            page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
            context |= {
                "report": report,
                "totals": totals,
                "page": page,
                "only_problems": only_problems,
                "confirmable": job.status == ImportJob.Status.READY
                and not report.blocked
                and totals["new"] + totals["changed"] > 0,
                "changed_link": self._changed_link(job, report),
            }
        return TemplateResponse(request, "admin/practice/question/import_job.html", context)

    def _changed_link(self, job: ImportJob, report: ImportReport) -> str:
        if not report.applied or job.applied_at is None:
            return ""
        query = urlencode({"updated__gte": job.applied_at.isoformat()})
        return f"{reverse('admin:practice_question_changelist')}?{query}"

    def import_progress_view(self, request, job_id: int):
        job = self._own_job(request, job_id, fields=("data", "report"))
        state = self._job_state(job)
        response = TemplateResponse(request, "admin/practice/question/import_progress.html", state)
        if not state["running"]:
            # The page around the bar changes too: the preview, or the result.
            response["HX-Refresh"] = "true"
        return response

    def import_confirm_view(self, request, job_id: int):
        job = self._own_job(request, job_id)
        if not import_job_confirm(job):
            messages.error(
                request,
                "This import cannot be confirmed: it has errors, or it was confirmed already. "
                "Nothing more was imported.",
            )
        return redirect("admin:practice_question_import_job", job.pk)
