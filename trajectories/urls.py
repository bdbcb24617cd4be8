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

urlpatterns += [
    path("<int:pk>/fase-starten/", views.PhaseStartView.as_view(), name="phase-start"),
    path("<int:pk>/fase-afronden/", views.PhaseCompleteView.as_view(), name="phase-complete"),
    path("<int:pk>/stopzetten/", views.TrajectoryStopView.as_view(), name="stop"),
    path("<int:pk>/uitkomst/", views.OutcomeRecordView.as_view(), name="outcome"),
    path("<int:pk>/stap-ongedaan/", views.LastStepUndoView.as_view(), name="undo"),
]
