from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from api import health
from api.jsonapi.exceptions import api_not_found
from api.v3.schema import CachedSchemaView
from guidance import views as guidance_views

admin.site.site_header = "Early career teacher training: back office"
admin.site.site_title = "ECF back office"

schema_view = CachedSchemaView.as_view(api_version="v3", authentication_classes=[], permission_classes=[])

urlpatterns = [
    path("", guidance_views.start, name="start"),
    path("admin/", admin.site.urls),
    path("api/docs/v3/openapi.yaml", schema_view, name="schema-v3"),
    path(
        "api/docs/v3",
        SpectacularSwaggerView.as_view(url_name="schema-v3", authentication_classes=[], permission_classes=[]),
        name="docs-v3",
    ),
    path(
        "api/docs/v3/redoc",
        SpectacularRedocView.as_view(url_name="schema-v3", authentication_classes=[], permission_classes=[]),
        name="redoc-v3",
    ),
    path("api/v3/", include("api.v3.urls", namespace="v3")),
    # Public guidance for lead providers: no token; under /api/, so the per-address rate limit applies.
    path("api/guidance", RedirectView.as_view(url="/api/guidance/", permanent=True)),
    path("api/guidance/", include("guidance.urls", namespace="guidance")),
    # Health checks for load balancers: no authentication, no rate limit (api/health.py).
    path("healthcheck", health.healthcheck, name="healthcheck"),
    path("healthcheck/ready", health.healthcheck_ready, name="healthcheck-ready"),
    # Anything else under /api/ answers 404 in JSON, never with an HTML page.
    re_path(r"^api/", api_not_found),
]
