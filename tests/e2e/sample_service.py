"""A small layered service for the agent's end-to-end tests.

`shop` has an API, services, a pure domain, an adapter and a composition root; its
principles keep the domain free of adapters, its DoD names gates only, and feature
FEAT-001 has two criteria: AC-1 is done (a linked, passing test), AC-2 is not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.gitrepo import GitRepo

FEATURE = "docs/features/FEAT-001-signup.md"

FILES: dict[str, str] = {
    ".gitignore": ".env\n__pycache__/\n*.pyc\nlocal-data/\n",
    "pyproject.toml": """[project]
name = "shop"
version = "0.1.0"

[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]

[tool.backdev]
python = PYTHON
""",
    "src/shop/__init__.py": '"""A small shop."""\n',
    "src/shop/domain/__init__.py": '"""Pure domain: no I/O, no adapters."""\n',
    "src/shop/domain/accounts.py": '''"""Accounts: who may sign up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    email: str


def normalise_email(email: str) -> str:
    """The address as stored: trimmed and lower-case."""
    return email.strip().lower()
''',
    "src/shop/services/__init__.py": '"""Use cases."""\n',
    "src/shop/services/signup.py": '''"""Signing up."""

from __future__ import annotations

from typing import Protocol

from shop.domain.accounts import Account, normalise_email


class Accounts(Protocol):
    def add(self, account: Account) -> None: ...

    def find(self, email: str) -> Account | None: ...


def register(email: str, accounts: Accounts) -> Account:
    """Create the account for `email`."""
    account = Account(normalise_email(email))
    accounts.add(account)
    return account
''',
    "src/shop/adapters/__init__.py": '"""Infrastructure."""\n',
    "src/shop/adapters/memory.py": '''"""Accounts kept in memory."""

from __future__ import annotations

from shop.domain.accounts import Account


class MemoryAccounts:
    def __init__(self) -> None:
        self._by_email: dict[str, Account] = {}

    def add(self, account: Account) -> None:
        self._by_email[account.email] = account

    def find(self, email: str) -> Account | None:
        return self._by_email.get(email)
''',
    "src/shop/api/__init__.py": '"""HTTP-facing handlers."""\n',
    "src/shop/api/handlers.py": '''"""Request handlers."""

from __future__ import annotations

from shop.services.signup import Accounts, register


def post_signup(body: dict[str, str], accounts: Accounts) -> tuple[int, dict[str, str]]:
    account = register(body["email"], accounts)
    return 201, {"email": account.email}
''',
    "tests/test_signup.py": """from __future__ import annotations

import pytest

from shop.adapters.memory import MemoryAccounts
from shop.services.signup import register


@pytest.mark.ac("AC-1")
def test_registering_stores_the_normalised_email() -> None:
    accounts = MemoryAccounts()
    register("  Ada@Example.COM ", accounts)
    assert accounts.find("ada@example.com") is not None
""",
    "docs/engineering/architecture-principles.md": """---
layers:
  - shop.api
  - shop.services
  - shop.domain
forbidden:
  - from: shop.domain
    to: [shop.adapters, sqlite3]
---
# Architecture Principles
1. The domain is pure: no I/O and no adapters.
""",
    "docs/engineering/definition-of-done.md": """# Definition of Done
- [ ] Acceptance criteria have passing linked tests {gate: acceptance}
- [ ] Changed lines are covered by tests {gate: coverage, min: 90}
- [ ] No secrets in the change {gate: secrets}
""",
    FEATURE: """---
id: FEAT-001
title: Sign up with an email address
status: validated
workflow: feature
scope: [src/shop/**, tests/**]
---
## Requirements
- R1: A visitor can sign up with an email address.
- R2: An address can hold only one account.

## Acceptance Criteria
### AC-1: Signing up stores the normalised address
Given a visitor
When they sign up with "  Ada@Example.COM "
Then an account for "ada@example.com" is stored

### AC-2: A second sign-up with the same address is refused
Given an account for "ada@example.com"
When someone signs up with "ADA@example.com"
Then the sign-up is refused with DuplicateAccount
And no second account is stored

## Solution Notes
Raise a domain error `DuplicateAccount` from the service; the API maps it to 409.
""",
}


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
