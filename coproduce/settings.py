"""Settings for Coproduce, read from the environment (12-factor).

Every value a deployment changes comes from an environment variable; the
defaults give a zero-setup local run on SQLite with DEBUG off unless asked for.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "django-insecure-local-development-key-only"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For a local run use `make run`, which sets DJANGO_DEBUG=1."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "clubs",
    "feedback",
]

# Tools kept out of the product: `demo` (seed_demo and the demo data) and `bench` (the
# benchmark). Loaded for local runs (debug) and tests, or where COPRODUCE_TOOLS names
# them (e.g. "demo" for a staging site); a production site loads neither.
TOOL_APPS = ("demo", "bench")
TOOLS = [
    tool
    for tool in env_list("COPRODUCE_TOOLS", ",".join(TOOL_APPS) if DEBUG or TESTING else "")
    if tool in TOOL_APPS
]
INSTALLED_APPS += TOOLS

MIDDLEWARE = [
    # Compresses pages (with Django's BREACH mitigation); WhiteNoise serves
    # static files precompressed.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coproduce.middleware.PermissionsPolicyMiddleware",
    "coproduce.middleware.PrivatePagesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

# The benchmark serves the site's routes plus its floor page from its own URL conf.
ROOT_URLCONF = "coproduce.urls"
if "bench" in TOOLS and env_bool("COPRODUCE_BENCH_FLOOR"):
    ROOT_URLCONF = "bench.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "coproduce.context_processors.menu",
            ],
        },
    },
]

WSGI_APPLICATION = "coproduce.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is for one local user; no persistent connections needed.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the indicator aggregates for ~1 s each and saves
    # ~10 ms: off for this short-query workload. random_page_cost 1.1, not 4: the
    # data is in memory or on SSD, and at 4 the planner hashes all 40,000 ideas of the
    # county rather than probe the few it needs (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c random_page_cost=1.1"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clubs.User"
# Django's ModelBackend, reading with each request's user whether they lead a partner.
AUTHENTICATION_BACKENDS = ["clubs.backends.UserBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "clubs:my-clubs"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed (gzip and brotli) files, served by WhiteNoise with
        # far-future cache headers. Tests use the plain storage so they need no
        # collectstatic; the browser tests collect for real (tests/browser).
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Caches: shared Redis between processes in production, local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered parts of pages, keyed by the version of the figures they show (never by time
# alone): each process keeps its own, apart from the rate limits' counters in "default",
# which a full cache would otherwise evict.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# django-ratelimit lists only memcached and django-redis as "supported"; Django's
# own Redis backend increments atomically too, and local memory is right for one
# local process. The limits themselves are in RATE_LIMITS below.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_VIEW = "coproduce.views.rate_limited"
CSRF_FAILURE_VIEW = "coproduce.views.csrf_failure"
# How many reverse proxies (load balancer, TLS terminator) stand in front of the app, each
# appending to X-Forwarded-For: the abuse limits count the address the outermost one saw
# (coproduce.http.client_ip). 0 (the default) trusts no header: the connection's address.
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 0)
RATELIMIT_IP_META_KEY = "coproduce.http.client_ip"
# The figures and why they are what they are: docs/security.md.
RATE_LIMITS = {
    # Signing in: per address, per account from one address, per account from anywhere.
    "login": os.environ.get("RATE_LIMIT_LOGIN", "30/10m"),
    "login_account": os.environ.get("RATE_LIMIT_LOGIN_ACCOUNT", "5/10m"),
    "login_account_total": os.environ.get("RATE_LIMIT_LOGIN_ACCOUNT_TOTAL", "50/h"),
    "password_reset": os.environ.get("RATE_LIMIT_PASSWORD_RESET", "5/h"),
    "password_reset_account": os.environ.get("RATE_LIMIT_PASSWORD_RESET_ACCOUNT", "3/h"),
    # Wrong join codes from one address; right codes are never counted.
    "join_client": os.environ.get("RATE_LIMIT_JOIN_CLIENT", "20/10m"),
    # New members of one club from one address (a whole team on the school's connection).
    "join_member": os.environ.get("RATE_LIMIT_JOIN_MEMBER", "40/h"),
    "recover": os.environ.get("RATE_LIMIT_RECOVER", "10/h"),
    "propose": os.environ.get("RATE_LIMIT_PROPOSE", "20/h"),
    "support": os.environ.get("RATE_LIMIT_SUPPORT", "120/h"),
    "concern": os.environ.get("RATE_LIMIT_CONCERN", "10/h"),
}

# Background work (django-tasks): a queue in the database, so a task is enqueued in
# the same transaction as the change that causes it; `manage.py db_worker` runs it
# (`make run` starts one). Tests run tasks at once (the immediate backend).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Web push (optional, off for each member until they turn it on): VAPID keys from
# `manage.py vapid_keys`. Without them the club page does not offer push.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:no-reply@coproduce.local")
# The server posts to a subscription's endpoint, so only the browsers' push services.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,push.services.mozilla.com,push.apple.com,notify.windows.com",
)

# Where the site is, for the links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Email: console locally; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coproduce <no-reply@coproduce.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL=1.
SECURE = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_SECURE_PROXY_SSL"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

# A strict Content-Security-Policy: every asset from this host, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws form controls' arrows and ticks with data: SVGs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Messages ("You support ...") ride in a short-lived signed cookie, read once on the
# next page, and only overflow into the session: a young person's phone then gets
# no server-side session at all, and their pages read and write none (one query
# on every page and three on every action, with a commit, in the benchmark).
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Coproduce's own settings -------------------------------------------------
# Participant identity cookie (young people have no account).
PARTICIPANT_COOKIE_NAME = "coproduce_member"
PARTICIPANT_COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2
PARTICIPANT_COOKIE_SECURE = SECURE

# Coproduce's rules, with DESIGN.md's defaults.
COPRODUCE = {
    "PROPOSALS_PER_DAY": env_int("COPRODUCE_PROPOSALS_PER_DAY", 5),
    # How soon a coach should acknowledge and answer an idea: the indicators' thresholds
    # (COPRODUCE_INDICATORS below), one setting each.
    # purge_inactive: participants unseen this long, in clubs whose funding ended this long ago.
    "RETENTION_INACTIVE_DAYS": env_int("COPRODUCE_RETENTION_INACTIVE_DAYS", 365),
    "RETENTION_FUNDING_ENDED_DAYS": env_int("COPRODUCE_RETENTION_FUNDING_ENDED_DAYS", 180),
    # The sustain period after a club's funding ends: a promised change may fall in it.
    "SUSTAIN_PERIOD_DAYS": env_int("COPRODUCE_SUSTAIN_PERIOD_DAYS", 365),
    # New members a club takes in an hour, from every address together, unless its coach
    # lifts the limit (docs/security.md).
    "JOINS_PER_CLUB_PER_HOUR": env_int("COPRODUCE_JOINS_PER_CLUB_PER_HOUR", 60),
    # Sessions and registers (#15): sessions are made this many weeks ahead; a register can
    # be corrected for this many days after its session.
    "SESSIONS_WEEKS_AHEAD": env_int("COPRODUCE_SESSIONS_WEEKS_AHEAD", 8),
    "REGISTER_CORRECTABLE_DAYS": env_int("COPRODUCE_REGISTER_CORRECTABLE_DAYS", 7),
}

# Tokenism indicators (DESIGN.md "Making tokenism visible"): window, minimum and thresholds.
# Percentages are whole numbers; "over"/"under" are strict comparisons. Each indicator's spec
# (feedback/indicators/spec.py) names the ones it reads; one setting per idea.
COPRODUCE_INDICATORS = {
    "WINDOW_WEEKS": 12,
    "MIN_RECORDS": 5,
    # An idea should have a public answer within this many days: the date a coach's screen
    # shows as due, and Silent consultation's cut-off.
    "SILENT_AFTER_DAYS": env_int("COPRODUCE_ANSWER_WITHIN_DAYS", 28),
    "SILENT_AMBER_OVER_PCT": 10,
    "SILENT_RED_OVER_PCT": 20,
    # A first response (acknowledged or decided) is due within this many days: the date a
    # coach's screen shows for acknowledging, and Slow response's amber threshold.
    "SLOW_AMBER_OVER_DAYS": env_int("COPRODUCE_ACKNOWLEDGE_WITHIN_DAYS", 7),
    "SLOW_RED_OVER_DAYS": 14,
    "STALLED_AFTER_DAYS": 42,
    "CHANGES_AMBER_UNDER_PCT": 40,
    "CHANGES_RED_UNDER_PCT": 20,
    "UNEXPLAINED_AMBER_OVER_PCT": 30,
    # A real reason (feedback/rules.py): at least this many characters and words.
    "REAL_REASON_MIN_CHARS": 20,
    "REAL_REASON_MIN_WORDS": 5,
    "NEGOTIABLE_AMBER_AT_MOST": 1,
    "FIXED_REASON_MIN_CHARS": 10,
    "VOICE_AMBER_UNDER_PCT": 50,
    "VOICE_RED_UNDER_PCT": 25,
    "TOP_THREE_AMBER_OVER_PCT": 60,
    "BROKEN_AMBER_OVER_PCT": 15,
    "BROKEN_RED_OVER_PCT": 30,
    "START_WEEKS": 4,
    "END_WEEKS": 6,
}

# Outcomes (#15): what the registers show (feedback/outcomes.py; rules in feedback/rules.py).
COPRODUCE_OUTCOMES = {
    # A regular came to at least REGULAR_MIN of the club's last REGULAR_OF sessions run.
    "REGULAR_OF": 6,
    "REGULAR_MIN": 3,
    # Retention is read this many weeks after a member's first session; a member is still
    # coming when they came to a session in the RETENTION_GRACE_WEEKS up to that point.
    "RETENTION_WEEKS": (6, 12),
    "RETENTION_GRACE_WEEKS": 2,
    # Before and after an adopted change: this many sessions run on each side.
    "BEFORE_AFTER_SESSIONS": 6,
    # The activity check is offered again this many weeks after the last answer.
    "ACTIVITY_CHECK_WEEKS": 10,
    # "Keeps coming" indicator: the share still coming at the first RETENTION_WEEKS.
    "KEEPS_AMBER_UNDER_PCT": 60,
    "KEEPS_RED_UNDER_PCT": 40,
}

# Dashboards read each club's indicators from a summary kept by the services (#12): every
# write to a club's records makes its summary stale at once; time alone (an idea passing 28
# days unanswered) is caught by recomputing a summary older than this.
COPRODUCE_SUMMARY_MAX_AGE_MINUTES = env_int("COPRODUCE_SUMMARY_MAX_AGE_MINUTES", 10)
