"""Embedded defaults for a developer machine: SQLite, in-process tasks, console email."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
PAYMENT_SIMULATOR = env.bool("PAYMENT_SIMULATOR", default=True)
