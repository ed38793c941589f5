"""The Stats page: views over a period, the most-read posts, traffic sources and audience,
as charts with their numbers in tables, and the same numbers as CSV."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from broadsheet.blogs.access import require
from broadsheet.blogs.models import Blog, Membership
from broadsheet.stats import queries
from broadsheet.stats.models import DailySource
from broadsheet.stats.tasks import refresh_if_stale
from broadsheet.studio import charts
from broadsheet.studio.access import blog_view

BAD_PERIOD = "Unknown period: choose now, day, week, month or all."
SOURCES = [(kind.value, kind.label) for kind in DailySource.Kind]


@require_safe
@blog_view()
def stats(request: HttpRequest, member: Membership) -> HttpResponse:
    require(member.can_publish, "Only the blog's admins and authors see its stats.")
    period = request.GET.get("period", "week")
    if period not in queries.PERIODS:
        return HttpResponseBadRequest(BAD_PERIOD)
    refresh_if_stale()
    context = {"blog": member.blog, "member": member, **report(member.blog, period)}
    return render(request, "studio/stats.html", context)


@require_safe
@blog_view()
def stats_csv(request: HttpRequest, member: Membership) -> HttpResponse:
    require(member.can_publish, "Only the blog's admins and authors see its stats.")
    period = request.GET.get("period", "week")
    if period not in queries.PERIODS:
        return HttpResponseBadRequest(BAD_PERIOD)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{member.blog.slug}-{period}.csv"'
    write_csv(response, report(member.blog, period))
    return response


def report(blog: Blog, period: str) -> dict[str, Any]:
    """Everything the page shows, for the template and the CSV alike."""
    now = timezone.now()
    series = queries.series(blog, period, now)
    targets = queries.targets(blog, period, now)
    sources = [(kind, label, queries.sources(blog, kind, period, now)) for kind, label in SOURCES]
    name = queries.PERIODS[period]
    return {
        "period": period,
        "periods": queries.PERIODS.items(),
        "period_name": name,
        "total": queries.total(blog, period, now),
        "series": series,
        "series_chart": charts.columns(f"Views, {name.lower()}", series),
        "targets": targets,
        "targets_chart": charts.bars(
            f"Most-read pages, {name.lower()}", [(t.title, t.views) for t in targets]
        ),
        "sources": [
            (kind, label, rows, charts.bars(f"{label}, {name.lower()}", rows))
            for kind, label, rows in sources
        ],
    }


def write_csv(response: HttpResponse, data: dict[str, Any]) -> None:
    """One table: what each row counts, its name, and its views."""
    out = csv.writer(response)
    out.writerow(["section", "name", "views"])
    out.writerow(["total", data["period_name"], data["total"]])
    out.writerows(("views over time", label, n) for label, n in data["series"])
    out.writerows(("page", _safe(t.title), t.views) for t in data["targets"])
    for _kind, label, rows, _chart in data["sources"]:
        out.writerows((label, _safe(name), n) for name, n in rows)


def _safe(cell: str) -> str:
    """A referrer or title can't become a spreadsheet formula (CSV injection)."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
