from django.urls import URLPattern, URLResolver, path

from luoshi.awards import views

app_name = "awards"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.board, name="board"),
    path("board.xlsx", views.board_xlsx, name="board_xlsx"),
    path("types/", views.types, name="types"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>.xlsx", views.round_xlsx, name="round_xlsx"),
    path("rounds/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("rounds/<int:pk>/panel/", views.add_member, name="add_member"),
    path("rounds/<int:pk>/vote/", views.vote, name="vote"),
    path("rounds/<int:pk>/transition/", views.transition, name="transition"),
    path("rounds/<int:pk>/nominations/<int:nomination_id>/citation/", views.cite, name="cite"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("lists/", views.lists, name="lists"),
    path("lists/all/", views.list_index, name="list_index"),
    path("lists/build/", views.list_build, name="list_build"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/action/", views.list_action, name="list_action"),
    path("lists/<int:pk>.xlsx", views.list_xlsx, name="list_xlsx"),
]
