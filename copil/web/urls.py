from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<slug:slug>/bilan/", views.bilan, name="bilan"),
    path("plans/<slug:slug>/bilan/publie/", views.published_bilan, name="published_bilan"),
    path("plans/<slug:slug>/bilan/pdf/", views.bilan_download, {"output_format": "pdf"}, name="bilan_pdf"),
    path("plans/<slug:slug>/bilan/csv/", views.bilan_download, {"output_format": "csv"}, name="bilan_csv"),
]
