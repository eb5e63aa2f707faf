from django.urls import path

from luoshi.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:parent_pk>/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_pk>/people/new/", views.person_create, name="person_create"),
    path("units/<int:unit_pk>/roles/new/", views.role_grant, name="role_grant"),
    path("positions/<int:pk>/delete/", views.position_delete, name="position_delete"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("people/", views.person_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
]
