"""阳光征迁: the public pages of published campaigns (no login)."""

from django.urls import path

from luoshi.relocation import views

app_name = "sunshine"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("<str:code>/", views.public_campaign, name="campaign"),
]
