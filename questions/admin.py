from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from doorstroom.admin_scope import ScopedAdminMixin
from doorstroom.exports import all_exports
from questions.models import (
    AnswerPack,
    AnswerPackTable,
    AnswerTable,
    ParliamentaryQuestion,
    SubQuestion,
)


class SubQuestionInline(ScopedAdminMixin, admin.StackedInline):
    model = SubQuestion
    extra = 0


@admin.register(ParliamentaryQuestion)
class ParliamentaryQuestionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "date", "asked_by", "subject", "status", "deadline"]
    list_filter = ["status", "date"]
    search_fields = ["=number", "subject", "asked_by"]
    date_hierarchy = "date"
    inlines = [SubQuestionInline]


def publishable_export_choices() -> list[tuple[str, str]]:
    return [(e.name, f"{e.name}: {e.title}") for e in all_exports() if e.may_be_published()]


class AnswerTableForm(forms.ModelForm):
    # Chosen from the registered exports (evaluated per form, so a new export shows at once).
    export_name = forms.ChoiceField(label=_("export"), choices=publishable_export_choices)

    class Meta:
        model = AnswerTable
        fields = ["subquestion", "export_name", "filters", "title", "answers", "position"]


class AnswerTableInline(ScopedAdminMixin, admin.TabularInline):
    model = AnswerTable
    form = AnswerTableForm
    extra = 0


@admin.register(SubQuestion)
class SubQuestionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["question", "label", "text"]
    list_select_related = ["question"]
    search_fields = ["text", "question__subject"]
    autocomplete_fields = ["question"]
    inlines = [AnswerTableInline]


class AnswerPackTableInline(ScopedAdminMixin, admin.TabularInline):
    model = AnswerPackTable
    extra = 0
    fields = ["position", "subquestion_label", "export_name", "filters", "sha256"]
    readonly_fields = fields
    can_delete = False


@admin.register(AnswerPack)
class AnswerPackAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: a pack is a record of what was sent."""

    list_display = ["question", "generated_at", "generated_by", "checksum"]
    list_select_related = ["question", "generated_by"]
    readonly_fields = ["question", "generated_at", "generated_by", "parameters", "checksum"]
    inlines = [AnswerPackTableInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
