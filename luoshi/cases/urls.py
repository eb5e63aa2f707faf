from django.urls import URLPattern, URLResolver, path

from luoshi.cases import patrol_views, views

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("new/", views.case_new, name="new"),
    path("report/", views.grid_report, name="report"),
    path("similar/", views.similar, name="similar"),
    path("export.xlsx", views.export, name="export"),
    path("map/", views.case_map, name="map"),
    path("map/data.json", views.map_data, name="map_data"),
    path("map/grids/", views.grid_import, name="grid_import"),
    path("stats/", views.stats, name="stats"),
    path("daily/", views.daily, name="daily"),
    path("patrols/", patrol_views.patrols, name="patrols"),
    path("patrols/new/", patrol_views.patrol_new, name="patrol_new"),
    path("patrols/<int:pk>/", patrol_views.patrol_detail, name="patrol"),
    path("patrols/<int:pk>/report/", patrol_views.patrol_report, name="patrol_report"),
    path("patrols/<int:pk>/files/<str:token>/", patrol_views.patrol_photo, name="patrol_photo"),
    path("keypersons/", views.keypersons, name="keypersons"),
    path("keypersons/new/", views.keyperson_form, name="keyperson_new"),
    path("keypersons/<int:pk>/", views.keyperson_detail, name="keyperson"),
    path("keypersons/<int:pk>/edit/", views.keyperson_form, name="keyperson_edit"),
    path("keypersons/<int:pk>/visit/", views.keyperson_visit, name="keyperson_visit"),
    path("keypersons/<int:pk>/link/", views.keyperson_link, name="keyperson_link"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/", views.case_act, name="act"),
    path("<int:pk>/files/<str:token>/", views.attachment, name="attachment"),
    path("public/", views.public_new, name="public_new"),
    path("public/track/", views.public_track, name="public_track"),
    path("public/c/<str:tracking_no>/<str:token>/", views.public_case, name="public_case"),
    path("public/c/<str:tracking_no>/<str:token>/photos/<str:photo>/", views.public_photo, name="public_photo"),
]
