"""The booking as an iCalendar file (RFC 5545), written with the standard library: one VEVENT in UTC."""
from __future__ import annotations

import hashlib
from datetime import datetime

from .. import clock


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(clock.utcnow().tzinfo).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(*, token: str, start: datetime, end: datetime, summary: str, location: str, description: str,
                url: str, cancelled: bool = False) -> str:
    """The calendar file; its UID derives from the token (the same event when it is sent again) but
    does not reveal it."""
    uid = hashlib.sha256(f"hostdesk-booking:{token}".encode()).hexdigest()[:32]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Hostdesk//Online booking//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:{uid}@hostdesk", f"DTSTAMP:{_stamp(clock.utcnow())}",
             f"DTSTART:{_stamp(start)}", f"DTEND:{_stamp(end)}", f"SUMMARY:{_escape(summary)}",
             f"LOCATION:{_escape(location)}", f"DESCRIPTION:{_escape(description)}", f"URL:{url}",
             f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
