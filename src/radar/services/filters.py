"""What a list filter may name: a severity or service that exists, not a typo that shows nothing."""

from __future__ import annotations

from radar.domain.errors import Conflict
from radar.domain.listing import IncidentFilter
from radar.services.policies import PolicyService
from radar.store.uow import UnitOfWork


def refuse_unknown(uow: UnitOfWork, policies: PolicyService, flt: IncidentFilter) -> None:
    """``InvalidInput`` naming the value and the policy's ids, for a severity or service that the
    running policy does not define and no incident has (one an older policy defined still
    filters). An empty list for ``--severity sev9`` would read as "nothing is on fire"."""
    if not (flt.severities or flt.services):
        return
    try:
        policy = policies.current_in(uow).policy
    except Conflict:  # no policy applied yet: nothing to check against
        return
    severities = {s.id for s in policy.severities}
    for severity in flt.severities:
        if severity not in severities and not uow.incidents.severity_in_use(severity):
            policy.severity(severity)  # raises, naming the levels
    services = {s.id for s in policy.services}
    for service in flt.services:
        if service not in services and not uow.incidents.service_in_use(service):
            policy.service(service)  # raises, naming the services
