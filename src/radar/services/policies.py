"""Applying and reading the policy. Each applied file is a new version; the newest one runs."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from radar.clock import Clock
from radar.domain.errors import Conflict, NotFound, Problem
from radar.domain.policy import Policy
from radar.policyfile import diff, load
from radar.store.policies import StoredPolicy as StoredPolicy  # re-exported for entry points
from radar.store.uow import UnitOfWork, UnitOfWorkProvider

RUNNING = "policy.running"  # the running version, in a unit of work's memo


@dataclass(frozen=True)
class PolicyVersion:
    id: int
    policy: Policy
    stored: StoredPolicy


@dataclass(frozen=True)
class ApplyResult:
    version: PolicyVersion
    created: bool
    warnings: tuple[Problem, ...] = ()
    changes: tuple[str, ...] = ()  # from the version it replaced, in words
    # Not created because the process is the same, though the text differs (comments, layout).
    text_differs: bool = False


class PolicyService:
    def __init__(self, uow: UnitOfWorkProvider, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._cache: dict[int, PolicyVersion] = {}
        self._lock = threading.Lock()

    def apply(
        self, text: str, *, filename: str, author: str, if_changed: bool = False
    ) -> ApplyResult:
        """Validate ``text`` and store it as the new version. Any error refuses the whole file
        (``PolicyError``) and the running version stays. With ``if_changed``, nothing is stored
        when the policy is the one that runs: the same text, or a text that says the same
        (only comments or layout differ: ``ApplyResult.text_differs``)."""
        found = self.inspect(text, filename=filename)
        warnings = found.warnings
        digest = hashlib.sha256(text.encode()).hexdigest()
        with self._uow(write=True) as uow:
            current = self._current(uow)
            if if_changed and current is not None:
                same_text = current.stored.content_hash == digest
                if same_text or current.policy == found.policy:
                    return ApplyResult(
                        current, created=False, warnings=warnings, text_differs=not same_text
                    )
            stored = uow.policies.add(
                content=text,
                content_hash=digest,
                filename=filename,
                author=author,
                now=self._clock.now(),
            )
            uow.commit()
        new = self._remember(stored)
        changes = tuple(diff.describe(current.policy, new.policy)) if current else ()
        return ApplyResult(new, created=True, warnings=warnings, changes=changes)

    def inspect(self, text: str, *, filename: str) -> load.Inspection:
        """Check a policy without storing it: ``PolicyError`` for mistakes, else the warnings."""
        return load.inspect(text, filename, years=self._years())

    def _years(self) -> range:
        """Public holidays are resolved from last year to three years ahead of the clock."""
        year = self._clock.now().year
        return range(year - 1, year + 4)

    def version(self, version_id: int) -> PolicyVersion:
        with self._lock:
            cached = self._cache.get(version_id)
        if cached is not None:
            return cached
        with self._uow() as uow:
            stored = uow.policies.get(version_id)
        if stored is None:
            raise NotFound(f"no policy version {version_id}", field="version")
        return self._remember(stored)

    def current(self) -> PolicyVersion:
        with self._uow() as uow:
            version = self._current(uow)
        if version is None:
            raise Conflict("no policy has been applied yet; run `radar policy apply FILE`")
        return version

    def current_in(self, uow: UnitOfWork) -> PolicyVersion:
        """The running version, read inside the caller's transaction (once per transaction)."""
        remembered: PolicyVersion | None = uow.memo.get(RUNNING)
        if remembered is not None:
            return remembered
        version = self._current(uow)
        if version is None:
            raise Conflict("no policy has been applied yet; run `radar policy apply FILE`")
        uow.memo[RUNNING] = version
        return version

    def history(self) -> list[StoredPolicy]:
        with self._uow() as uow:
            return uow.policies.history()

    def _current(self, uow: UnitOfWork) -> PolicyVersion | None:
        version_id = uow.policies.current_id()
        if version_id is None:
            return None
        with self._lock:
            cached = self._cache.get(version_id)
        if cached is not None:
            return cached
        stored = uow.policies.get(version_id)
        assert stored is not None
        return self._remember(stored)

    def _remember(self, stored: StoredPolicy) -> PolicyVersion:
        policy = load.load(stored.content, stored.filename, years=self._years())
        version = PolicyVersion(id=stored.id, policy=policy, stored=stored)
        with self._lock:
            self._cache[stored.id] = version
        return version
