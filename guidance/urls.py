from django.urls import path

from guidance import views

app_name = "guidance"

urlpatterns = [
    path("", views.page, name="index"),
    path("release-notes.atom", views.feed, name="feed"),
    path("search", views.search_page, name="search"),
    path("<slug:slug>", views.page, name="page"),
]
