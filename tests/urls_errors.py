"""The application's URLs plus one view that fails, to see what a user gets on a server error."""

from django.urls import path

from doorstroom.urls import urlpatterns as app_urlpatterns


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [*app_urlpatterns, path("boom/", boom)]
