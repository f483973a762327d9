from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [path("<slug:slug>/personne/", views.person, name="person")]
