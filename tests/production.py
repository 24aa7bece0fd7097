"""A complete, safe production configuration for tests that build the app as TAS_ENV=production
(it refuses to start with anything missing: tas/deployment.py)."""

from __future__ import annotations

SITE_HOST = "tas.example.org"
# 48 characters of base64url from secrets.token_urlsafe(36): 288 bits, no words.
STRONG_KEY = "kR7-vQ2xZp9LmN4bW8sT1yH6jD3fG5aE0uC_oI9eXq2Vz7Bn"
# Never connected to by the tests that use it: building the app does not open the database.
UNUSED_POSTGRES = "postgresql+psycopg://tas_app@127.0.0.1:5432/tas_never_created"


def production_settings(**extra) -> dict:
    """Settings production starts with, but for the database (SQLite is refused: give a
    PostgreSQL URI, such as UNUSED_POSTGRES or the test's database)."""
    return {
        "ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "BASE_URL": f"https://{SITE_HOST}",
        "TRUSTED_HOSTS": [SITE_HOST],
        "PROXY_FIX_X_FOR": 1,
        "PROXY_FIX_X_PROTO": 1,
        "MAIL_SERVER": None,
        "CALENDAR_UID_DOMAIN": "tas.example.org.uk",
        **extra,
    }


def production_environment(**extra: str) -> dict[str, str]:
    """The same settings as TAS_* environment variables, for a flask or make process."""
    settings = production_settings()
    return {
        "TAS_ENV": "production",
        "TAS_SECRET_KEY": STRONG_KEY,
        "TAS_BASE_URL": settings["BASE_URL"],
        "TAS_TRUSTED_HOSTS": f'["{SITE_HOST}"]',
        "TAS_PROXY_FIX_X_FOR": "1",
        "TAS_PROXY_FIX_X_PROTO": "1",
        "TAS_SQLALCHEMY_DATABASE_URI": UNUSED_POSTGRES,
        "TAS_CALENDAR_UID_DOMAIN": settings["CALENDAR_UID_DOMAIN"],
        **extra,
    }
