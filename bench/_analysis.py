"""Placeholder."""

from __future__ import annotations

from typing import Any


def verdicts(results: dict[str, Any]) -> list[str]:
    return []


def method(results: dict[str, Any]) -> list[str]:
    return []


def ramp_summary(results: dict[str, Any]) -> list[str]:
    return []


def idle_rows(results: dict[str, Any]) -> list[str]:
    return []


def profile_text(results: dict[str, Any]) -> list[str]:
    return []
