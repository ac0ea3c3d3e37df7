"""Shared helpers for the manager's tests."""
from __future__ import annotations

from hostdesk.settings import Settings

DELIMITER_NAMES = {";": "semicolon", ",": "comma", "\t": "tab", "|": "pipe"}


def settings_form_data(settings: Settings | None = None, **overrides) -> dict[str, str]:
    """What the settings page posts when nothing is changed."""
    s = settings or Settings()
    data: dict[str, str] = {}
    for name in ("restaurant_name", "timezone", "day_boundary", "default_language", "smtp_host", "smtp_user",
                 "smtp_sender", "reply_to", "online_text", "restaurant_phone", "online_public_url"):
        data[name] = str(getattr(s, name))
    for name in ("greet_amber_seconds", "greet_red_seconds", "arriving_window_minutes", "no_show_grace_minutes",
                 "undo_seconds", "max_party_size", "pin_idle_minutes", "retention_days_default",
                 "personal_data_erasure_days", "verification_required_matches", "bank_card_min_questions",
                 "claim_lock_after_failures", "arrival_check_days", "smtp_port", "late_after_minutes",
                 "online_horizon_days", "online_max_party", "online_cutoff_hours", "guest_erasure_days"):
        data[name] = str(getattr(s, name))
    if s.smtp_tls:
        data["smtp_tls"] = "y"
    if s.daily_summary:
        data["daily_summary"] = "y"
    if s.online_booking:
        data["online_booking"] = "y"
    data["csv_delimiter"] = DELIMITER_NAMES[s.csv_delimiter]
    for i, service in enumerate(s.services):
        for key in ("name", "start", "end"):
            data[f"services-{i}-{key}"] = service[key]
    for i, (up_to, minutes) in enumerate(s.durations):
        data[f"durations-{i}-up_to"], data[f"durations-{i}-minutes"] = str(up_to), str(minutes)
    for i, (category, days) in enumerate(sorted(s.retention_days.items())):
        data[f"retention_days-{i}-category"], data[f"retention_days-{i}-days"] = category, str(days)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
