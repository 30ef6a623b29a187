from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from assessments.forms import QuickStartForm, RoleChoiceForm, StepForm
from assessments.guide import guide_sections
from assessments.models import RoleProfile, SalaryBenchmark
from assessments.pages import gaps_page
from assessments.queries import (
    default_role,
    latest_complete,
    skill_refs,
    skills_with_rubrics,
    target_role_for,
    targets_of,
)
from assessments.snapshots import (
    assessment_for_user,
    current_draft,
    draft_answers,
    finish_draft,
    history_page,
    save_quick_start,
    save_step,
    snapshot_detail,
    start_draft,
)
from assessments.step_pages import error_summary, missing_skills, step_page, step_url
from assessments.steps import Step, quick_start_skills, rated_count, resume_step, steps_of
from mlcareer.accounts import profile_for
from mlcareer.post_limits import cut_oversized_post


@login_not_required
@require_safe
def role_guide(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/role_guide.html",
        {"sections": guide_sections(), "salaries": list(SalaryBenchmark.objects.all())},
    )


def _steps() -> list[Step]:
    return steps_of(skills_with_rubrics())


@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    """The way in: continue the draft, the quick start, or the full self-assessment."""
    if request.method == "POST":
        # A new one starts at the first step, even when the last answers fill every step; one
        # in progress (a second tab, an old page) continues where it stopped.
        draft, started = start_draft(user=request.user, now=timezone.now())
        if started:
            return redirect(step_url(draft, 1))
        levels, _ = draft_answers(draft)
        return redirect(step_url(draft, resume_step(_steps(), levels)))
    latest = latest_complete(request.user)
    role = target_role_for(request.user, latest) or default_role()
    skills = skill_refs()
    return render(
        request,
        "assessments/assessment_start.html",
        {
            "draft": current_draft(request.user),
            "latest": latest,
            "role": role,
            "has_target_role": profile_for(request.user).target_role_id is not None,
            "quick_skills": quick_start_skills(skills, targets_of(role)),
            "total": len(skills),
            "step_count": len(steps_of(skills)),
        },
    )


def _already_finished(request: HttpRequest, assessment) -> HttpResponse:
    """A page of an assessment finished meanwhile: a second click on Finish, another tab."""
    if "finish" in request.POST:
        messages.success(request, "Self-assessment saved. Here are your gaps.")
        return redirect("assessments:gaps")
    if request.method == "POST":
        messages.info(
            request, "This self-assessment is finished; start a new one to change a rating."
        )
    return redirect("assessments:detail", assessment.pk)


def _next(post, number: int, steps: int) -> int | str:
    """What the button pressed asks for: "finish", "later", or the number of a step."""
    if "finish" in post or ("next" in post and number == steps):
        return "finish"
    if "later" in post:
        return "later"
    if "back" in post:
        return max(number - 1, 1)
    goto = post.get("goto", "")
    if goto.isdigit() and 1 <= int(goto) <= steps:
        return int(goto)
    return min(number + 1, steps)


@cut_oversized_post
@require_http_methods(["GET", "POST"])
def assessment_step(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One skill area of the user's draft; every button saves what this step shows."""
    assessment = assessment_for_user(user=request.user, pk=pk)
    steps = _steps()
    if not 1 <= number <= len(steps):
        raise Http404("No such step.")
    if not assessment.is_draft:
        return _already_finished(request, assessment)
    step = steps[number - 1]
    is_last = number == len(steps)
    levels, evidence = draft_answers(assessment)
    initial = {"role_profile": assessment.role_profile, "note": assessment.note}
    for skill in step.skills:
        initial[StepForm.level_name(skill)] = levels.get(skill.pk)
        initial[StepForm.evidence_name(skill)] = evidence.get(skill.pk, "")
    form = StepForm(
        request.POST or None, initial=initial, skills=step.skills, with_details=is_last
    )
    summary = None
    if request.method == "POST" and form.is_valid():
        details = (
            {"role_profile": form.cleaned_data["role_profile"], "note": form.cleaned_data["note"]}
            if is_last
            else {}
        )
        saved = save_step(
            user=request.user,
            draft_id=assessment.pk,
            levels=form.levels(),
            evidence=form.evidence(),
            **details,
        )
        if saved is None:
            return _already_finished(request, assessment)
        action = _next(request.POST, number, len(steps))
        levels, _ = draft_answers(assessment)
        if action == "later":
            messages.success(
                request,
                f"Saved: {rated_count(skill_refs(), levels)} of {len(skill_refs())} skills "
                "rated. Continue whenever you like.",
            )
            return redirect("assessments:list")
        if action != "finish":
            return redirect(step_url(assessment, action))
        _, missing_ids = finish_draft(
            user=request.user, draft_id=assessment.pk, now=timezone.now()
        )
        if not missing_ids:
            messages.success(request, "Self-assessment saved. Here are your gaps.")
            return redirect("assessments:gaps")
        missing = missing_skills(steps, missing_ids)
        for skill in step.skills:
            if skill.pk in missing_ids:
                form.add_error(StepForm.level_name(skill), StepForm.missing_level)
        summary = error_summary(
            form=form, steps=steps, current=number, assessment=assessment, missing=missing
        )
    elif request.method == "POST":
        summary = error_summary(form=form)
    return render(
        request,
        "assessments/assessment_form.html",
        step_page(
            assessment=assessment,
            steps=steps,
            number=number,
            form=form,
            levels=levels,
            summary=summary,
        ),
    )


def _posted_role(request: HttpRequest) -> RoleProfile | None:
    try:
        return QuickStartForm.base_fields["role_profile"].clean(request.POST.get("role_profile"))
    except ValidationError:
        return None


@cut_oversized_post
@require_http_methods(["GET", "POST"])
def quick_start(request: HttpRequest) -> HttpResponse:
    """The five skills the target role needs most, on one page; finishing makes a snapshot."""
    latest = latest_complete(request.user)
    chosen = target_role_for(request.user, latest)
    role_form = None
    if chosen is None:
        # No target role yet: the learner picks one here, the first role being the default.
        role_form = RoleChoiceForm(request.GET or None, initial={"role": default_role()})
        chosen = role_form.cleaned_data["role"] if role_form.is_valid() else default_role()
    if request.method == "POST":
        chosen = _posted_role(request) or chosen  # the role the page was shown for
    targets = targets_of(chosen)
    skills = quick_start_skills(skills_with_rubrics(), targets)
    draft = current_draft(request.user)
    source = draft or latest
    initial = {"role_profile": chosen}
    if source is not None:
        levels, evidence = draft_answers(source)
        for skill in skills:
            initial[QuickStartForm.level_name(skill)] = levels.get(skill.pk)
            initial[QuickStartForm.evidence_name(skill)] = evidence.get(skill.pk, "")
    form = QuickStartForm(request.POST or None, initial=initial, skills=skills) if skills else None
    summary = None
    if request.method == "POST" and form is not None:
        if form.is_valid():
            save_quick_start(
                user=request.user,
                role_profile=form.cleaned_data["role_profile"],
                levels=form.levels(),
                evidence=form.evidence(),
                now=timezone.now(),
                form_key=form.cleaned_data["form_key"],
            )
            messages.success(
                request,
                f"Self-assessment saved with {len(skills)} skills rated. Here are your gaps.",
            )
            return redirect("assessments:gaps")
        summary = error_summary(form=form)
    return render(
        request,
        "assessments/assessment_quick.html",
        {
            "role": chosen,
            "role_form": role_form,
            "form": form,
            "rows": [(*row, targets.get(row[0].pk)) for row in form.rows()] if form else [],
            "summary": summary,
            "others": len(skill_refs()) - len(skills),
        },
    )


@require_safe
def assessment_list(request: HttpRequest) -> HttpResponse:
    page, rows = history_page(user=request.user, page_number=request.GET.get("page"))
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "page": page,
            "rows": rows,
            "draft": current_draft(request.user),
            "total": len(skill_refs()),
        },
    )


@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for_user(user=request.user, pk=pk)
    if assessment.is_draft:
        levels, _ = draft_answers(assessment)
        return redirect(step_url(assessment, resume_step(_steps(), levels)))
    return render(request, "assessments/assessment_detail.html", snapshot_detail(assessment))


@require_safe
def gaps(request: HttpRequest) -> HttpResponse:
    return render(
        request, "assessments/gaps.html", gaps_page(user=request.user, now=timezone.now())
    )
