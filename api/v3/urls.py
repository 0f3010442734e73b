"""v3 routes. Canonical paths are the original service's (`/participants/ecf` …); the successor
service's paths without `/ecf` are served by the same views (decision D1), named `<resource>-alias-…`."""

from rest_framework.routers import SimpleRouter

from api.v3.schema import ALIAS_SUFFIX
from api.v3.views.statements import StatementViewSet

app_name = "v3"

# (canonical prefix, alias prefix or None, viewset, basename)
RESOURCES = [
    ("statements", None, StatementViewSet, "statement"),
]

canonical = SimpleRouter(trailing_slash=False, use_regex_path=False)
aliases = SimpleRouter(trailing_slash=False, use_regex_path=False)
for prefix, alias, viewset, basename in RESOURCES:
    canonical.register(prefix, viewset, basename=basename)
    if alias:
        aliases.register(alias, viewset, basename=basename + ALIAS_SUFFIX)

urlpatterns = [*canonical.urls, *aliases.urls]
