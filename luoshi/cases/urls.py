from django.urls import URLPattern, URLResolver, path

from luoshi.cases import views

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<int:pk>/", views.case_detail, name="detail"),
]
