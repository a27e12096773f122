"""A throwaway `redis-server` for outage tests: stop it, restart it, or hang it, for real.

Needs only the `redis-server` binary (not REDIS_URL); tests using it are skipped with a clear
reason where the binary is missing. Never point these helpers at a shared Redis: the
throwaway server is yours alone, so flushing or killing it disturbs nobody.

Fixtures (exported by tests/conftest.py):

- `throwaway_redis`: a fresh server on a free port for one test, killed at teardown::

      def test_something(throwaway_redis):
          throwaway_redis.url        # "redis://127.0.0.1:<port>/0"
          throwaway_redis.stop()     # service really stopped: connections are refused
          throwaway_redis.start()    # back on the same port (empty: it keeps no data)
          throwaway_redis.pause()    # SIGSTOP: accepts connections, never answers (hung)
          throwaway_redis.resume()   # SIGCONT: answers again

- `cache_on_throwaway_redis`: the same server, plus Django's default cache pointed at it
  (settings.CACHES overridden, so `django.core.cache.cache` and every `caches[...]` are
  rebuilt) with the production backend and short breaker pause
  (`THROWAWAY_CACHE_PAUSE_SECONDS`). Yields the server; wait that long after `start()` or
  `resume()` before expecting the cache to be used again.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.test import override_settings

REDIS_SERVER = shutil.which("redis-server")
THROWAWAY_CACHE_PAUSE_SECONDS = 0.3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pings(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.settimeout(0.2)
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class ThrowawayRedis:
    """One `redis-server` process on 127.0.0.1, without persistence."""

    def __init__(self, port: int | None = None):
        if REDIS_SERVER is None:
            raise RuntimeError("redis-server is not installed")
        self.port = port or _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.paused = False

    def start(self, timeout: float = 5.0) -> None:
        """Start (or restart after `stop()`) on the same port; returns once it answers PING."""
        if self.process is not None:
            return
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own binary
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not _pings(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server: afterwards connections to its port are refused."""
        if self.process is None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def pause(self) -> None:
        """Hang the server (SIGSTOP): the kernel still accepts connections, nothing answers."""
        if self.process is not None and not self.paused:
            os.kill(self.process.pid, signal.SIGSTOP)
            self.paused = True

    def resume(self) -> None:
        if self.process is not None and self.paused:
            os.kill(self.process.pid, signal.SIGCONT)
            self.paused = False

    def kill(self) -> None:
        if self.process is None:
            return
        if self.paused:
            os.kill(self.process.pid, signal.SIGCONT)
            self.paused = False
        self.process.kill()
        self.process.wait()
        self.process = None

    def cache_settings(self, **options) -> dict:
        """A CACHES setting using the shop's Redis backend on this server."""
        return {
            "default": {
                "BACKEND": "apps.core.redis_cache.RedisCache",
                "LOCATION": self.url,
                "KEY_PREFIX": "throwaway",
                "OPTIONS": {"unavailable_pause_seconds": THROWAWAY_CACHE_PAUSE_SECONDS, **options},
            }
        }


@pytest.fixture
def throwaway_redis():
    if REDIS_SERVER is None:
        pytest.skip("needs the redis-server binary (apt-get install redis-server)")
    server = ThrowawayRedis()
    server.start()
    yield server
    server.kill()


@pytest.fixture
def cache_on_throwaway_redis(throwaway_redis):
    from apps.core import redis_cache

    # A port may be reused by a later test: start with no memory of an earlier failure.
    redis_cache._breakers.pop(throwaway_redis.url, None)
    with override_settings(CACHES=throwaway_redis.cache_settings(), REDIS_URL=throwaway_redis.url):
        yield throwaway_redis
    redis_cache._breakers.pop(throwaway_redis.url, None)
