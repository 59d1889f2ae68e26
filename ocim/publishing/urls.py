from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, views
from .search import views as search_views

app_name = "publishing"

urlpatterns = [
    path(_("lettre/articles/<int:pk>/pdf/"), views.article_pdf, name="article_pdf"),
    path(_("lettre/issues/<int:pk>/pdf/"), views.issue_pdf, name="issue_pdf"),
    path("lettre/numero/<int:number>/", views.issue_by_number, name="issue_by_number"),
    path(_("lettre/<int:pk>/follow/"), views.magazine_follow, name="magazine_follow"),
    path(_("lettre/search/"), search_views.search, name="search"),
    # Feeds (channels): same paths in every language. The API is in api.py (/api/v1/).
    path("lettre/feeds/issues/rss/", feeds.latest_issues_rss, name="feed_issues_rss"),
    path("lettre/feeds/issues/atom/", feeds.latest_issues_atom, name="feed_issues_atom"),
    path("lettre/feeds/articles/rss/", feeds.latest_articles_rss, name="feed_articles_rss"),
    path("lettre/feeds/articles/atom/", feeds.latest_articles_atom, name="feed_articles_atom"),
    path("lettre/feeds/news/rss/", feeds.latest_news_rss, name="feed_news_rss"),
    path("lettre/feeds/news/atom/", feeds.latest_news_atom, name="feed_news_atom"),
    path(
        "lettre/feeds/news/<slug:category>/rss/",
        feeds.latest_news_rss,
        name="feed_news_category_rss",
    ),
    path(
        "lettre/feeds/news/<slug:category>/atom/",
        feeds.latest_news_atom,
        name="feed_news_category_atom",
    ),
]
