"""Record pages: `/enregistrements/<kind>/…`, the kind being a record kind key (`seizure`, `care_referral`…)."""

from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/", views.record_list, name="list"),
    path("<slug:kind>/nouveau/", views.record_create, name="create"),
    path("<slug:kind>/<int:pk>/", views.record_detail, name="detail"),
    path("<slug:kind>/<int:pk>/modifier/", views.record_update, name="update"),
    path("<slug:kind>/<int:pk>/supprimer/", views.record_delete, name="delete"),
]
