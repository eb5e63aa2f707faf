from django.urls import path

from luoshi.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_scores, name="mine"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/draft/", views.version_draft, name="version_draft"),
    path("schemes/<int:pk>/compute/", views.run_compute, name="compute"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/preview/", views.version_preview, name="preview"),
    path("versions/<int:pk>/sections/new/", views.section_edit, name="section_create"),
    path("sections/<int:section_id>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:section_id>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:section_id>/items/new/", views.item_edit, name="item_create"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run_export"),
    path("runs/<int:pk>/transition/", views.run_transition, name="transition"),
    path("runs/<int:pk>/s/<int:subject_id>/", views.result_detail, name="result"),
    path("runs/<int:pk>/s/<int:subject_id>/export.xlsx", views.result_export, name="result_export"),
    path("runs/<int:pk>/s/<int:subject_id>/items/<int:item_id>/", views.item_trace, name="trace"),
    path("runs/<int:pk>/s/<int:subject_id>/items/<int:item_id>/score/", views.manual_score, name="score"),
    path("runs/<int:pk>/s/<int:subject_id>/appeal/", views.appeal_file, name="appeal"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
