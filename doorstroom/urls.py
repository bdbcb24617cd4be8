from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from doorstroom import views
from doorstroom.jobs import views as job_views

admin.site.site_header = _("Doorstroom back office")
admin.site.site_title = _("Doorstroom")

urlpatterns = [
    path("", views.home, name="home"),
    path("gezond/", views.health, name="health"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("mandaten/", include("mandates.urls")),
    path("proeftuinen/", include("pilots.urls")),
    path("trajecten/", include("trajectories.urls")),
    path("vragen/", include("questions.urls")),
    path("betalingen/", include("payments.urls")),
    path("meldingen/", include("notifications.urls")),
    path("taken/<int:pk>/", job_views.job_status, name="job-status"),
    path("taken/<int:pk>/annuleren/", job_views.job_cancel_view, name="job-cancel"),
    path("taken/<int:pk>/bestand/", job_views.job_file_page, name="job-file"),
    path("taken/<int:pk>/bestand/download/", job_views.job_file_download, name="job-file-download"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<slug:name>/", views.export_download, name="export-download"),
    path("beheer/", admin.site.urls),
]
