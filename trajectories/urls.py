from django.urls import path
from django.utils.translation import gettext_lazy as _

from doorstroom.views import module_pending

app_name = "trajectories"

urlpatterns = [
    path("", module_pending, {"title": _("Trajectories")}, name="list"),
]
