"""Open311 GeoReport v2, mounted at /open311/ (see luoshi.cases.open311)."""

from django.urls import URLPattern, URLResolver, re_path

from luoshi.cases import open311

app_name = "open311"
FMT = r"\.(?P<fmt>[a-z]+)$"
urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery_root"),
    re_path(r"^v2/discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, open311.service_list, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]+?)" + FMT, open311.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, open311.requests_endpoint, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>[^/]+?)" + FMT, open311.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + FMT, open311.token_detail, name="token"),
]
