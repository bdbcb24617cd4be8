from django.urls import path

from pilots import views

app_name = "pilots"

urlpatterns = [
    path("", views.PilotListView.as_view(), name="list"),
    path("<int:pk>/", views.PilotDetailView.as_view(), name="detail"),
    path("overzicht/", views.pilot_overview, name="overview"),
    path("doorstroom-met-zorg/", views.care_follow_up, name="care"),
]
