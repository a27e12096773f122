"""Sessions live in Redis and PostgreSQL (cached_db): a signed-in member stays signed in
while Redis is really stopped, and after it is back, without restarting the app."""

import pytest
from django.urls import reverse

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_member_stays_signed_in_while_redis_is_stopped_and_after(client, cache_on_throwaway_redis):
    member = UserFactory()
    client.force_login(member)
    dashboard = reverse("members:dashboard")
    assert client.get(dashboard).status_code == 200

    cache_on_throwaway_redis.stop()
    during = client.get(dashboard)
    cache_on_throwaway_redis.start()
    after = client.get(dashboard)

    assert during.status_code == 200
    assert during.wsgi_request.user == member
    assert after.status_code == 200
    assert after.wsgi_request.user == member
