"""Builds the ChatModel a `provider:model` id names, importing its SDK only then."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from backdev.application.agent_ports import ChatModel
from backdev.domain.errors import ConfigError
from backdev.domain.pricing import ModelId

PROVIDERS = ("anthropic", "openai", "replay", "scripted")


def build_chat_model(model: ModelId, env: Mapping[str, str], cwd: Path) -> ChatModel:
    """The model for `model`; ConfigError for an unknown provider, a missing SDK or key.

    `env` supplies the provider's variables (OPENAI_API_KEY, ANTHROPIC_BASE_URL, ...);
    the paths of `scripted:` and `replay:` are relative to `cwd`.
    """
    if model.provider == "openai":
        return _openai(model.model, env)
    if model.provider == "anthropic":
        return _anthropic(model.model, env)
    if model.provider == "scripted":
        from backdev.adapters.llm.scripted import ScriptedModel  # noqa: PLC0415

        return ScriptedModel.from_file(_path(model.model, cwd))
    if model.provider == "replay":
        from backdev.adapters.llm.replay import ReplayModel  # noqa: PLC0415

        return ReplayModel(_path(model.model, cwd))
    raise ConfigError(
        f"--model {model}: unknown provider {model.provider!r}. Known providers: "
        f"{', '.join(PROVIDERS)} (e.g. openai:gpt-4.1, anthropic:claude-sonnet-4-5, "
        "scripted:script.json, replay:transcript.jsonl)."
    )


def missing_sdk(error: ImportError, sdk: str) -> ConfigError:
    """The install hint for a provider whose SDK (an optional extra) failed to import."""
    return ConfigError(
        f"The {sdk} provider needs the {sdk!r} package, which could not be imported "
        f"({error}). Install it with: pip install 'backdev[{sdk}]'"
    )


# The SDKs are optional extras: each adapter module imports its SDK at the top, so the
# adapter is imported only here, when its provider is chosen.
def _openai(model: str, env: Mapping[str, str]) -> ChatModel:
    try:
        from backdev.adapters.llm.openai_chat import (  # noqa: PLC0415
            OpenAIChatModel,
            openai_client,
        )
    except ImportError as exc:
        if not _is_sdk(exc, "openai"):
            raise
        raise missing_sdk(exc, "openai") from exc
    return OpenAIChatModel(model, openai_client(env))


def _anthropic(model: str, env: Mapping[str, str]) -> ChatModel:
    try:
        from backdev.adapters.llm.anthropic_messages import (  # noqa: PLC0415
            AnthropicMessagesModel,
            anthropic_client,
        )
    except ImportError as exc:
        if not _is_sdk(exc, "anthropic"):
            raise
        raise missing_sdk(exc, "anthropic") from exc
    return AnthropicMessagesModel(model, anthropic_client(env))


def _is_sdk(error: ImportError, sdk: str) -> bool:
    # Only a failure to import the SDK itself is the user's to fix; any other
    # ImportError is a bug in backdev and must surface as one.
    name = error.name or ""
    return name == sdk or name.startswith(sdk + ".")


def _path(text: str, cwd: Path) -> Path:
    path = Path(text).expanduser()
    return path if path.is_absolute() else cwd / path
