from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments.guide import guide_sections, salary_chart_data
from assessments.models import SalaryBenchmark


@login_not_required
@require_GET
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
