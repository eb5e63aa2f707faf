from django.urls import path

from luoshi.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.my_tasks, name="mine"),
    path("unit/", views.unit_tasks, name="unit"),
    path("overview/", views.overview, name="overview"),
    path("board/", views.board, name="board"),
    path("timeline/", views.gantt, name="gantt"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("help/", views.help_page, name="help"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/files/", views.attachments_add, name="attachments_add"),
    path("milestones/<int:pk>/toggle/", views.milestone_toggle, name="milestone_toggle"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    path("goals/", views.goal_list, name="goals"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_detail, name="goal"),
    path("goals/<int:pk>/categories/", views.category_add, name="category_add"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("findings/<int:pk>/task/", views.finding_task, name="finding_task"),
]
