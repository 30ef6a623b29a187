from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from assessments.forms import AssessmentForm
from assessments.guide import guide_sections, salary_chart_data
from assessments.models import RubricLevel, SalaryBenchmark, Skill
from assessments.pages import gaps_page
from assessments.queries import latest_complete, target_role_for
from assessments.snapshots import (
    assessment_for_user,
    assessment_save,
    current_draft,
    history_page,
    snapshot_detail,
)
from mlcareer.post_limits import cut_oversized_post


@login_not_required
@require_safe
def role_guide(request: HttpRequest) -> HttpResponse:
    salaries = list(SalaryBenchmark.objects.all())
    return render(
        request,
        "assessments/role_guide.html",
        {
            "sections": guide_sections(),
            "salaries": salaries,
            "salary_chart": salary_chart_data(salaries),
        },
    )


def _skills_with_rubrics() -> list[Skill]:
    return list(
        Skill.objects.select_related("area")
        .prefetch_related(
            Prefetch("rubric_levels", queryset=RubricLevel.objects.order_by("level"))
        )
        .order_by("area__order", "order", "name")
    )


def _initial(user, skills) -> tuple[dict, object]:
    """Start from the draft if there is one, else from the last snapshot."""
    draft = current_draft(user)
    latest = latest_complete(user)
    source = draft or latest
    initial = {"role_profile": target_role_for(user, latest), "note": draft.note if draft else ""}
    if source is not None:
        by_id = {skill.pk: skill for skill in skills}
        for rating in source.ratings.all():
            if skill := by_id.get(rating.skill_id):
                initial[AssessmentForm.level_name(skill)] = rating.level
                initial[AssessmentForm.evidence_name(skill)] = rating.evidence
        if draft is not None:
            initial["role_profile"] = draft.role_profile
    return initial, draft


@cut_oversized_post
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    skills = _skills_with_rubrics()
    initial, draft = _initial(request.user, skills)
    finishing = "finish" in request.POST
    form = AssessmentForm(
        request.POST or None, initial=initial, skills=skills, finishing=finishing
    )
    if request.method == "POST" and form.is_valid():
        assessment_save(
            user=request.user,
            role_profile=form.cleaned_data["role_profile"],
            note=form.cleaned_data["note"],
            levels=form.levels(),
            evidence=form.evidence(),
            finish=finishing,
            now=timezone.now(),
            form_key=form.cleaned_data["form_key"],
        )
        if finishing:
            messages.success(request, "Self-assessment saved. Here are your gaps.")
            return redirect("assessments:gaps")
        messages.success(request, "Draft saved. Come back to finish it at any time.")
        return redirect("assessments:new")
    if request.method == "POST":
        messages.error(request, "Some answers need attention; everything you entered is kept.")
    return render(
        request,
        "assessments/assessment_form.html",
        {"form": form, "draft": draft},
    )


@require_safe
def assessment_list(request: HttpRequest) -> HttpResponse:
    page, rows = history_page(user=request.user, page_number=request.GET.get("page"))
    return render(
        request,
        "assessments/assessment_list.html",
        {"page": page, "rows": rows, "draft": current_draft(request.user)},
    )


@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for_user(user=request.user, pk=pk)
    if assessment.is_draft:
        return redirect("assessments:new")
    return render(request, "assessments/assessment_detail.html", snapshot_detail(assessment))


@require_safe
def gaps(request: HttpRequest) -> HttpResponse:
    return render(
        request, "assessments/gaps.html", gaps_page(user=request.user, now=timezone.now())
    )
