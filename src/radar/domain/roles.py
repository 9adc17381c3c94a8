"""Roles people hold: in an incident, and in the team that owns a service."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A role in one incident."""

    COMMANDER = "commander"
    COMMUNICATIONS_LEAD = "communications_lead"
    DEPUTY = "deputy"


class TeamRole(StrEnum):
    """A standing role in the team that owns a service."""

    ENGINEERING_MANAGER = "engineering_manager"
    PRODUCT_OWNER = "product_owner"
    TEAM_LEAD = "team_lead"
