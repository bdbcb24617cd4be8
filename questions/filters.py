import django_filters
from django.utils.translation import gettext_lazy as _

from questions.models import ParliamentaryQuestion, QuestionStatus


class QuestionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), field_name="date", lookup_expr="year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=QuestionStatus.choices)
    subject = django_filters.CharFilter(label=_("Subject"), lookup_expr="icontains")

    class Meta:
        model = ParliamentaryQuestion
        fields = ["year", "status", "subject"]
