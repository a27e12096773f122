"""Settings shared by every environment. Everything that differs between machines comes
from the environment (see README.md for the table of variables)."""

import secrets
from datetime import timedelta
from decimal import Decimal

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    # django.contrib.admin with the shop's admin site (apps.staff.admin_site).
    "apps.staff.admin_site.ShopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "axes",
    "django_filters",
    "django_celery_beat",
    "sorl.thumbnail",
    "django_htmx",
    "import_export",
    "simple_history",
    "csp",
    "template_partials",
    "apps.core",
    "apps.members",
    "apps.staff",
    "apps.catalog",
    "apps.community",
    "apps.cart",
    "apps.orders",
    "apps.payments",
    "apps.aftersales",
    "apps.segments",
    "apps.favourites",
    "apps.points",
    "apps.referrals",
    "apps.promotions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A shared link (?ref=CODE) is noted in a cookie and redirected to the clean address, so
    # the page cache below keeps one copy of each page and pages without ?ref= pay nothing.
    "apps.referrals.middleware.ReferralLinkMiddleware",
    # Cached anonymous pages are answered here, before sessions, auth and the database.
    "apps.core.pagecache.PageCacheMiddleware",
    # A database outage raised while handling a request becomes a 503 page, not a 500.
    "apps.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The back office follows the staff member's language, not the storefront's URL rule.
    "apps.staff.middleware.BackOfficeLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it turns a locked-out login into the lockout page (apps.members.login_lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Storefront pages are Jinja2 (`*.jinja`, apps/core/jinja2.py; chosen by measurement, see
# benchmarks/README.md); the admin, allauth and emails are Django templates (`*.html`).
# Jinja2 comes first: its loader answers only for `*.jinja`.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "apps.core.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.shop",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.shop",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- Data -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="shop"),
            # Short timeouts, no retries, and a pause after a failure: a Redis that is down
            # or hung costs a page microseconds (apps.core.redis_cache fails open).
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.15),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.15),
                "unavailable_pause_seconds": env.float("CACHE_UNAVAILABLE_PAUSE", default=1.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The cache must never take a page down: apps.core.redis_cache fails open, and the page cache
# (apps.core.pagecache) renders normally on any cache error.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every login, shop or back office, while its account and IP are locked.
    "axes.backends.AxesStandaloneBackend",
    # Django's and allauth's, reading a shopper's row from the cache (apps.members.backends).
    "apps.members.backends.MemberModelBackend",
    "apps.members.backends.MemberAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:dashboard"

# --- Accounts (django-allauth) ---------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address signs the new member in, instead of asking them to log in again.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "apps.members.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed logins are counted by the lockout below (django-axes, in the database), per
    # account and IP and per IP. allauth's per-account ("key") limit would let anyone lock a
    # member out from anywhere, so it is off.
    "login_failed": "",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}

# --- Logins: client address and lockout (django-axes) ---------------------------------
# How many reverse proxies we run in front of the app (load balancer, nginx): the client's
# address is then the Nth X-Forwarded-For entry from the right (apps.core.client_ip).
# 0 = no proxy, the header is never trusted.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP = env.int(
    "LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP", default=5
)
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=30)
AXES_ENABLED = True
# The database handler, not the cache one: the lockout holds while Redis is down.
AXES_HANDLER = "apps.members.login_lockout.LoginLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_IP
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_USERNAME_CALLABLE = "apps.members.login_lockout.login_account"
AXES_CLIENT_IP_CALLABLE = "apps.core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.members.login_lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 100
# Axes' own log lines mask account and IP; "login.locked_out" (apps.members.login_lockout)
# is the structured line to alert on.
AXES_VERBOSE = False

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans", "en")
SHOP_CURRENCY = "CNY"

# --- Static and media ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Private files (return photos) are never under MEDIA_ROOT and have no URL of their own.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-media-is-not-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
THUMBNAIL_PRESERVE_FORMAT = False
THUMBNAIL_FORMAT = "JPEG"
THUMBNAIL_QUALITY = 82

# --- Email -----------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="家味小家电 <shop@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SHOP_NAME = env("SHOP_NAME", default="")
# Shoppers' emails come from DEFAULT_FROM_EMAIL's address under the shop's name in the
# email's language (apps.core.emails). Their Message-IDs end in this domain; empty: the
# sending address's domain.
SHOP_EMAIL_DOMAIN = env("SHOP_EMAIL_DOMAIN", default="")
# How long the button in an order or return email opens the order without typing its number
# and phone (a signed link, apps.orders.emails.order_link).
SHOP_ORDER_LINK_DAYS = env.int("SHOP_ORDER_LINK_DAYS", default=30)

# --- Celery ----------------------------------------------------------------------------
# Without Redis, tasks run in-process (eager). Celery still opens a connection to serialise
# each task's arguments; the in-memory broker's URL names a host so kombu does not warn
# "No hostname was supplied" for every email.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A down or hung broker must never hold a shopper's request: short socket timeouts and no
# publish retries (apps.core.outbox keeps what could not be handed over).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 6 * 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Security (tightened further in production.py) --------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis) and written through to the database, so a signed-in
# member's page costs no session query; with the cache away they are read from the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# --- Shop rules ------------------------------------------------------------------------
SHOP_LOW_STOCK_THRESHOLD = 30
# Below this many units, shoppers are told only a few are left.
SHOP_FEW_LEFT_BELOW = 10
SHOP_COMPARE_LIMIT = 4
SHOP_PAGE_SIZE = 20
SHOP_SITE_URL = env("SHOP_SITE_URL", default="http://127.0.0.1:8000")
SHOP_NAME_DISPLAY = _("Homely Goods")
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)
# Messages live in the session, so a visitor without a session sees no one else's messages
# on a cached page.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SHOP_COURIER_FEE = Decimal(env("SHOP_COURIER_FEE", default="12.00"))
SHOP_FREE_SHIPPING_THRESHOLD = Decimal(env("SHOP_FREE_SHIPPING_THRESHOLD", default="199.00"))
SHOP_UNPAID_ORDER_MINUTES = 30
SHOP_RETURN_DAYS = 7
SHOP_MAX_LINE_QUANTITY = 99
# Pricing guard: no effective price (VIP, coupon, flash sale, offers stacked) below this share
# of the list price (apps.cart.pricing.price_floor).
SHOP_PRICE_FLOOR_PERCENT = Decimal("70")
# VIP tiers count paid spend, less refunds, over this many days (apps.members.services).
MEMBER_TIER_WINDOW_DAYS = 365
# Paid memberships: members are reminded by email this many days before a period lapses, and
# the member centre keeps showing a lapsed membership (with its renew link) this many days.
SHOP_MEMBERSHIP_REMIND_DAYS = env.int("SHOP_MEMBERSHIP_REMIND_DAYS", default=7)
SHOP_MEMBERSHIP_LAPSED_SHOWN_DAYS = 60
# Points (apps.points): earned per yuan paid for goods (times the tier's rate, set in admin),
# 100 points pay ¥1 at checkout, at most this share of the goods after other discounts (and
# never below the price floor); earned points expire after this many days.
SHOP_POINTS_PER_YUAN = Decimal(env("SHOP_POINTS_PER_YUAN", default="1"))
SHOP_POINTS_PER_YUAN_REDEEMED = env.int("SHOP_POINTS_PER_YUAN_REDEEMED", default=100)
SHOP_POINTS_MAX_REDEEM_PERCENT = Decimal(env("SHOP_POINTS_MAX_REDEEM_PERCENT", default="50"))
SHOP_POINTS_EXPIRY_DAYS = env.int("SHOP_POINTS_EXPIRY_DAYS", default=365)
# Referral sharing (apps.referrals): a shared link counts for this many days; the sharer earns
# these points for a friend's sign-up and for each paid order through the link.
SHOP_REFERRAL_DAYS = env.int("SHOP_REFERRAL_DAYS", default=7)
SHOP_REFERRAL_SIGNUP_POINTS = env.int("SHOP_REFERRAL_SIGNUP_POINTS", default=200)
SHOP_REFERRAL_ORDER_POINTS = env.int("SHOP_REFERRAL_ORDER_POINTS", default=300)
# The payment simulator pays for free: only for the demo shop and tests (on in local and
# test settings, refused by a system check in production). Its secret is never SECRET_KEY.
PAYMENT_SIMULATOR = env.bool("PAYMENT_SIMULATOR", default=False)
SHOP_ENVIRONMENT = "development"
PAYMENT_SIMULATOR_SECRET = env("PAYMENT_SIMULATOR_SECRET", default=secrets.token_hex(32))
CELERY_BEAT_SCHEDULE = {
    "expire-unpaid-orders": {"task": "apps.orders.tasks.orders_expire_unpaid", "schedule": 60.0},
    "complete-delivered-orders": {
        "task": "apps.orders.tasks.orders_complete_delivered",
        "schedule": crontab(hour=3, minute=30),
    },
    "flush-outbox": {"task": "apps.core.tasks.outbox_flush", "schedule": 60.0},
    "settle-unnotified-payments": {
        "task": "apps.payments.tasks.payments_settle_unnotified",
        "schedule": 120.0,
    },
    "recompute-member-tiers": {
        "task": "apps.members.tasks.members_recompute_tiers",
        "schedule": crontab(hour=2, minute=40),
    },
    "remind-membership-renewals": {
        "task": "apps.members.tasks.memberships_remind_renewal",
        "schedule": crontab(hour=10, minute=0),
    },
    "expire-points": {
        "task": "apps.points.tasks.points_expire",
        "schedule": crontab(hour=2, minute=50),
    },
    # Group buys are settled at their deadline: once a minute, each settled once.
    "settle-group-buys": {
        "task": "apps.promotions.tasks.group_buys_settle_due",
        "schedule": 60.0,
    },
}

# --- Payment gateways ---
# A provider is offered at checkout only when all of its credentials below are set. Keys are
# PEM text (newlines may be written as \n), the bare base64 the Alipay console shows, or a
# path to a PEM file.
ALIPAY_APP_ID = env("ALIPAY_APP_ID", default="")
ALIPAY_APP_PRIVATE_KEY = env.str("ALIPAY_APP_PRIVATE_KEY", default="", multiline=True)
ALIPAY_PUBLIC_KEY = env.str("ALIPAY_PUBLIC_KEY", default="", multiline=True)
# Sandbox: https://openapi-sandbox.dl.alipaydev.com/gateway.do
ALIPAY_GATEWAY_URL = env("ALIPAY_GATEWAY_URL", default="https://openapi.alipay.com/gateway.do")
WECHATPAY_MCH_ID = env("WECHATPAY_MCH_ID", default="")
WECHATPAY_APP_ID = env("WECHATPAY_APP_ID", default="")
WECHATPAY_API_V3_KEY = env("WECHATPAY_API_V3_KEY", default="")
WECHATPAY_PRIVATE_KEY = env.str("WECHATPAY_PRIVATE_KEY", default="", multiline=True)
WECHATPAY_CERT_SERIAL_NO = env("WECHATPAY_CERT_SERIAL_NO", default="")
WECHATPAY_PUBLIC_KEY = env.str("WECHATPAY_PUBLIC_KEY", default="", multiline=True)
WECHATPAY_PUBLIC_KEY_ID = env("WECHATPAY_PUBLIC_KEY_ID", default="")
WECHATPAY_API_URL = env("WECHATPAY_API_URL", default="https://api.mch.weixin.qq.com")
