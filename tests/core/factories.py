import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.core.models import RateLimitWindow


class RateLimitWindowFactory(DjangoModelFactory):
    """A rate limit window counted in the database (Redis down)."""

    class Meta:
        model = RateLimitWindow

    key = factory.Sequence(lambda n: f"test:window:{n}")
    window_start = factory.LazyFunction(timezone.now)
    count = 1
