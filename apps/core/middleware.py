"""Keep the shop's face on when PostgreSQL is away.

A database that is down, restarting or refusing connections raises `OperationalError` (or
`InterfaceError` on a connection that died mid-request). Shoppers then get a calm 503 page
asking them to retry shortly, load balancers and crawlers get `Retry-After`, and the log gets
one `db.unavailable` line. Recovery needs nothing: CONN_HEALTH_CHECKS reconnects on the next
request once the database answers again.
"""

import logging

from apps.core.errors import DATABASE_ERRORS, database_unavailable

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Turns a database outage raised by a view into the 503 page. Errors raised outside
    views (other middleware, template rendering) reach `apps.core.errors.server_error`,
    which answers the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None
