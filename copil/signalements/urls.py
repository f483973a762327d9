"""The signalement pages of a plan, included at /plans/<slug>/signalements/ (owned by the pages' branch)."""

from django.urls import URLPattern, URLResolver, path

from . import photo_views, views

app_name = "signalements"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.signalement_list, name="list"),
    path("a-traiter/", views.queue, name="queue"),
    path("mes-signalements/", views.mine, name="mine"),
    path("nouveau/", views.create, name="create"),
    path("routage/", views.routing, name="routing"),
    path("charte/", views.charter, name="charter"),
    path("charte/accepter/", views.charter_accept, name="charter_accept"),
    path("charte/publier/", views.charter_publish, name="charter_publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/prise-en-charge/", views.take, name="take"),
    path("<int:pk>/action-engagee/", views.engage, name="engage"),
    path("<int:pk>/resolution/", views.resolve, name="resolve"),
    path("<int:pk>/cloture/", views.close, name="close"),
    path("<int:pk>/reouverture/", views.reopen, name="reopen"),
    path("<int:pk>/liens/", views.link, name="link"),
    path("<int:pk>/photos/<int:photo_pk>/", photo_views.photo, name="photo"),
]
