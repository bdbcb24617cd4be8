import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom.filters import YesNoFilter
from questions.models import DUE_SOON_DAYS, ParliamentaryQuestion, QuestionStatus


class QuestionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), field_name="date", lookup_expr="year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=QuestionStatus.choices)
    subject = django_filters.CharFilter(label=_("Subject"), lookup_expr="icontains")
    due = YesNoFilter(
        label=_("Due within 14 days"),
        method="filter_due",
        help_text=_("Not answered yet, with a deadline within 14 days or already past."),
    )

    class Meta:
        model = ParliamentaryQuestion
        fields = ["year", "status", "subject", "due"]

    def filter_due(self, queryset, name, value):
        return queryset.filter(due_soon()) if value else queryset.exclude(due_soon())


def due_soon(today: dt.date | None = None) -> Q:
    """Questions still to answer whose deadline is within DUE_SOON_DAYS days, or past."""
    soon = (today or timezone.localdate()) + dt.timedelta(days=DUE_SOON_DAYS)
    return Q(deadline__lte=soon) & ~Q(status=QuestionStatus.ANSWERED)
