import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from questions.models import ParliamentaryQuestion


class QuestionTable(tables.Table):
    number = tables.Column(verbose_name=_("No."), linkify=True)
    date = tables.DateColumn(verbose_name=_("Date"), format="d/m/Y")
    asked_by = tables.Column(verbose_name=_("Asked by"))
    subject = tables.Column(verbose_name=_("Subject"), linkify=True)
    status = tables.Column(verbose_name=_("Status"))
    deadline = tables.DateColumn(verbose_name=_("Deadline"), format="d/m/Y", default="—")
    subquestion_count = tables.Column(
        verbose_name=_("Sub-questions"), attrs={"td": {"class": "num"}}
    )
    pack_count = tables.Column(verbose_name=_("Packs"), attrs={"td": {"class": "num"}})

    class Meta:
        model = ParliamentaryQuestion
        fields = ("number", "date", "asked_by", "subject", "status", "deadline")
        empty_text = _("No questions match these filters.")
        attrs = {"class": "table"}
