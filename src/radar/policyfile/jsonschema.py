"""The policy file's JSON Schema, for editors (VS Code's YAML extension and others)."""

from __future__ import annotations

from typing import Any

from radar.policyfile.schema import PolicyFile


def policy_schema() -> dict[str, Any]:
    schema = PolicyFile.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://radar.invalid/schemas/policy-v1.json",
        **schema,
        "title": "Radar policy",
    }
