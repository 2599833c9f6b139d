"""Dates in feeds: feedparser's UTC tuples, JSON Feed's RFC 3339, and RFC 822
dates with day and month names in other languages.

Feeds from Brazil, Spain, France, Germany, Italy or the Netherlands often
write ``Seg, 24 Set 2018 10:00:00 -0300`` or ``mer, 16 nov 2022 00:38:15
+0100``.  feedparser reads English names only, so those articles had no date
and were dated when fetched: years-old posts sat on top of "newest first".

:func:`parse_localized` is a feedparser date handler (registered by
:mod:`tui.core.parse.xmlfeed`): it translates the month name and hands the rest to
feedparser's own RFC 822 reader, so zones and two-digit years are read the
same way as in English dates.  The weekday is dropped, never checked: it says
nothing the date does not.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from feedparser.datetimes.rfc822 import _parse_date_rfc822

__all__ = ["epoch", "parse_localized", "rfc3339"]

_MONTHS_BY_NUMBER: tuple[tuple[str, ...], ...] = (
    # Portuguese, Spanish, French, German, Italian, Dutch; full names and the
    # usual abbreviations, with and without accents.
    ("janeiro", "enero", "ene", "janvier", "janv", "januar", "jän", "jänner", "gennaio", "gen",
     "januari"),
    ("fevereiro", "fev", "febrero", "février", "fevrier", "févr", "fevr", "fév", "februar",
     "febbraio", "februari"),
    ("março", "marco", "marzo", "mars", "märz", "maerz", "mär", "mrz", "maart", "mrt", "maa"),
    ("abril", "abr", "avril", "avr", "aprile"),
    ("maio", "mai", "mayo", "mag", "maggio", "mei"),
    ("junho", "junio", "juin", "juni", "giugno", "giu"),
    ("julho", "julio", "juillet", "juil", "juli", "luglio", "lug"),
    ("agosto", "ago", "août", "aout", "aoû", "augustus"),
    ("setembro", "set", "septiembre", "setiembre", "sept", "septembre", "settembre"),
    ("outubro", "out", "octubre", "octobre", "oktober", "okt", "ottobre", "ott"),
    ("novembro", "noviembre", "novembre"),
    ("dezembro", "dez", "diciembre", "dic", "décembre", "decembre", "déc", "dezember",
     "dicembre"),
)  # fmt: skip
_ENGLISH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# English names (full, as German and Dutch also write April or September, and
# abbreviated), which alone do not make a date localized.  Spelled out, not
# taken from the calendar module, whose names follow the process's locale.
_ENGLISH_FULL = (
    *("january", "february", "march", "april", "may", "june", "july", "august"),
    *("september", "october", "november", "december"),
)
_ENGLISH_NAMES = {
    name: _ENGLISH[number] for number, full in enumerate(_ENGLISH_FULL) for name in (full, full[:3])
} | {"sept": "Sep"}
_MONTHS = {
    **_ENGLISH_NAMES,
    **{name: _ENGLISH[number] for number, names in enumerate(_MONTHS_BY_NUMBER) for name in names},
}
_ENGLISH_DAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}
)
# Local names of Central European time, which feedparser does not know.
_ZONES = {"mez": "+0100", "mesz": "+0200", "hec": "+0100", "hae": "+0200"}

# [Weekday[.],] DD[.] [de] Month[.] [de] YYYY [rest: time and zone]
_DATE = re.compile(
    r"\s*(?:(?P<weekday>[^\W\d_]+)\.?,?\s+)?"
    r"(?P<day>\d{1,2})\.?\s+(?:de\s+)?"
    r"(?P<month>[^\W\d_]+)\.?,?\s+(?:de\s+)?"
    r"(?P<year>\d{4}|\d{2})\b,?(?P<rest>.{0,40})\Z",
    re.I | re.S,
)
# What may join the date to the time: "à", "um", "às", "alle", "om", "a las".
_TIME_JOIN = re.compile(r"\A\s*(?:à|a|as|às|um|alle|om|a\s+las|-)?\s+(?=\d)", re.I)


def parse_localized(value: str) -> time.struct_time | None:
    """A UTC ``struct_time`` for a localized RFC 822 date, else None.

    Dates that are English throughout are left to feedparser's own handlers
    (None), so they read exactly as before.
    """
    found = _DATE.match(value)
    if found is None:
        return None
    name = found["month"].lower()
    month = _MONTHS.get(name)
    if month is None:
        return None
    weekday = (found["weekday"] or "").lower()
    if name in _ENGLISH_NAMES and (not weekday or weekday in _ENGLISH_DAYS):
        return None
    rest = _TIME_JOIN.sub(" ", found["rest"]).split()
    if len(rest) > 1:
        rest[1] = _ZONES.get(rest[1].lower(), rest[1])
    parsed: time.struct_time | None = _parse_date_rfc822(
        " ".join([found["day"], month, found["year"], *rest[:2]])
    )
    return parsed


def epoch(value: object) -> int | None:
    """feedparser's UTC struct_time -> epoch seconds (never mktime: local time)."""
    if value is None:
        return None
    try:
        return int(calendar.timegm(value))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def rfc3339(value: object) -> int | None:
    """RFC 3339 (as JSON Feed says), else RFC 822 (as some feeds do), in English
    or another language (:func:`parse_localized`); naive = UTC."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.upper())
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return epoch(parse_localized(text))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return int(when.timestamp())
    except (OverflowError, ValueError, OSError):
        return None
