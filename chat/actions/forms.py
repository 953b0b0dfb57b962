"""What the admin forms share: a strict base model and the checks of colours, links, times and e-mail."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict

LANGUAGES = ("en", "sv")
Language = Literal["en", "sv"]
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")
END_OF_DAY = time(23, 59, 59, 999999)


class AdminForm(BaseModel):
    """Unknown fields are refused and text is trimmed, so a form can only set what it names."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_colour(value: str) -> str:
    if value and not HEX_COLOUR.match(value):
        raise ValueError(f"“{value[:20]}” is not a colour: write it as #rrggbb, for example #0b5fff")
    return value.lower()


def check_http_url(value: str) -> str:
    if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, flags=re.IGNORECASE):
        raise ValueError("must be a web address starting with https:// or http://")
    return value


def check_email(value: str) -> str:
    if not value:
        return value
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"is not a valid e-mail address ({error})") from error


Colour = Annotated[str, AfterValidator(check_colour)]
HttpUrl = Annotated[str, AfterValidator(check_http_url)]
Email = Annotated[str, AfterValidator(check_email)]


def parse_clock(value: str, what: str) -> time:
    """"08:30" -> 08:30; "24:00" is the end of the day."""
    match = CLOCK.match(value.strip())
    if match is None or (match.group(1) == "24" and match.group(2) != "00"):
        raise ValueError(f"{what}: “{value[:10]}” is not a time of day; write it as HH:MM, for example 08:30")
    hours, minutes = int(match.group(1)), int(match.group(2))
    return END_OF_DAY if hours == 24 else time(hours, minutes)


def format_clock(value: time) -> str:
    return "24:00" if value == END_OF_DAY else value.strftime("%H:%M")
