from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from luoshi.api.site import api

admin.site.site_header = _("Luoshi administration")
admin.site.site_title = _("Luoshi administration")
admin.site.index_title = _("Administration")

urlpatterns: list[URLPattern | URLResolver] = [
    # The API and Open311 first: they take the most requests, and "" below is tried for every path.
    path("api/v1/", api.urls),
    path("open311/", include("luoshi.cases.open311_urls")),
    path("", include("luoshi.core.urls")),
    path("accounts/", include("luoshi.accounts.urls")),
    path("org/", include("luoshi.org.urls")),
    path("notifications/", include("luoshi.notifications.urls")),
    path("tasks/", include("luoshi.tasks.urls")),
    path("cases/", include("luoshi.cases.urls")),
    path("indicators/", include("luoshi.indicators.urls")),
    path("awards/", include("luoshi.awards.urls")),
    path("assessment/", include("luoshi.assessment.urls")),
    path("relocation/", include("luoshi.relocation.urls")),
    path("sunshine/", include("luoshi.relocation.public_urls")),
    path("projects/", include("luoshi.projects.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
