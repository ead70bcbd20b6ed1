"""One settings module, configured by the environment (see docs/operations.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value == "" else int(value)


BASE_DIR = Path(__file__).resolve().parent

DEBUG = envbool("DEBUG", False)
# Without SECRET_KEY the site is not served (rentbook/security.py), but commands still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "rentbook-insecure-development-key-change-me")
# The demo serves the site with the development key; nothing else may (set by `rentbook demo`).
RENTBOOK_DEMO = envbool("RENTBOOK_DEMO", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "csp",
    # Our apps, in dependency order: each imports only from those above it.
    "rentbook.portfolio",
    "rentbook.audit",
    "rentbook.ledger",
    "rentbook.imports",
    "rentbook.simulate",
    "rentbook.policy",
    "rentbook.cases",
    "rentbook.arrangements",
    "rentbook.legal",
    "rentbook.recovery",
    "rentbook.benefits",
    "rentbook.banking",
    "rentbook.debts",
    "rentbook.risk",
    "rentbook.engine",
    "rentbook.comms",
    "rentbook.performance",
    "rentbook.plans",
    "rentbook.api",
    "rentbook.selfservice",
    "rentbook.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves static files in the demo and in production without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rentbook.web.middleware.IdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rentbook.audit.middleware.AuditActorMiddleware",
    "rentbook.web.middleware.ReadOnlyRoleMiddleware",
    "rentbook.web.middleware.RevenuesOnlyMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "rentbook.urls"
WSGI_APPLICATION = "rentbook.wsgi.application"
AUTH_USER_MODEL = "portfolio.User"
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:worktray"
LOGOUT_REDIRECT_URL = "web:sign-in"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rentbook.web.context.landlord",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{Path.cwd() / 'rentbook.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while the arrears run or an import writes; IMMEDIATE
        # transactions take the write lock up front, so writers queue instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# whitenoise serves straight from the apps' static folders (built by `make install`), so
# neither the demo nor the tests need collectstatic; set STATIC_ROOT to collect them anyway.
STATIC_ROOT = Path(os.environ["STATIC_ROOT"]) if os.environ.get("STATIC_ROOT") else None
WHITENOISE_USE_FINDERS = STATIC_ROOT is None
WHITENOISE_AUTOREFRESH = DEBUG
if STATIC_ROOT is not None:
    # production: `rentbook collectstatic` writes each file under a name with its hash, gzip and
    # brotli beside it; whitenoise serves them compressed and cached for a year
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Served over HTTPS (HTTPS=1, as in production): secure cookies, HTTP redirected to HTTPS, and
# HSTS for a year. Behind a proxy that ends TLS, PROXY_SSL_HEADER=1 trusts its
# X-Forwarded-Proto (only when the proxy sets that header itself on every request).
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS or envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 365 * 24 * 60 * 60) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and envbool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and envbool("HSTS_PRELOAD", True)
if envbool("PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health check is asked over plain HTTP from the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)  # the longest a sign-in lasts
# and it ends after this many seconds without a request (web/middleware.py)
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", 30 * 60)

# Repeated failed sign-ins are throttled (django-axes): after AXES_FAILURE_LIMIT failures for
# one username from one address, sign-in is refused for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
# Staff sign in at our own page; axes answers a locked-out attempt with AXES_LOCKOUT_TEMPLATE.
AXES_USERNAME_FORM_FIELD = "username"

# Logs: one JSON object a line without personal data (rentbook/logs.py); RENTBOOK_LOG_FORMAT=text
# for a person reading a terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "rentbook.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("RENTBOOK_LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # axes logs usernames; personal data stays out of logs.
    "loggers": {"axes": {"level": "ERROR"}},
}

# A rendered PDF (statement, letter) that takes longer than this is stopped.
RENTBOOK_PDF_TIMEOUT_SECONDS = envint("RENTBOOK_PDF_TIMEOUT_SECONDS", 30)

# The landlord: its name and branding on every page and letter.
RENTBOOK_LANDLORD_NAME = os.environ.get("RENTBOOK_LANDLORD_NAME", "Demo Homes")
# Which weeks of each rent year are rent-free (rentbook.ledger.calendar.RentFreeRule.parse).
RENTBOOK_RENT_FREE_WEEKS = os.environ.get("RENTBOOK_RENT_FREE_WEEKS", "christmas=2,year-end=2")
# england, wales or scotland: which law the legal pathway follows.
RENTBOOK_JURISDICTION = os.environ.get("RENTBOOK_JURISDICTION", "england")
# The legal pathway and write-offs (docs/legal.md, docs/recovery.md); money in pence.
RENTBOOK_EVICTION_CONSULTATIONS = tuple(
    os.environ.get("RENTBOOK_EVICTION_CONSULTATIONS", "housing_options,social_work").split(",")
)
RENTBOOK_POST_COURT_REVIEW_PENCE = envint("RENTBOOK_POST_COURT_REVIEW_PENCE", 100_000)
RENTBOOK_WRITE_OFF_SMALL_PENCE = envint("RENTBOOK_WRITE_OFF_SMALL_PENCE", 2_000)
RENTBOOK_WRITE_OFF_OFFICER_PENCE = envint("RENTBOOK_WRITE_OFF_OFFICER_PENCE", 2_000)
RENTBOOK_WRITE_OFF_MANAGER_PENCE = envint("RENTBOOK_WRITE_OFF_MANAGER_PENCE", 500_000)
# The policy the arrears run decides with: a shipped policy's name or a path to a .toml file.
RENTBOOK_POLICY = os.environ.get("RENTBOOK_POLICY", "hackney")
# The risk models' scores in the weekly run (docs/risk.md): off, no account is scored.
RENTBOOK_RISK_SCORES = envbool("RENTBOOK_RISK_SCORES", True)
# Background work (the arrears run behind the site's button): Django's tasks API through
# django-tasks, stored in the database by django-tasks-db; `rentbook db_worker` runs them.
# /health/ reports the worker behind when a task has waited longer than this (seconds).
RENTBOOK_HEALTH_WORKER_LAG = envint("RENTBOOK_HEALTH_WORKER_LAG", 300)

# ---- Tenants' own pages (selfservice; docs/selfservice.md) ---------------------------------
# Card payments: "govuk-pay" (GOV.UK Pay's API, with its key), "fake" (a pretend payment page,
# for tests and the demo only) or "off" (no card payments offered).
RENTBOOK_PAY_BACKEND = os.environ.get("RENTBOOK_PAY_BACKEND", "off")
RENTBOOK_PAY_API_KEY = os.environ.get("RENTBOOK_PAY_API_KEY", "")
RENTBOOK_PAY_BASE_URL = os.environ.get(
    "RENTBOOK_PAY_BASE_URL", "https://publicapi.payments.service.gov.uk"
)
# The signing secret of GOV.UK Pay's webhook to /my-rent/pay/webhook/ (empty: no webhook).
RENTBOOK_PAY_WEBHOOK_SECRET = os.environ.get("RENTBOOK_PAY_WEBHOOK_SECRET", "")
# A tenant's sign-in ends after this long without a request, and after this long in any case.
SELFSERVICE_IDLE_SECONDS = envint("SELFSERVICE_IDLE_SECONDS", 15 * 60)
SELFSERVICE_MAX_SECONDS = envint("SELFSERVICE_MAX_SECONDS", 2 * 60 * 60)
# A one-time code lasts this long, and allows this many wrong tries.
SELFSERVICE_CODE_SECONDS = envint("SELFSERVICE_CODE_SECONDS", 10 * 60)
SELFSERVICE_CODE_TRIES = envint("SELFSERVICE_CODE_TRIES", 5)
# The longest an arrangement a tenant proposes may run and still meet the affordability rules.
RENTBOOK_ARRANGEMENT_MAX_MONTHS = envint("RENTBOOK_ARRANGEMENT_MAX_MONTHS", 24)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("RENTBOOK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# ---- Letters, texts and emails (comms; docs/letters.md) ----------------------------------
# The backend items go through: "outbox" (stored here; letters printed from a batch file) or
# "notify" (GOV.UK Notify). With RENTBOOK_SEND_LIVE off, every item goes to the test recipients.
RENTBOOK_SEND_BACKEND = os.environ.get("RENTBOOK_SEND_BACKEND", "outbox")
RENTBOOK_SEND_LIVE = envbool("RENTBOOK_SEND_LIVE", False)
RENTBOOK_NOTIFY_API_KEY = os.environ.get("RENTBOOK_NOTIFY_API_KEY", "")
RENTBOOK_NOTIFY_BASE_URL = os.environ.get(
    "RENTBOOK_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
# Notify templates whose only content is ((subject)) and ((body)): rentbook writes the words.
RENTBOOK_NOTIFY_SMS_TEMPLATE = os.environ.get("RENTBOOK_NOTIFY_SMS_TEMPLATE", "")
RENTBOOK_NOTIFY_EMAIL_TEMPLATE = os.environ.get("RENTBOOK_NOTIFY_EMAIL_TEMPLATE", "")
RENTBOOK_TEST_MOBILE = os.environ.get("RENTBOOK_TEST_MOBILE", "07700900000")
RENTBOOK_TEST_EMAIL = os.environ.get("RENTBOOK_TEST_EMAIL", "income-test@example.org")
# Address lines separated by "|".
RENTBOOK_TEST_ADDRESS = os.environ.get(
    "RENTBOOK_TEST_ADDRESS", "Income team (test letters)|Civic Centre|Anytown|AB1 1AA"
)
# The same item (action code) is refused for an account within this many days of the last.
RENTBOOK_DUPLICATE_DAYS = envint("RENTBOOK_DUPLICATE_DAYS", 14)
RENTBOOK_OFFICE_PHONE = os.environ.get("RENTBOOK_OFFICE_PHONE", "0300 123 4567")
RENTBOOK_OFFICE_EMAIL = os.environ.get("RENTBOOK_OFFICE_EMAIL", "rents@example.org")
RENTBOOK_OFFICE_ADDRESS = os.environ.get(
    "RENTBOOK_OFFICE_ADDRESS", "Income team|Civic Centre|Anytown|AB1 1AA"
)
RENTBOOK_PAYMENT_OPTIONS = os.environ.get(
    "RENTBOOK_PAYMENT_OPTIONS",
    "online at example.org/pay, by phone on 0300 123 4567, by direct debit, or at any Post"
    " Office or PayPoint with your payment card",
)
# Letter branding: a static file path for the logo (blank for none) and the accent colour.
RENTBOOK_LETTER_LOGO = os.environ.get("RENTBOOK_LETTER_LOGO", "")
RENTBOOK_LETTER_COLOUR = os.environ.get("RENTBOOK_LETTER_COLOUR", "#1d70b8")


# The integration API (docs/api.md): token per client, scopes, cursor pages, a rate per client.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rentbook.api.auth.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rentbook.api.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["rentbook.api.auth.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("RENTBOOK_API_RATE", "600/minute")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "rentbook.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rentbook integration API",
    "DESCRIPTION": (
        "For the housing system and other council systems: read accounts and the arrears run's "
        "recommendations; post diary entries, flags and payments through the import door's "
        "validation. Authenticate with a client token: Authorization: Bearer <token>."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}


# Content security policy (django-csp): this site's own files only, no inline script or style,
# no framing; images may also be data: URLs (GOV.UK Frontend's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The Universal Credit standard allowance (pence a month) that third-party deductions are a
# share of; it changes every April (single claimant aged 25 or over, 2025/26: £400.14).
RENTBOOK_UC_STANDARD_ALLOWANCE = int(os.environ.get("RENTBOOK_UC_STANDARD_ALLOWANCE", "40014"))

# Direct Debit advance notice (the Direct Debit Guarantee: 10 working days unless agreed
# otherwise): a first collection is made at least this many Bacs processing days after the
# advance notice letter; a collection returned "refer to payer" (ARUDD 0) is presented again
# this many processing days after the return, once the payer has been told.
RENTBOOK_DD_NOTICE_DAYS = int(os.environ.get("RENTBOOK_DD_NOTICE_DAYS", "10"))
RENTBOOK_BACS_REPRESENT_DAYS = int(os.environ.get("RENTBOOK_BACS_REPRESENT_DAYS", "5"))
# The landlord's Bacs service user number, shown on Direct Debit advance notices; rentbook bacs
# reads it (with the bank details) from the environment too.
RENTBOOK_BACS_SUN = os.environ.get("RENTBOOK_BACS_SUN", "")
