"""A Content-Security-Policy on every response, by what the response is.

- The API (`/api/`, but its documentation) and every JSON answer: `default-src 'none'`. A JSON document loads
  nothing, so a response opened in a browser can run nothing either.
- The API documentation (Swagger UI, ReDoc): its own scripts and styles, and the inline ones these pages are
  made of (both start themselves from an inline script; ReDoc also runs a worker from a blob).
- The guidance pages (`/api/guidance/`): only their own styles, images and fonts; no script at all, no inline
  style (their diagrams are inline SVG drawn with presentation attributes).
- Everything else (the back office): only its own scripts, styles, images and fonts; inline styles allowed
  (the admin's widgets set some), inline scripts not.

Every policy forbids framing (`frame-ancestors 'none'`, as X-Frame-Options DENY does for older browsers) and
posting forms or setting a base URL elsewhere. Django 5.2 has no CSP support of its own (it arrives in 6.0).
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

HEADER = "Content-Security-Policy"
_EVERYWHERE = "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
API_POLICY = f"default-src 'none'; {_EVERYWHERE}"
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data:; worker-src 'self' blob:; {_EVERYWHERE}"
)
PAGE_POLICY = f"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; {_EVERYWHERE}"
GUIDANCE_POLICY = f"default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; {_EVERYWHERE}"
GUIDANCE_PREFIX = "/api/guidance/"


def policy_for(path: str, content_type: str) -> str:
    if path.startswith("/api/docs/"):
        return DOCS_POLICY
    if path.startswith(GUIDANCE_PREFIX) and content_type.startswith("text/html"):
        return GUIDANCE_POLICY
    if path.startswith("/api/") or "json" in content_type:
        return API_POLICY
    return PAGE_POLICY


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault(HEADER, policy_for(request.path, response.get("Content-Type", "")))
        return response
