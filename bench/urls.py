"""The app's URLconf, plus what only the benchmark asks for: the same feed served by django-ical,
and a view that does nothing, whose requests per second are the baseline of the throughput."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from bench.peer import DjangoIcalFeed
from config.urls import urlpatterns as app_urlpatterns


@login_not_required
@require_safe
def trivial(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("bench/ok", trivial, name="bench_trivial"),
    # Like the subscription feed, opened by its token and without signing in.
    path("bench/django-ical/<str:token>.ics", login_not_required(DjangoIcalFeed())),
    *app_urlpatterns,
]
