from django.urls import path

from trajectories import views

app_name = "trajectories"

urlpatterns = [
    path("", views.TrajectoryListView.as_view(), name="list"),
    path("<int:pk>/", views.TrajectoryDetailView.as_view(), name="detail"),
    path("termijnen/", views.DeadlineListView.as_view(), name="deadlines"),
    path("uren/", views.HoursView.as_view(), name="hours"),
    path("gezondheidsindex/", views.HealthIndexView.as_view(), name="health-index"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/", views.ImportBatchDetailView.as_view(), name="import-detail"),
]
