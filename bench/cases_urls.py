"""The application's URLs plus /bench/ping: a bare Django JSON endpoint, the ceiling for intake."""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from luoshi.config.urls import urlpatterns as app_urlpatterns


@csrf_exempt
def ping(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body or b"{}")
    return JsonResponse({"ok": True, "fields": len(body)}, status=201)


urlpatterns = [path("bench/ping", ping), *app_urlpatterns]
