"""Each user's own notifications and choices: every role may open them, and sees only its own."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from notifications.forms import PreferencesForm
from notifications.models import Notification
from notifications.services import kinds_for, notification_mark_read, preferences_save
from notifications.texts import notification_text


class NotificationListView(ListView):
    template_name = "notifications/notification_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(n, notification_text(n)) for n in context["object_list"]]
        return context


@require_POST
def mark_read(request, pk: int):
    marked = notification_mark_read(user=request.user, pk=pk)
    if not marked and not Notification.objects.filter(user=request.user, pk=pk).exists():
        raise Http404  # another user's, or none
    return redirect("notifications:list")


@require_POST
def mark_all_read(request):
    count = notification_mark_read(user=request.user)
    messages.success(request, _("%(count)d notification(s) marked read.") % {"count": count})
    return redirect("notifications:list")


def preferences(request):
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        preferences_save(
            user=request.user, choices=form.choices(), language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_kinds": bool(kinds_for(request.user))},
    )
