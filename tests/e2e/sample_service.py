"""A small layered service for the agent's end-to-end tests.

`shop` has an API, services, a pure domain, an adapter and a composition root; its
principles keep the domain free of adapters, its DoD names gates only, and feature
FEAT-001 has two criteria: AC-1 is done (a linked, passing test), AC-2 is not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backdev.adapters.demo.service import FEATURE, FILES
from tests.gitrepo import GitRepo

__all__ = ["FEATURE", "FILES", "build_sample_service", "canary"]


def build_sample_service(repo: GitRepo) -> str:
    """Write the service into `repo`, commit it, return the commit's sha."""
    for path, text in FILES.items():
        repo.write(path, text.replace("PYTHON", json.dumps(sys.executable)))
    base = repo.commit("shop: sign-up service with principles, DoD and FEAT-001")
    canary = "CANARY" + "-secret-" + "do-not-send"
    (Path(repo.root) / ".env").write_text(f"SHOP_API_KEY={canary}\n", encoding="utf-8")
    return base


def canary() -> str:
    """The secret in the ignored `.env` that no request to a model may ever contain."""
    return "CANARY" + "-secret-" + "do-not-send"
