from django.urls import path

from . import oidc, twofactor_views, views

app_name = "access"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/changer/", views.ChangePasswordView.as_view(), name="change_password"),
    path("mot-de-passe/oublie/", views.ForgottenPasswordView.as_view(), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", views.ForgottenPasswordSentView.as_view(), name="password_reset_sent"),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        views.ResetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("membres/", views.members, name="members"),
    path("membres/inviter/", views.invite, name="invite"),
    path("membres/<int:membership_id>/desactiver/", views.deactivate, name="deactivate"),
    path(
        "membres/<int:membership_id>/double-facteur/reinitialiser/",
        twofactor_views.reset,
        name="second_factor_reset",
    ),
    path("double-facteur/", twofactor_views.verify, name="second_factor"),
    path("double-facteur/activer/", twofactor_views.enrol, name="second_factor_enrol"),
    path("journal/", views.journal, name="journal"),
    path("plans/<slug:slug>/orientation/", views.new_referral, name="new_referral"),
    path("oidc/authentification/", oidc.authenticate_view, name="oidc_authenticate"),
    path("oidc/retour/", oidc.callback_view, name="oidc_callback"),
]
