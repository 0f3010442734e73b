"""v3 routes. Canonical paths are the original service's (`/participants/ecf` …); the successor
service's paths without `/ecf` are served by the same views (decision D1), named `<resource>-alias-…`."""

from django.urls import URLPattern, path
from rest_framework.routers import SimpleRouter

from api.v3.schema import ALIAS_SUFFIX
from api.v3.views.declarations import ParticipantDeclarationViewSet
from api.v3.views.delivery_partners import DeliveryPartnerViewSet
from api.v3.views.participants import ParticipantViewSet
from api.v3.views.partnerships import PartnershipViewSet
from api.v3.views.sandbox import SandboxViewSet
from api.v3.views.schools import SchoolViewSet
from api.v3.views.statements import StatementViewSet
from api.v3.views.transfers import ParticipantTransferViewSet
from api.v3.views.unfunded_mentors import UnfundedMentorViewSet

app_name = "v3"

# (canonical prefix, alias prefix or None, viewset, basename)
RESOURCES = [
    ("participants/ecf", "participants", ParticipantViewSet, "participant"),
    ("unfunded-mentors/ecf", "unfunded-mentors", UnfundedMentorViewSet, "unfunded-mentor"),
    ("statements", None, StatementViewSet, "statement"),
    ("participant-declarations", None, ParticipantDeclarationViewSet, "participant-declaration"),
    ("partnerships/ecf", "partnerships", PartnershipViewSet, "partnership"),
    ("schools/ecf", "schools", SchoolViewSet, "school"),
    ("delivery-partners", None, DeliveryPartnerViewSet, "delivery-partner"),
]

canonical = SimpleRouter(trailing_slash=False, use_regex_path=False)
aliases = SimpleRouter(trailing_slash=False, use_regex_path=False)
for prefix, alias, viewset, basename in RESOURCES:
    canonical.register(prefix, viewset, basename=basename)
    if alias:
        aliases.register(alias, viewset, basename=basename + ALIAS_SUFFIX)


def _transfer_routes(prefix: str, basename: str) -> list[URLPattern]:
    """Transfers are read per participant: `<participants>/transfers` and `<participants>/{id}/transfers`."""
    list_view = ParticipantTransferViewSet.as_view({"get": "list"}, basename=basename, detail=False)
    detail_view = ParticipantTransferViewSet.as_view({"get": "retrieve"}, basename=basename, detail=True)
    return [
        path(f"{prefix}/transfers", list_view, name=f"{basename}-list"),
        path(f"{prefix}/<uuid:pk>/transfers", detail_view, name=f"{basename}-detail"),
    ]


urlpatterns = [
    path("sandbox/participants", SandboxViewSet.as_view({"post": "participants"}), name="sandbox-participants"),
    path("sandbox/reset", SandboxViewSet.as_view({"post": "reset"}), name="sandbox-reset"),
    *_transfer_routes("participants/ecf", "participant-transfer"),
    *_transfer_routes("participants", "participant-transfer" + ALIAS_SUFFIX),
    *canonical.urls,
    *aliases.urls,
]
