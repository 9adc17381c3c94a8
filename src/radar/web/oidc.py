"""Single sign-on with an OpenID Connect provider: the authorization-code flow with PKCE.

``begin`` makes the provider's sign-in address and what must come back with the person (state,
nonce, PKCE verifier); ``finish`` exchanges the code, verifies the ID token and says who it
names, with the role ``RADAR_OIDC_ROLES`` gives them. The provider is found through its
discovery document; the ID token's signature is checked against its JWKS (asymmetric algorithms
only), and ``iss``, ``aud``, ``exp``, ``iat`` and ``nonce`` by authlib's ``CodeIDToken``, against
Radar's clock. Every failure is ``Unauthenticated`` (``Forbidden`` for a person the settings
give no role), worded for the person; the technical reason goes to the log.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.oauth2.auth import ClientAuth  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import (
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from pydantic import SecretStr

from radar.clock import Clock
from radar.domain.access import UserRole
from radar.domain.errors import Forbidden, Unauthenticated
from radar.settings import Settings

log = logging.getLogger("radar.web.oidc")

CALLBACK = "/signin/oidc/callback"
DISCOVERY = "/.well-known/openid-configuration"
METADATA_FOR = timedelta(hours=1)  # the discovery document and keys are read again after this
LEEWAY = 60  # seconds of clock difference allowed with the provider
TIMEOUT = 10.0
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
RANK = {UserRole.VIEWER: 0, UserRole.RESPONDER: 1, UserRole.ADMIN: 2}
UNREACHABLE = "the sign-in service did not answer as expected; try again later, or use a password"


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: SecretStr  # unwrapped only to send it
    scopes: str
    username_claim: str
    role_claim: str
    roles: Mapping[str, UserRole]
    default_role: UserRole | None
    redirect_uri: str

    @classmethod
    def of(cls, settings: Settings) -> OidcConfig | None:
        """The configuration, or None when single sign-on is off."""
        if not settings.oidc_enabled:
            return None
        scopes = settings.oidc_scopes.split()
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            scopes=" ".join(["openid", *(s for s in scopes if s != "openid")]),
            username_claim=settings.oidc_username_claim,
            role_claim=settings.oidc_role_claim,
            roles=dict(settings.oidc_roles),
            default_role=UserRole(settings.oidc_default_role)
            if settings.oidc_default_role
            else None,
            redirect_uri=settings.effective_public_url + CALLBACK,
        )


@dataclass(frozen=True)
class Pending:
    """What the browser keeps (signed) between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str
    then: str

    def kept(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def of(cls, kept: Mapping[str, str] | None) -> Pending | None:
        """From what ``kept`` gave, once unsealed; None when anything is missing."""
        names = [f.name for f in fields(cls)]
        if kept is None or any(name not in kept for name in names):
            return None
        return cls(**{name: kept[name] for name in names})


@dataclass(frozen=True)
class Identity:
    username: str
    display_name: str
    role: UserRole


def role_for(claims: Mapping[str, Any], config: OidcConfig) -> UserRole:
    """The highest role the claim's values map to, else the default role; ``Forbidden`` when
    there is neither."""
    value = claims.get(config.role_claim)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    mapped = [config.roles[v] for v in values if isinstance(v, str) and v in config.roles]
    if mapped:
        return max(mapped, key=RANK.__getitem__)
    if config.default_role is not None:
        return config.default_role
    raise Forbidden("your account at the sign-in service gives you no role in Radar; ask an admin")


class Provider:
    """One OpenID provider. The discovery document and keys are kept for ``METADATA_FOR``."""

    def __init__(self, config: OidcConfig, clock: Clock) -> None:
        self.config = config
        self._clock = clock
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._read_at: datetime | None = None

    async def begin(self, then: str) -> tuple[str, Pending]:
        """The provider's sign-in address, and what must come back with the person."""
        metadata = await self._discovered()
        pending = Pending(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(48),
            then=then,
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.config.client_id,
                "redirect_uri": self.config.redirect_uri,
                "scope": self.config.scopes,
                "state": pending.state,
                "nonce": pending.nonce,
                "code_challenge": create_s256_code_challenge(pending.verifier),
                "code_challenge_method": "S256",
            }
        )
        endpoint = str(metadata["authorization_endpoint"])
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", pending

    async def finish(self, pending: Pending, code: str) -> Identity:
        """Exchange ``code``, verify the ID token, and say who it names."""
        metadata = await self._discovered()
        token = await self._exchange(metadata, pending, code)
        claims = await self._verified(metadata, token, pending.nonce)
        username = claims.get(self.config.username_claim)
        if not isinstance(username, str) or not username.strip():
            log.warning("ID token without a %r claim", self.config.username_claim)
            raise Unauthenticated(
                f"the sign-in service sent no {self.config.username_claim} for you, which Radar "
                "uses as your username; ask an admin"
            )
        name = claims.get("name")
        shown = name if isinstance(name, str) and name.strip() else username
        return Identity(username.strip(), shown.strip(), role_for(claims, self.config))

    async def _discovered(self) -> dict[str, Any]:
        now = self._clock.now()
        if self._metadata is None or self._read_at is None or now - self._read_at > METADATA_FOR:
            metadata = await self._get_json(self.config.issuer.rstrip("/") + DISCOVERY)
            self._check(metadata)
            self._metadata, self._keys, self._read_at = metadata, None, now
        return self._metadata

    def _check(self, metadata: dict[str, Any]) -> None:
        issuer = str(metadata.get("issuer", ""))
        if issuer.rstrip("/") != self.config.issuer.rstrip("/"):
            log.warning("discovery document names issuer %r, not %r", issuer, self.config.issuer)
            raise Unauthenticated(UNREACHABLE)
        secure = issuer.startswith("https://")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            url = metadata.get(name)
            if not isinstance(url, str) or (secure and not url.startswith("https://")):
                log.warning("discovery document: %s is missing or not https: %r", name, url)
                raise Unauthenticated(UNREACHABLE)

    async def _exchange(self, metadata: dict[str, Any], pending: Pending, code: str) -> str:
        """The ID token the token endpoint gives for ``code`` and the PKCE verifier."""
        url = str(metadata["token_endpoint"])
        methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
        form = urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.config.redirect_uri,
                "code_verifier": pending.verifier,
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        secret = self.config.client_secret.get_secret_value()
        auth = ClientAuth(self.config.client_id, secret, method)
        url, headers, form = auth.prepare("POST", url, headers, form)
        answer = await self._send("POST", url, headers=headers, content=form)
        body = _json(answer)
        if answer.status_code != 200 or not isinstance(body.get("id_token"), str):
            log.warning("token endpoint answered %s: %s", answer.status_code, body.get("error"))
            raise Unauthenticated(
                "the sign-in service did not confirm the sign-in"
                + (f" ({body['error']})" if isinstance(body.get("error"), str) else "")
                + "; try again"
            )
        return str(body["id_token"])

    async def _verified(self, metadata: dict[str, Any], token: str, nonce: str) -> dict[str, Any]:
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in ASYMMETRIC if a in offered] or ["RS256"]
        try:
            try:
                decoded = jwt.decode(token, await self._key_set(metadata), algorithms=algorithms)
            except InvalidKeyIdError:  # the provider may have rotated its keys since
                decoded = jwt.decode(
                    token, await self._key_set(metadata, fresh=True), algorithms=algorithms
                )
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "value": metadata["issuer"]},
                    "aud": {"essential": True, "value": self.config.client_id},
                },
                {"nonce": nonce, "client_id": self.config.client_id},
            )
            claims.validate(now=int(self._clock.now().timestamp()), leeway=LEEWAY)
        except ExpiredTokenError:
            raise Unauthenticated("the sign-in has expired; try again") from None
        except ClaimError as exc:
            log.warning("ID token refused: %s", exc)
            verb = "lacks" if isinstance(exc, MissingClaimError) else "has a wrong"
            raise Unauthenticated(
                f"the sign-in was refused: its ID token {verb} {exc.claim}"
            ) from None
        except (JoseError, ValueError) as exc:
            log.warning("ID token refused: %s: %s", type(exc).__name__, exc)
            raise Unauthenticated(
                "the sign-in was refused: its ID token's signature does not verify"
            ) from None
        return dict(claims)

    async def _key_set(self, metadata: dict[str, Any], *, fresh: bool = False) -> KeySet:
        if self._keys is None or fresh:
            jwks = await self._get_json(str(metadata["jwks_uri"]))
            try:
                self._keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
            except (JoseError, ValueError, TypeError, KeyError) as exc:
                log.warning("the provider's JWKS is not usable: %s", exc)
                raise Unauthenticated(UNREACHABLE) from None
        return self._keys

    async def _get_json(self, url: str) -> dict[str, Any]:
        answer = await self._send("GET", url, headers={"Accept": "application/json"})
        body = _json(answer)
        if answer.status_code != 200 or not body:
            log.warning("%s answered %s", url, answer.status_code)
            raise Unauthenticated(UNREACHABLE)
        return body

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as http:
                return await http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("%s %s failed: %s", method, url, exc)
            raise Unauthenticated(UNREACHABLE) from None


def _json(answer: httpx.Response) -> dict[str, Any]:
    """A JSON object body, or an empty dict for anything else."""
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
