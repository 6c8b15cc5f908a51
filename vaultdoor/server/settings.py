"""Django settings for the vaultdoor server.

Every value comes from a `VAULTDOOR_*` environment variable with a documented default
(docs/configuration.md), read by the functions in `readers.py` (which `vaultdoor check-config`
calls too). Development and demo run with `VAULTDOOR_ENV=development` (the default);
`production` turns on every transport-security setting and must pass `manage.py check --deploy`.
"""

from __future__ import annotations

from vaultdoor import config
from vaultdoor.server import readers
from vaultdoor.server.middleware import static_headers

ENVIRONMENT = readers.environment()
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = config.data_dir()

SECRET_KEY = readers.secret_key()

# Never on in production; never leaks session or settings data to a page.
DEBUG = readers.debug(PRODUCTION)

ALLOWED_HOSTS = readers.allowed_hosts(PRODUCTION)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "vaultdoor.audit",
    "vaultdoor.facilities",
    "vaultdoor.people",
    "vaultdoor.access",
    "vaultdoor.identity",
    "vaultdoor.vetting",
    "vaultdoor.controllers",
    "vaultdoor.console",
    "vaultdoor.api",
    "vaultdoor.demo",
    "vaultdoor.mail",
    "vaultdoor.vault",
    "vaultdoor.compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: headers in static_headers
    # Above everything that can refuse a request, so refusals carry these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vaultdoor.server.middleware.PrivateByDefaultMiddleware",  # Cache-Control: no-store
    "vaultdoor.server.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "vaultdoor.server.middleware.MethodNotAllowedPageMiddleware",  # no blank 405 pages
    "vaultdoor.server.middleware.CapabilityReferrerMiddleware",  # tokens stay out of Referer
    "vaultdoor.server.middleware.BodyLimitMiddleware",
    "vaultdoor.server.middleware.NulRefusalMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle/absolute session limits, log-out-everywhere, forced password change (identity).
    "vaultdoor.identity.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "vaultdoor.server.urls"
WSGI_APPLICATION = "vaultdoor.server.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------------
# SQLite (WAL) in the data directory by default; VAULTDOOR_DATABASE_URL=postgresql://... for scale.
# Tests on PostgreSQL pass its URL in VAULTDOOR_TEST_DATABASE_URL.
DATABASES = {"default": readers.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication -----------------------------------------------------------------------------
PASSWORD_HASHERS = [
    # Argon2id at or above OWASP's minimum parameters (vaultdoor/identity/passwords/hashers.py).
    "vaultdoor.identity.passwords.hashers.VaultdoorArgon2PasswordHasher",
]
# One validator applies the chosen password profile (pci-dss-4, nist-800-63b or classic).
VAULTDOOR_PASSWORD_PROFILE = config.env("PASSWORD_PROFILE", "pci-dss-4")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "vaultdoor.identity.passwords.validators.ProfilePasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "console:dashboard"
LOGOUT_REDIRECT_URL = "identity:login"

# --- sessions, cookies and transport ------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "vaultdoor.console.views.errors.csrf_failure"  # audited, nothing leaked
# Flash messages ("Not saved: <the vetting problem>") stay on the server, in the session, not in
# a signed but readable cookie in the browser.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    # __Host- cookies are only accepted over HTTPS, for this exact host and path /: a sibling
    # subdomain (or a man in the middle on plain HTTP) cannot set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if PRODUCTION and readers.behind_proxy():
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp 4): no inline script or style, nothing third-party -----
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    },
}

# --- static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it, even when it serves from the apps
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_ADD_HEADERS_FUNCTION = static_headers  # CSP and framing refusal on static files

# --- i18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The console's session; a POST without the CSRF token is refused and audited.
        "vaultdoor.api.authentication.AuditedSessionAuthentication",
        # Integrations: scoped, expiring, hashed tokens (no password-only Basic auth, which
        # would skip the second factor and the lockout).
        "vaultdoor.identity.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable API answered a browser (Accept: text/html) with a page of
    # inline script (blocked by the CSP) carrying the CSRF token, or a server error.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "UNAUTHENTICATED_USER": None,
    # Refusals carry a "code" and a signed-in caller's refusal is audited (docs/api.md).
    "EXCEPTION_HANDLER": "vaultdoor.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "vaultdoor API",
    "DESCRIPTION": "People, places, access decisions and the audit log of a contact centre.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
}

# Variables marked @sensitive_variables() (the vault's plaintext) stay hidden on error pages
# and reports even with DEBUG on (vaultdoor/server/errors.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "vaultdoor.server.errors.AlwaysSafeExceptionReporterFilter"

# --- logging: to stderr, never request bodies or secrets ----------------------------------------
_LOG_LEVEL = readers.log_level()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": _LOG_LEVEL},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- vaultdoor ----------------------------------------------------------------------------------
VAULTDOOR_AUDIT_SIGNING_KEY = config.env("AUDIT_SIGNING_KEY")
