from django.urls import URLPattern, URLResolver, path

from luoshi.indicators import views

app_name = "indicators"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("units/<int:pk>/", views.scorecard, name="scorecard"),
    path("units/<int:pk>/indicators/<str:code>/", views.history, name="history"),
    path("units/<int:pk>/scorecard.xlsx", views.scorecard_xlsx, name="scorecard_xlsx"),
    path("units/<int:pk>/entry/", views.entry, name="entry"),
    path("units/<int:pk>/targets/", views.targets, name="targets"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("leaderboard/saved/", views.composite_save, name="composite_save"),
    path("leaderboard/saved/<int:pk>/delete/", views.composite_delete, name="composite_delete"),
    path("overview/", views.overview, name="overview"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.indicator_edit, name="indicator_new"),
    path("catalogue/<str:code>/", views.indicator_edit, name="indicator_edit"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="template"),
    path("import/<int:pk>/", views.batch_detail, name="batch"),
    path("import/<int:pk>/action/", views.batch_action, name="batch_action"),
    path("parse/", views.parse_text, name="parse"),
]
