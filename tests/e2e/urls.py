"""The shop's URLs plus uploaded pictures, so the browser sees product images load (the live
server serves static files only, and DEBUG is off in tests)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as shop_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *shop_urlpatterns,
]
