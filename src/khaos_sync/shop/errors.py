"""Branded error pages.

The 404 page is Oscar's, inside the shop's layout. The 500 page is rendered
without the request's context processors: they read the basket and the
category menu from the database, which may be what just failed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from oscar.views import handler404 as page_not_found

__all__ = ["page_not_found", "server_error"]


def server_error(request: HttpRequest) -> HttpResponse:
    context = {"shop_name": settings.OSCAR_SHOP_NAME, "homepage_url": "/"}
    return HttpResponseServerError(render_to_string("oscar/500.html", context))
