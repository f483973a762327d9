from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<slug:slug>/bilan/", views.bilan, name="bilan"),
]
