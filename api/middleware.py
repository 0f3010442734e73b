from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """Strong ETags on API responses and `304 Not Modified` for a matching `If-None-Match`, so that
    polling an unchanged list costs the provider nothing to download (product §4.3)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not request.path.startswith("/api/") or request.path.startswith("/api/docs/"):
            return response
        return super().process_response(request, response)
