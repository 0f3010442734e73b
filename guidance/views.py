"""Public pages: no token, no session; under /api/ they count against the per-address rate limit only."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from guidance import pages, release_notes, search

FEED_TYPE = "application/atom+xml"


def _url(page: pages.PageInfo) -> str:
    return reverse("guidance:page", args=[page.slug]) if page.slug else reverse("guidance:index")


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/start.html", {"guidance_url": reverse("guidance:index"), "section": "start"})


@require_safe
def page(request: HttpRequest, slug: str = "") -> HttpResponse:
    info = pages.BY_SLUG.get(slug)
    if info is None:
        raise Http404("No such guidance page")
    rendered = pages.rendered_page(slug)
    navigation = [{"url": _url(other), "name": other.nav, "current": other is info} for other in pages.PAGES]
    return render(
        request,
        "guidance/page.html",
        {"page": rendered, "navigation": navigation, "section": "guidance"},
    )


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[: search.MAX_QUERY].strip()
    urls = {page.slug: _url(page) for page in pages.PAGES}
    results = search.search(query, urls) if query else []
    navigation = [{"url": _url(other), "name": other.nav, "current": False} for other in pages.PAGES]
    return render(
        request,
        "guidance/search.html",
        {"query": query, "results": results, "navigation": navigation, "section": "guidance", "on_search_page": True},
    )


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    body = release_notes.atom_feed(
        page_url=request.build_absolute_uri(reverse("guidance:page", args=["release-notes"])),
        feed_url=request.build_absolute_uri(reverse("guidance:feed")),
    )
    return HttpResponse(body, content_type=f"{FEED_TYPE}; charset=utf-8")
