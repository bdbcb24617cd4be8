from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.models import DEFAULT_DELIVERY, Delivery, Preference
from notifications.services import kinds_for, language_of


class PreferencesForm(forms.Form):
    """A choice of delivery for each kind of the user's role, and the language of e-mails."""

    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
        self.kinds = kinds_for(user)
        for kind in self.kinds:
            self.fields[kind] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=chosen.get(kind, DEFAULT_DELIVERY[kind]),
            )
        self.fields["language"].initial = language_of(user)

    def kind_fields(self):
        return [self[kind] for kind in self.kinds]

    def choices(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in self.kinds}
