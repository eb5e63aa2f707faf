from django.urls import path

from luoshi.bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_new, name="new"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/edit/", views.bulletin_edit, name="edit"),
    path("<int:pk>/rebuild/", views.bulletin_rebuild, name="rebuild"),
    path("<int:pk>/act/<slug:action>/", views.bulletin_act, name="act"),
    path("<int:pk>/file.<str:fmt>", views.bulletin_file, name="file"),
]
