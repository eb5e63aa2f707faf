from django.contrib.auth import views as auth_views
from django.urls import path

from luoshi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/text-size/", views.text_size, name="text_size"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
