from django.urls import path

from mandates import views

app_name = "mandates"

urlpatterns = [
    path("", views.MandateListView.as_view(), name="list"),
    path("<int:project_number>/", views.MandateDetailView.as_view(), name="detail"),
]
