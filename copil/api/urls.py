"""Pages managing the API tokens: `/api/jetons/` (the project includes them before the API itself)."""

from django.urls import path

from . import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("<int:pk>/revoquer/", views.token_revoke, name="revoke"),
]
