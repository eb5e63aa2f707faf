from django.urls import path

from luoshi.relocation import views

app_name = "relocation"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/transition/", views.campaign_transition, name="transition"),
    path("<int:pk>/map/", views.campaign_map, name="map"),
    path("<int:pk>/parcels/new/", views.parcel_form, name="parcel_create"),
    path("<int:pk>/parcels/<int:parcel_id>/edit/", views.parcel_form, name="parcel_edit"),
    path("<int:pk>/households/", views.household_list, name="households"),
    path("<int:pk>/households/export.xlsx", views.ledger_export, name="ledger_export"),
    path("<int:pk>/households/import/", views.ledger_import, name="ledger_import"),
    path("households/template.xlsx", views.ledger_template, name="ledger_template"),
    path("<int:pk>/households/new/", views.household_form, name="household_create"),
    path("<int:pk>/households/<int:household_id>/", views.household_detail, name="household"),
    path("<int:pk>/households/<int:household_id>/edit/", views.household_form, name="household_edit"),
]
