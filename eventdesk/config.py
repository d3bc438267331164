"""Settings read from the environment (the table in API.md)."""

import os
import secrets
from pathlib import Path

# Sessions and tokens are signed with it: a short key can be guessed offline.
MIN_SECRET_KEY_LENGTH = 32

#: What travels compressed: text, never images (already compressed) nor event streams.
COMPRESSED_TYPES = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "text/csv",
)


class ConfigError(RuntimeError):
    """The environment does not describe a usable installation."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` spellings and pick psycopg 3 as the driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret(instance_path: Path, name: str = "secret_key") -> str:
    # Generated once so that sessions (and ID-number digests) survive restarts of a development server.
    key_file = instance_path / name
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict:
    """Build the Flask configuration from the environment."""
    env = os.environ.get("EVENTDESK_ENV", "development").strip() or "development"
    production = env == "production"

    database_url = os.environ.get("DATABASE_URL", "").strip()
    secret_key = os.environ.get("SECRET_KEY", "").strip()
    if production and not secret_key:
        raise ConfigError("SECRET_KEY must be set when EVENTDESK_ENV=production")
    if production and len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters when EVENTDESK_ENV=production"
        )
    if production and not database_url:
        raise ConfigError("DATABASE_URL must be set when EVENTDESK_ENV=production")
    if not database_url:
        database_url = f"sqlite:///{instance_path / 'eventdesk.db'}"
    if not secret_key:
        secret_key = _development_secret(instance_path)
    # ID numbers are kept as digests keyed with it; kept out of the database, so that a copy of the
    # database alone cannot test guessed numbers. Changing it orphans every stored digest.
    id_key = os.environ.get("EVENTDESK_ID_KEY", "").strip()
    if production and len(id_key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"EVENTDESK_ID_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters"
            " when EVENTDESK_ENV=production"
        )
    if not id_key:
        id_key = _development_secret(instance_path, "id_key")

    redis_url = os.environ.get("REDIS_URL", "").strip() or None
    # Threads per gunicorn worker (gunicorn.conf.py reads the same variable): every one may
    # need a database connection at once, and open live streams may hold a third of them.
    threads = int(os.environ.get("EVENTDESK_THREADS", "24") or 24)
    upload_folder = os.environ.get("EVENTDESK_UPLOAD_FOLDER", "").strip() or str(instance_path / "uploads")
    upload_max_bytes = int(os.environ.get("EVENTDESK_UPLOAD_MAX_BYTES", "") or 10 * 1024 * 1024)
    base_url = os.environ.get("EVENTDESK_BASE_URL", "").strip().rstrip("/") or None

    return {
        "EVENTDESK_ENV": env,
        "SECRET_KEY": secret_key,
        "EVENTDESK_ID_KEY": id_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # Idle pooled connections are tried before use (`configure_engine`), not every one.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": threads + 2, "max_overflow": 8},
        # Files units attach to their plans and reports (PDF, Word, Excel, photos).
        "EVENTDESK_UPLOAD_FOLDER": upload_folder,
        "EVENTDESK_UPLOAD_MAX_BYTES": upload_max_bytes,
        "EVENTDESK_MAX_STREAMS": int(os.environ.get("EVENTDESK_MAX_STREAMS", "") or max(1, threads // 3)),
        "REDIS_URL": redis_url,
        "EVENTDESK_TIMEZONE": os.environ.get("EVENTDESK_TIMEZONE", "Asia/Shanghai"),
        "EVENTDESK_BASE_URL": base_url,
        # The service's name in the header of every page, as the organizing office calls it.
        "EVENTDESK_SERVICE_NAME": os.environ.get("EVENTDESK_SERVICE_NAME", "").strip() or None,
        "EVENTDESK_SERVICE_NAME_EN": os.environ.get("EVENTDESK_SERVICE_NAME_EN", "").strip() or None,
        "EVENTDESK_TRUSTED_PROXIES": int(os.environ.get("EVENTDESK_TRUSTED_PROXIES", "0") or 0),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        # Self-registration proves the phone with a texted code; the backend sends (or logs) it.
        "EVENTDESK_SMS_VERIFICATION": _flag("EVENTDESK_SMS_VERIFICATION", False),
        "EVENTDESK_SMS_BACKEND": os.environ.get("EVENTDESK_SMS_BACKEND", "").strip() or "log",
        # Without Redis the database keeps the counters, so that every worker counts together.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "").strip()
        or redis_url
        or "database",
        # A batch of 1,000 offline scans is about 250 kB; anything far beyond is not a scanner.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # Booth staff keep a form open for hours between visitors.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        # Pages, scripts and answers travel compressed: the scanner's decoder alone is 250 kB
        # as written, a fifth of that compressed. Live-count streams (text/event-stream) are
        # not in the list: a compressor would hold their events back.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIMETYPES": list(COMPRESSED_TYPES),
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
    }
