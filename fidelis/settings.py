"""Fidelis settings, read from environment variables.

FIDELIS_MODE is "development" (the default: SQLite, debug pages, console email) or
"production" (secret key required, HTTPS-only cookies, HSTS; passes `check --deploy`).
"""

import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


MODE = env_str("FIDELIS_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured("FIDELIS_MODE must be 'development' or 'production'")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production mode")
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production mode")
    SECRET_KEY = "development-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Where local files live (the SQLite database in development).
DATA_DIR = Path(env_str("FIDELIS_DATA_DIR", str(Path.cwd())))

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'fidelis.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers do not block the writer, and a busy writer waits instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "fidelis.accounts",
    "fidelis.programmes",
    "fidelis.scales",
    "fidelis.reviews",
    "fidelis.benchmarks",
    "fidelis.improvement",
    "fidelis.support",
    "fidelis.resources",
    "fidelis.outcomes",
    # The project level: its management commands (demo, seed) compose every app, and its
    # static folder (fidelis/static, with the built front-end assets) is found as an app's.
    "fidelis.apps.FidelisConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fidelis.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fidelis.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "fidelis.accounts.middleware.StaffTwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "fidelis.urls"
WSGI_APPLICATION = "fidelis.wsgi.application"

TEMPLATES = [
    {
        # Our pages: Jinja2 with the NHS.UK frontend macros.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "fidelis.jinja2.environment"},
    },
    {
        # Django admin and any third-party page we have not restyled.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates" / "django"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTH_USER_MODEL = "accounts.User"
# One backend for username and email sign-in (it also answers permission checks).
AUTHENTICATION_BACKENDS = ["fidelis.accounts.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts: invitation only, sign in with username or email.
ACCOUNT_ADAPTER = "fidelis.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "fidelis.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = False if env_bool("FIDELIS_NO_RATE_LIMITS", False) else {}
# Behind a reverse proxy every request comes from the proxy's address, so a limit per
# address would lock everyone out at once: the client's address is then read from
# X-Forwarded-For, trusting as many proxies as this says (0: use the connection's address).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("FIDELIS_TRUSTED_PROXIES", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff and administrators must turn on an authenticator app before using Fidelis.
FIDELIS_STAFF_NEED_2FA = env_bool("FIDELIS_STAFF_NEED_2FA", PRODUCTION)
MFA_TOTP_ISSUER = "Fidelis"

# The cache holds the sign-in limits; in the database by default, so every worker and
# server counts the same attempts without a cache server. (`fidelis migrate` creates it.)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fidelis_cache",
    },
    # Page bodies drawn once per version of what they show (finalised reports, team
    # dashboards, the programme summary): kept apart, so that culling them never drops a
    # sign-in limit, and for a week at most.
    "pages": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fidelis_page_cache",
        "TIMEOUT": 7 * 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # Small lists each worker may keep for a minute (a dashboard's filter choices): a
    # change shows on every server within the minute.
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Fidelis <fidelis@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": env_str(
            "FIDELIS_TASK_BACKEND",
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "staticfiles")))
# Serving from the finders means `collectstatic` is optional for small installations.
WHITENOISE_USE_FINDERS = True
# Without collectstatic there is no STATIC_ROOT yet; the finders serve everything then.
warnings.filterwarnings("ignore", message="No directory at")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"  # never served as such: uploaded files go out only through views
# Where uploaded files are kept: the filesystem under MEDIA_ROOT by default, or any Django
# storage class (object storage, say: its options go in a settings module of your own).
STORAGES = {
    "default": {
        "BACKEND": env_str("FIDELIS_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files people upload (fidelis.uploads): the largest kept, and the types kept.
FIDELIS_UPLOAD_MAX_BYTES = env_int("FIDELIS_UPLOAD_MAX_BYTES", 20_000_000)
FIDELIS_UPLOAD_EXTENSIONS = [
    ".pdf",
    ".docx",
    ".xlsx",
    ".pptx",
    ".odt",
    ".ods",
    ".odp",
    ".csv",
    ".txt",
    ".png",
    ".jpg",
    ".jpeg",
]

SILENCED_SYSTEM_CHECKS: list[str] = []

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Shared pages are composed from each app's contributions, in the order listed here: an
# app that builds a shared page never imports the apps that add to it, and a new app adds
# entries here, not imports. (Each entry is a dotted path to a function.)
FIDELIS_HOME = [  # each takes the HomePage and adds sections, next steps, facts and links
    "fidelis.programmes.home.sections",
    "fidelis.reviews.home.next_steps",
    "fidelis.benchmarks.home.links",
    "fidelis.improvement.home.next_steps",
    "fidelis.support.home.next_steps",
    "fidelis.resources.home.next_steps",
]
FIDELIS_NAVIGATION = [  # each takes the user and returns header links
    "fidelis.programmes.home.navigation",
    "fidelis.reviews.home.navigation",
    "fidelis.scales.home.navigation",
    "fidelis.resources.home.navigation",
]
FIDELIS_TEAM_PANELS = [  # each takes the user and the team and returns a Panel or None
    "fidelis.benchmarks.panels.team_panel",
    "fidelis.improvement.panels.team_panel",
    "fidelis.support.panels.team_panel",
    "fidelis.outcomes.panels.team_panel",
    "fidelis.reviews.panels.team_panel",
]
FIDELIS_DASHBOARD_PDF = [  # each takes the user and the team: a Panel added to its PDF, or None
    "fidelis.outcomes.panels.dashboard_pdf_section",
]
# Items put first, with a reason, when a team starts its plan: each takes the team and
# returns {item number: reason}.
FIDELIS_PLAN_PRIORITIES = ["fidelis.support.plans.scoping_priorities"]
# Resources shown beside items where the work is done: each takes the user, the scale's id,
# item numbers, the programme (or None) and the team's id (or None) and returns
# {item number: [Link, ...]} (fidelis.pages.item_resources gathers them).
FIDELIS_ITEM_RESOURCES = ["fidelis.resources.links.item_resources"]
# The demo programme and `fidelis seed`: each builder takes a fidelis.bulk.Build and adds
# its app's part; removers take the programme and delete their part, later apps first.
FIDELIS_DEMO = [
    "fidelis.programmes.demo.build_demo",
    "fidelis.reviews.demo.build_demo",
    "fidelis.benchmarks.demo.build",
    "fidelis.improvement.demo.build_demo",
    "fidelis.support.demo.build_demo",
    "fidelis.outcomes.demo.build_demo",
    "fidelis.resources.demo.build_demo",
]
FIDELIS_SEED = [
    "fidelis.programmes.demo.build_seed",
    "fidelis.reviews.demo.build_seed",
    "fidelis.benchmarks.demo.build",
    "fidelis.improvement.demo.build_seed",
    "fidelis.support.demo.build_seed",
    "fidelis.outcomes.demo.build_seed",
    "fidelis.resources.demo.build_seed",
]
# Told (with the programme's id, after the transaction commits) when a finalised review's
# result is new or changed, so apps that build on results can work their figures out again.
FIDELIS_ON_REVIEW_RESULT = ["fidelis.benchmarks.tasks.on_review_result"]
FIDELIS_REMOVE = [
    "fidelis.resources.demo.remove",
    "fidelis.outcomes.demo.remove",
    "fidelis.support.demo.remove",
    "fidelis.improvement.demo.remove",
    "fidelis.reviews.demo.remove",
    "fidelis.programmes.demo.remove",
]

# Missing template variables raise instead of rendering as nothing (the test suite's
# setting; users never see it).
FIDELIS_STRICT_TEMPLATES = env_bool("FIDELIS_STRICT_TEMPLATES", False)

# Named benchmarking and other per-programme switches live on the Programme model.
FIDELIS_SERVICE_NAME = "Fidelis"
# The address in emailed links; when empty, the address the sender was using.
FIDELIS_BASE_URL = env_str("FIDELIS_BASE_URL", "")
