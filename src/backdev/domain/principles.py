"""Architecture Principles: prose for people, import contracts for the machine.

Module names are full dotted names. Layers are listed highest first, as in
import-linter: a layer may import the layers below it, never those above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from backdev.domain.problems import SourceRef

ContractOrigin = Literal["principles", "importlinter"]


@dataclass(frozen=True, slots=True)
class LayersContract:
    """Each entry of `layers` is one layer; a layer may hold siblings (`a | b`)."""

    layers: tuple[tuple[str, ...], ...]
    containers: tuple[str, ...]
    origin: SourceRef
    source: ContractOrigin
    name: str = "layers"
    kind: Literal["layers"] = "layers"


@dataclass(frozen=True, slots=True)
class ForbiddenContract:
    """Modules in `sources` must not import any of `targets` (project, stdlib or third-party)."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    origin: SourceRef
    source: ContractOrigin
    name: str = "forbidden"
    kind: Literal["forbidden"] = "forbidden"


@dataclass(frozen=True, slots=True)
class IndependenceContract:
    """None of `modules` may import another of them."""

    modules: tuple[str, ...]
    origin: SourceRef
    source: ContractOrigin
    name: str = "independent"
    kind: Literal["independent"] = "independent"


@dataclass(frozen=True, slots=True)
class ProtectedContract:
    """Only `allowed_importers` may import `module`."""

    module: str
    allowed_importers: tuple[str, ...]
    origin: SourceRef
    source: ContractOrigin
    name: str = "protected"
    kind: Literal["protected"] = "protected"


ImportContract = LayersContract | ForbiddenContract | IndependenceContract | ProtectedContract


@dataclass(frozen=True, slots=True)
class Principles:
    """The parsed principles file plus any import-linter contracts the project already has."""

    path: str
    prose: str
    contracts: tuple[ImportContract, ...]
