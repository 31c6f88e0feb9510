"""The demo's small layered service, `shop`: API → services → domain, an adapter, tests,
principles, a Definition of Done and feature FEAT-001 (AC-1 done, AC-2 to build).

The end-to-end tests build the same service, so what the demo shows is what is tested.
`PYTHON` in `pyproject.toml` stands for the interpreter that runs the project's tests.
"""

from __future__ import annotations

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


_PLANTED = "winter" + "-2026-" + "prod"
"""Built from parts so that secret scanners of backdev's own repository stay quiet."""

CARELESS: dict[str, str | None] = {
    "src/shop/services/signup.py": '''"""Signing up."""

from __future__ import annotations

from typing import Protocol

from shop.domain.accounts import Account, is_registered, normalise_email


class DuplicateAccount(Exception):
    """The address already has an account."""


class Accounts(Protocol):
    def add(self, account: Account) -> None: ...

    def find(self, email: str) -> Account | None: ...


def register(email: str, accounts: Accounts) -> Account:
    """Create the account for `email`, once per address."""
    if is_registered(email, accounts):
        raise DuplicateAccount(email)
    account = Account(normalise_email(email))
    accounts.add(account)
    return account
''',
    "src/shop/domain/accounts.py": '''"""Accounts: who may sign up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    email: str


def normalise_email(email: str) -> str:
    """The address as stored: trimmed and lower-case."""
    return email.strip().lower()


def is_registered(email: str, accounts: object) -> bool:
    """True when the address already has an account."""
    from shop.adapters.memory import MemoryAccounts

    assert isinstance(accounts, MemoryAccounts)
    return accounts.find(normalise_email(email)) is not None
''',
    "src/shop/settings.py": f'''"""Settings, read from the environment."""

import os

DATABASE_URL = os.getenv("SHOP_DATABASE_URL", "postgresql://shop@localhost/shop")
DATABASE_PASSWORD = os.getenv("SHOP_DATABASE_PASSWORD", "{_PLANTED}")
''',
    "tests/test_signup.py": None,
    "tests/test_duplicates.py": """from __future__ import annotations

import pytest

from shop.adapters.memory import MemoryAccounts
from shop.services.signup import DuplicateAccount, register


@pytest.mark.ac("AC-2")
def test_a_second_signup_with_the_same_address_is_refused() -> None:
    accounts = MemoryAccounts()
    register("ada@example.com", accounts)
    with pytest.raises(DuplicateAccount):
        register("ADA@example.com", accounts)
""",
}
"""What a careless agent might commit for AC-2: the feature works, but the domain imports
an adapter, a credential is a configuration default, and AC-1's test is deleted
(None: the file is deleted)."""
