from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("<int:pk>/gelezen/", views.mark_read, name="mark-read"),
    path("gelezen/", views.mark_all_read, name="mark-all-read"),
    path("voorkeuren/", views.preferences, name="preferences"),
]
