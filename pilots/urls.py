from django.urls import path
from django.utils.translation import gettext_lazy as _

from doorstroom.views import module_pending

app_name = "pilots"

urlpatterns = [
    path("", module_pending, {"title": _("Pilots")}, name="list"),
]
