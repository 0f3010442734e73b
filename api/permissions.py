from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.models import ApiToken

if TYPE_CHECKING:
    from rest_framework.views import APIView


class IsLeadProvider(BasePermission):
    """Only a request carrying a live lead provider token gets in."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, ApiToken)
