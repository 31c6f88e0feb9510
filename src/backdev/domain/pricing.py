"""Model ids, prices per million tokens, and what a call cost.

The table covers models whose list prices were public when it was written (USD
per million input/output tokens); for any other model `--price IN,OUT` is
required, so a run never starts with an unknown cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backdev.domain.conversation import Usage
from backdev.domain.errors import ConfigError

FREE_PROVIDERS = frozenset({"scripted", "replay"})
"""Models shipped in the package for tests: they cost nothing."""


@dataclass(frozen=True, slots=True)
class ModelId:
    """`provider:model`, e.g. `openai:gpt-4.1` or `anthropic:claude-sonnet-4-5`."""

    provider: str
    model: str

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens."""

    input_per_million: float
    output_per_million: float

    def cost(self, usage: Usage) -> float:
        """What `usage` cost at this price, in USD."""
        return (
            usage.input_tokens * self.input_per_million
            + usage.output_tokens * self.output_per_million
        ) / 1_000_000


PRICES: dict[str, Price] = {
    "openai:gpt-4o": Price(2.50, 10.00),
    "openai:gpt-4o-mini": Price(0.15, 0.60),
    "openai:gpt-4.1": Price(2.00, 8.00),
    "openai:gpt-4.1-mini": Price(0.40, 1.60),
    "openai:gpt-4.1-nano": Price(0.10, 0.40),
    "openai:o3": Price(2.00, 8.00),
    "openai:o4-mini": Price(1.10, 4.40),
    "openai:gpt-5": Price(1.25, 10.00),
    "openai:gpt-5-mini": Price(0.25, 2.00),
    "anthropic:claude-opus-4-1": Price(15.00, 75.00),
    "anthropic:claude-opus-4-0": Price(15.00, 75.00),
    "anthropic:claude-sonnet-4-5": Price(3.00, 15.00),
    "anthropic:claude-sonnet-4-0": Price(3.00, 15.00),
    "anthropic:claude-haiku-4-5": Price(1.00, 5.00),
    "anthropic:claude-3-5-haiku-latest": Price(0.80, 4.00),
}


def parse_model_id(text: str) -> ModelId:
    """`provider:model` as typed on the command line; anything else is a ConfigError."""
    provider, sep, model = text.partition(":")
    if not sep or not provider.strip() or not model.strip():
        raise ConfigError(
            f"--model {text!r} is not PROVIDER:MODEL. Examples: openai:gpt-4.1, "
            "anthropic:claude-sonnet-4-5, scripted:path/to/script.json"
        )
    return ModelId(provider.strip().lower(), model.strip())


def parse_price(text: str) -> Price:
    """`IN,OUT` in USD per million tokens, as `--price` takes it."""
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 2 or any(not math.isfinite(v) or v < 0 for v in values):
        raise ConfigError(
            f"--price {text!r} is not IN,OUT: two non-negative numbers, USD per million "
            "input and output tokens, e.g. --price 3,15"
        )
    return Price(values[0], values[1])


def price_for(model: ModelId, override: Price | None) -> Price:
    """The price to count cost with: `--price`, else the table; unknown is refused."""
    if override is not None:
        return override
    if model.provider in FREE_PROVIDERS:
        return Price(0.0, 0.0)
    known = PRICES.get(str(model))
    if known is None:
        raise ConfigError(
            f"backdev has no price for {model}, so it cannot keep the run within "
            "--max-cost. Pass the price in USD per million input and output tokens, "
            "e.g. --price 3,15 (0,0 for a local model)"
        )
    return known
