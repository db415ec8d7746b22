"""Passwords out of what HopsML Lab shows: log lines and error messages.

A URL keeps its scheme, user, host and path, so a message still says where it went;
only the password (and any ``password=`` or ``token=`` parameter) becomes ``***``.

>>> mask_url("postgresql://hopsml:s3cret@db.internal:5432/hopsml")
'postgresql://hopsml:***@db.internal:5432/hopsml'
>>> mask_url("http://ada:s3cret@namenode:9870")
'http://ada:***@namenode:9870'
>>> mask_secrets('connecting to "postgresql://u:s3cret@h/db" with password=s3cret failed')
'connecting to "postgresql://u:***@h/db" with password=*** failed'
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MASK = "***"

# Addresses of web services: parsed as browsers and HTTP clients parse them. Anything
# else (a catalog's SQLAlchemy URL) is parsed as SQLAlchemy parses it.
_WEB_SCHEMES = frozenset(
    {"http", "https", "hdfs", "webhdfs", "swebhdfs", "spark", "sc", "k8s", "mesos"}
)

# ``://user:PASSWORD@``, the password up to the last '@' before the path: what is left
# when a URL does not parse, or has an unencoded '@' in its password.
_USERINFO = re.compile(r"(://[^/:@\s]*:)[^/\s]*@")

# A secret as a parameter: ``?password=...``, ``;token=...`` (Spark Connect), or a
# libpq ``password=...`` / ``password='...'`` connection string.
_SECRET_PARAM = re.compile(
    r"(?i)\b([\w.-]*(?:password|passwd|pwd|token|secret))=('[^']*'|[^&;\s'\"]*)"
)

# A URL inside free text, up to a space, a quote or a bracket.
_URL_IN_TEXT = re.compile(r"[A-Za-z][\w+.-]*://[^\s'\"<>()\[\]]+")


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***``; the rest as given.

    >>> mask_url("sqlite:////home/ada/hopsml/demo/.hopsml/catalog.db")
    'sqlite:////home/ada/hopsml/demo/.hopsml/catalog.db'
    >>> mask_url("sc://spark:15002/;token=abc")
    'sc://spark:15002/;token=***'
    """
    text = str(url)
    scheme = text.partition("://")[0].lower()
    text = _mask_web(text) if scheme in _WEB_SCHEMES else _mask_database(text)
    text = _USERINFO.sub(rf"\1{MASK}@", text)
    return _SECRET_PARAM.sub(rf"\1={MASK}", text)


def mask_secrets(text: str) -> str:
    """Every URL's password and every ``password=`` value in ``text`` (a driver's error
    message, a connection string) replaced by ``***``."""
    masked = _URL_IN_TEXT.sub(lambda match: mask_url(match.group(0)), str(text))
    return _SECRET_PARAM.sub(rf"\1={MASK}", masked)


def _mask_database(url: str) -> str:
    """SQLAlchemy's own rendering, so the password hidden is the one the driver gets."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url  # not a database URL: the patterns in mask_url still apply
    if parsed.password is None:
        return url  # nothing to hide: keep the text exactly as given
    return parsed.render_as_string(hide_password=True)


def _mask_web(url: str) -> str:
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # a malformed host or port: the patterns in mask_url still apply
        return url
    if password is None:
        return url
    user = parts.netloc.rpartition("@")[0].partition(":")[0]
    host = parts.netloc.rpartition("@")[2]
    return url.replace(parts.netloc, f"{user}:{MASK}@{host}", 1)
