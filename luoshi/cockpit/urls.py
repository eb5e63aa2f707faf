from django.urls import path

from luoshi.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.index, name="index"),
    path("screen/", views.screen, name="screen"),
]
