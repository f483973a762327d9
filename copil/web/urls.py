from django.urls import path

from . import alert_views, bilan_workflow, publication, territories, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("comparaison/", views.comparison, name="comparison"),
    path("territoires/", territories.territory, name="territory_national"),
    path("territoires/<str:level>/<str:code>/", territories.territory, name="territory"),
    path("plans/<slug:slug>/", views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/5-minutes/", views.five_minutes_page, name="five_minutes"),
    path("plans/<slug:slug>/5-minutes/pdf/", views.five_minutes_download, name="five_minutes_pdf"),
    path("plans/<slug:slug>/carte/", views.map_page, name="map"),
    path("plans/<slug:slug>/carte/couches.geojson", views.map_layers, name="map_layers"),
    path("plans/<slug:slug>/alertes/<int:pk>/", alert_views.alert, name="alert"),
    path(
        "plans/<slug:slug>/alertes/<int:pk>/prise-en-compte/", alert_views.alert_acknowledge, name="alert_acknowledge"
    ),
    path("plans/<slug:slug>/alertes/<int:pk>/attribution/", alert_views.alert_assign, name="alert_assign"),
    path("plans/<slug:slug>/alertes/<int:pk>/cloture/", alert_views.alert_close, name="alert_close"),
    path("plans/<slug:slug>/alertes/<int:pk>/action/", alert_views.alert_to_action, name="alert_to_action"),
    path("plans/<slug:slug>/reunions/", views.meetings, name="meetings"),
    path("plans/<slug:slug>/reunions/<int:pk>/", views.meeting, name="meeting"),
    path("plans/<slug:slug>/reunions/<int:pk>/participants/", views.meeting_attendees, name="meeting_attendees"),
    path("plans/<slug:slug>/reunions/<int:pk>/decisions/", views.meeting_decision, name="meeting_decision"),
    path(
        "plans/<slug:slug>/reunions/<int:pk>/decisions/<int:decision_pk>/modifier/",
        views.decision_update,
        name="decision_update",
    ),
    path(
        "plans/<slug:slug>/reunions/<int:pk>/decisions/<int:decision_pk>/supprimer/",
        views.decision_delete,
        name="decision_delete",
    ),
    path("plans/<slug:slug>/reunions/<int:pk>/releve.pdf", views.meeting_minutes, name="meeting_minutes"),
    path(
        "plans/<slug:slug>/reunions/<int:pk>/convocation/", publication.meeting_convocation, name="meeting_convocation"
    ),
    path("plans/<slug:slug>/reunions/<int:pk>/releve.odt", publication.meeting_minutes_odt, name="meeting_minutes_odt"),
    path("plans/<slug:slug>/actions/", views.actions, name="actions"),
    path("plans/<slug:slug>/actions/<int:pk>/statut/", views.action_status, name="action_status"),
    path("plans/<slug:slug>/bilan/", views.bilan, name="bilan"),
    path("plans/<slug:slug>/bilan/publie/", views.published_bilan, name="published_bilan"),
    path("plans/<slug:slug>/bilan/versions/", bilan_workflow.bilan_workflow, name="bilan_workflow"),
    path("plans/<slug:slug>/bilan/versions/preparer/", bilan_workflow.bilan_prepare, name="bilan_prepare"),
    path("plans/<slug:slug>/bilan/versions/<int:number>/soumettre/", bilan_workflow.bilan_submit, name="bilan_submit"),
    path(
        "plans/<slug:slug>/bilan/versions/<int:number>/approuver/", bilan_workflow.bilan_approve, name="bilan_approve"
    ),
    path("plans/<slug:slug>/bilan/versions/<int:number>/publier/", bilan_workflow.bilan_publish, name="bilan_publish"),
    path(
        "plans/<slug:slug>/bilan/versions/<int:number>/retirer/", bilan_workflow.bilan_withdraw, name="bilan_withdraw"
    ),
    path("plans/<slug:slug>/bilans/", views.bilan_versions, name="bilan_versions"),
    path("plans/<slug:slug>/bilans/<int:number>/", views.bilan_version, name="bilan_version"),
    path("plans/<slug:slug>/bilans/<int:number>/pdf/", views.bilan_version_pdf, name="bilan_version_pdf"),
    path("plans/<slug:slug>/bilans/<int:number>/odt/", publication.published_version_odt, name="bilan_version_odt"),
    path("plans/<slug:slug>/bilan/versions/<int:number>/", publication.version_workspace, name="version_workspace"),
    path(
        "plans/<slug:slug>/bilan/versions/<int:number>/pdf/",
        publication.version_workspace_pdf,
        name="version_workspace_pdf",
    ),
    path(
        "plans/<slug:slug>/bilan/versions/<int:number>/odt/",
        publication.version_workspace_odt,
        name="version_workspace_odt",
    ),
    path("plans/<slug:slug>/en-tete/", publication.plan_letterhead, name="plan_letterhead"),
    path("plans/<slug:slug>/bilan/pdf/", views.bilan_download, {"output_format": "pdf"}, name="bilan_pdf"),
    path("plans/<slug:slug>/bilan/csv/", views.bilan_download, {"output_format": "csv"}, name="bilan_csv"),
    path("plans/<slug:slug>/statistiques/", views.statistics, name="statistics"),
    path("plans/<slug:slug>/evaluation/", views.evaluation, name="evaluation"),
]
