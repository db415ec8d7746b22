"""hsfs time inputs as epoch milliseconds (UTC), exactly as hsfs'
``util._convert_event_time_to_timestamp`` reads them.

>>> to_epoch_ms("2024-06-10 06:13:20.123")
1718000000123
"""

from __future__ import annotations

import numbers
from datetime import date, datetime, timedelta, timezone

from .errors import BadTime

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FORMATS = {
    8: "%Y%m%d",
    10: "%Y%m%d%H",
    12: "%Y%m%d%H%M",
    14: "%Y%m%d%H%M%S",
    17: "%Y%m%d%H%M%S%f",
}
_HELP = (
    "give a datetime or date (naive means UTC), an epoch int (10 digits or fewer: seconds, "
    "more: milliseconds), or a string '%Y-%m-%d', '%Y-%m-%d %H', '%Y-%m-%d %H:%M', "
    "'%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f' (3 fractional digits), "
    "'YYYYMMDDHHMMSSmmm' or ISO '...T...Z'"
)


def _datetime_ms(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return (value - _EPOCH) // timedelta(milliseconds=1)


def _string_ms(text: str) -> int:
    stripped = text.strip()
    if "T" in stripped:
        try:
            parsed = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
        except ValueError:
            raise BadTime(f"{stripped!r} is no ISO time: {_HELP}") from None
        return _datetime_ms(parsed)
    digits = stripped
    for char in "-/ :.":
        digits = digits.replace(char, "")
    fmt = _FORMATS.get(len(digits))
    if fmt is None or not digits.isdigit():
        raise BadTime(f"cannot read {stripped!r} as a time: {_HELP}")
    try:
        parsed = datetime.strptime(digits, fmt)
    except ValueError:
        raise BadTime(f"cannot read {stripped!r} as a time: {_HELP}") from None
    return _datetime_ms(parsed)


def to_epoch_ms(value: str | int | datetime | date | None) -> int | None:
    """Epoch milliseconds of an hsfs time input; ``None`` (or an empty string) gives
    ``None``; ``0`` is refused as hsfs refuses it.

    >>> to_epoch_ms("20240610061320123"), to_epoch_ms(1718000000), to_epoch_ms(date(1970, 1, 2))
    (1718000000123, 1718000000000, 86400000)
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadTime(f"{value!r} is no time: {_HELP}")
    if isinstance(value, datetime):
        return _datetime_ms(value)
    if isinstance(value, date):
        return _datetime_ms(datetime(value.year, value.month, value.day))
    if isinstance(value, numbers.Integral):
        number = int(value)
        if number == 0:
            raise BadTime(f"0 is no time: {_HELP}")
        return number * 1000 if len(str(abs(number))) <= 10 else number
    if isinstance(value, str):
        return _string_ms(value)
    raise BadTime(f"a {type(value).__name__} is no time: {_HELP}")


def committed_on(commit_id_ms: int) -> str:
    """hsfs' ``committedOn`` string: UTC ``YYYYMMDDHHMMSSmmm``.

    >>> committed_on(1718000000123)
    '20240610061320123'
    """
    moment = datetime.fromtimestamp(commit_id_ms / 1000, tz=timezone.utc)
    moment = moment.replace(microsecond=(commit_id_ms % 1000) * 1000)
    return moment.strftime("%Y%m%d%H%M%S%f")[:-3]
