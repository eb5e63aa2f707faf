from django.urls import path

from luoshi.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("board/", views.board, name="board"),
    path("map/", views.project_map, name="map"),
    path("map/data/", views.map_data, name="map_data"),
    path("mine/", views.portfolio, name="portfolio"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/phone/", views.phone, name="phone"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/step/", views.step, name="step"),
    path("<int:pk>/investment/", views.investment, name="investment"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/problems/", views.problem_add, name="problem_add"),
    path("milestones/<int:pk>/toggle/", views.milestone_toggle, name="milestone_toggle"),
    path("problems/<int:pk>/task/", views.problem_task, name="problem_task"),
    path("problems/<int:pk>/settle/", views.problem_settle, name="problem_settle"),
    path("photos/<int:pk>/<str:kind>/", views.photo, name="photo"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/problems/", views.meeting_problem, name="meeting_problem"),
]
