"""The policy: the process written down once. Radar reads severities and services from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from radar.domain.errors import InvalidInput
from radar.domain.severity import Severity


@dataclass(frozen=True)
class Service:
    """Something users depend on, that an incident can affect."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Policy:
    """A validated policy. ``severities`` are ordered from most to least severe."""

    incident_definition: str
    emergency_test: str
    severities: tuple[Severity, ...]
    services: tuple[Service, ...]
    _severity_by_id: Mapping[str, Severity] = field(init=False, repr=False, compare=False)
    _service_by_id: Mapping[str, Service] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sev = MappingProxyType({s.id: s for s in self.severities})
        svc = MappingProxyType({s.id: s for s in self.services})
        object.__setattr__(self, "_severity_by_id", sev)
        object.__setattr__(self, "_service_by_id", svc)

    def severity(self, severity_id: str, *, field: str = "severity") -> Severity:
        """The level with this id, or ``InvalidInput`` naming the field and the known ids."""
        try:
            return self._severity_by_id[severity_id]
        except KeyError:
            known = ", ".join(self._severity_by_id)
            raise InvalidInput(
                f"unknown severity {severity_id!r}; the policy defines: {known}", field=field
            ) from None

    def service(self, service_id: str, *, field: str = "service") -> Service:
        """The service with this id, or ``InvalidInput`` naming the field and the known ids."""
        try:
            return self._service_by_id[service_id]
        except KeyError:
            known = ", ".join(self._service_by_id) or "(none)"
            raise InvalidInput(
                f"unknown service {service_id!r}; the policy defines: {known}", field=field
            ) from None
