from django.urls import path

from questions import views

app_name = "questions"

urlpatterns = [
    path("", views.QuestionListView.as_view(), name="list"),
    path("<int:pk>/", views.QuestionDetailView.as_view(), name="detail"),
    path("<int:pk>/pakket/", views.pack_generate, name="pack-generate"),
    path("pakket/<int:pk>/", views.pack_detail, name="pack-detail"),
    path("pakket/<int:pk>/download/", views.pack_download, name="pack-download"),
    path("pakket/<int:pk>/html/", views.pack_html, name="pack-html"),
]
