"""How a model server's failures read to our user: what failed, where, and how to fix it.

Both SDKs retry transient failures themselves (429, 408, 409, 5xx, timeouts, lost
connections) up to `max_retries` times; what reaches these functions is final.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from backdev.application.agent_ports import ModelError
from backdev.domain.errors import ConfigError

_RETRIED_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where an adapter sends its requests, and the variables a user sets to change that."""

    provider: str
    api: str
    model: str
    base_url: str
    key_variable: str
    url_variable: str
    attempts: int
    timeout: float | None

    @classmethod
    def of(cls, provider: str, api: str, model: str, client: SdkClient) -> Endpoint:
        """The endpoint an SDK client talks to; variables are `<PROVIDER>_API_KEY/_BASE_URL`."""
        prefix = provider.upper()
        timeout = client.timeout
        return cls(
            provider=provider,
            api=api,
            model=model,
            base_url=str(client.base_url).rstrip("/"),
            key_variable=f"{prefix}_API_KEY",
            url_variable=f"{prefix}_BASE_URL",
            attempts=client.max_retries + 1,
            timeout=timeout if isinstance(timeout, float | int) else None,
        )


class SdkClient(Protocol):
    """What both SDKs' clients tell about where and how they send requests."""

    @property
    def base_url(self) -> object: ...

    @property
    def max_retries(self) -> int: ...

    @property
    def timeout(self) -> object: ...


def status_failure(endpoint: Endpoint, status: int, body: object) -> ModelError:
    """The error for a final HTTP error status, with the server's own explanation."""
    said = _shortened(server_message(body)) or "no explanation in the response"
    where = f"{endpoint.provider} server at {endpoint.base_url}"
    if status == 401:
        return ModelError(
            f"The {where} rejected the API key (HTTP 401: {said}). "
            f"Set {endpoint.key_variable} to a valid key for this server."
        )
    if status == 403:
        return ModelError(
            f"The {where} refused access to model {endpoint.model!r} (HTTP 403: {said}). "
            f"Check that the key in {endpoint.key_variable} may use this model, "
            "or choose another with --model."
        )
    if status == 404:
        return ModelError(
            f"The {where} has no model {endpoint.model!r} (HTTP 404: {said}). "
            f"Check the name in --model {endpoint.provider}:{endpoint.model}, and that "
            f"{endpoint.url_variable} points at the API (for a local server, that it serves "
            "this model)."
        )
    if status in _RETRIED_STATUSES or status >= 500:
        return ModelError(
            f"The {where} answered HTTP {status} for model {endpoint.model!r} ({said}); "
            f"backdev gave up after {_attempts(endpoint)}. The service is overloaded, "
            "rate-limited or down: wait, then continue with `backdev resume`."
        )
    return ModelError(
        f"The {where} refused the request for model {endpoint.model!r} (HTTP {status}: "
        f"{said}). Check that the model supports function tools and that the conversation "
        "fits its context window."
    )


def connection_failure(endpoint: Endpoint, *, timed_out: bool) -> ModelError:
    """The error when no answer came back at all, after every attempt."""
    if timed_out:
        limit = f" within {endpoint.timeout:g} s" if endpoint.timeout is not None else ""
        what = f"did not answer{limit}"
    else:
        what = "could not be reached"
    return ModelError(
        f"The {endpoint.provider} server at {endpoint.base_url} {what}; backdev gave up "
        f"after {_attempts(endpoint)}. Check that it is running and that "
        f"{endpoint.url_variable} is right, then continue with `backdev resume`."
    )


def unreadable_reply(endpoint: Endpoint, error: Exception) -> ModelError:
    """The error for an answer that is not the API's reply shape (a wrong URL, a proxy page)."""
    return ModelError(
        f"The {endpoint.provider} server at {endpoint.base_url} sent a reply for model "
        f"{endpoint.model!r} that backdev could not read ({error}). Check that "
        f"{endpoint.url_variable} points at {endpoint.api}."
    )


def server_message(body: object) -> str:
    """The human-readable message in an error body of either API, or the body itself."""
    if isinstance(body, Mapping):
        message = body.get("message")
        if isinstance(message, str):
            return message
        return server_message(body.get("error"))
    if isinstance(body, str):
        return body.strip()
    return ""


def _attempts(endpoint: Endpoint) -> str:
    return "1 attempt" if endpoint.attempts == 1 else f"{endpoint.attempts} attempts"


def _shortened(text: str, limit: int = 300) -> str:
    # A proxy's error page can be kilobytes of HTML; the start says enough.
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def credentials(env: Mapping[str, str], prefix: str, example: str) -> tuple[str, str]:
    """The key and base URL from `<prefix>_API_KEY` and `<prefix>_BASE_URL` in `env`.

    With neither set there is nothing to talk to: a ConfigError says what to set
    (`example` names a server that needs no key).
    """
    base_url = env.get(f"{prefix}_BASE_URL", "").strip()
    key = env.get(f"{prefix}_API_KEY", "").strip()
    if not key and not base_url:
        raise ConfigError(
            f"The {prefix.lower()} provider needs an API key: set {prefix}_API_KEY, or set "
            f"{prefix}_BASE_URL to {example}."
        )
    return key, base_url
