"""Record the model sessions `backdev demo` replays (a maintainer's tool, not shipped).

Runs `backdev run` with scripted turns on the demo's own service and keeps the
model turns of each run's transcript as the demo's recordings:

    python scripts/record_demo.py

Rerun it when the demo service or the agent's protocol changes, and commit the
two files it writes under src/backdev/adapters/demo/.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backdev.adapters.demo.repository import DemoRepository  # noqa: E402
from backdev.application.demo import BASE_BRANCH  # noqa: E402
from tests.e2e.agent_scripts import (  # noqa: E402
    Script,
    domain_shortcut,
    duplicate_plan,
    duplicate_test,
    finish,
    refuse_duplicates,
    tool,
)

OUT = ROOT / "src" / "backdev" / "adapters" / "demo"


def main() -> None:
    """Record both sessions into the package."""
    agent = (
        Script()
        .then(tool("read_file", path="src/shop/services/signup.py"))
        .then(duplicate_plan())
        .then(*refuse_duplicates())
        .then(finish("Refuse a second sign-up with the same address."))
        .then(duplicate_test())
        .then(tool("run_tests", selection="tests"))
        .then(finish("Refuse a second sign-up with the same address, with its test."))
    )
    stubborn = (
        Script()
        .then(duplicate_plan())
        .then(*refuse_duplicates(), duplicate_test(), *domain_shortcut())
        .then(finish("The domain can tell whether an address is registered."))
        .then(finish("The domain helper is the simplest place for this check."))
        .then(finish("Submitting the same change again."))
    )
    with tempfile.TemporaryDirectory(prefix="backdev-record-") as tmp:
        repo = DemoRepository(Path(tmp) / "shop", sys.executable)
        repo.create()
        _record(repo, agent, "backdev/FEAT-001", 1, OUT / "agent-session.jsonl")
        repo.switch(BASE_BRANCH)
        _record(repo, stubborn, "backdev/FEAT-001-stubborn", 2, OUT / "stubborn-session.jsonl")


def _record(repo: DemoRepository, script: Script, branch: str, run: int, out: Path) -> None:
    model = script.save(repo.root.parent / f"script-{run}.json")
    command = [sys.executable, "-m", "backdev", "run", "FEAT-001", "--model", model]
    subprocess.run([*command, "--branch", branch], cwd=repo.root, check=False)
    transcript = repo.root / ".backdev" / "runs" / str(run) / "transcript.jsonl"
    turns = [line for line in transcript.read_text().splitlines() if '"model-turn"' in line]
    out.write_text("\n".join(turns) + "\n", encoding="utf-8")
    print(f"{out.relative_to(ROOT)}: {len(turns)} model turns")


if __name__ == "__main__":
    main()
