"""The scope gate with fakes: files inside the feature's scope, and hands off the specs."""

from __future__ import annotations

from backdev.domain.features import Feature
from backdev.gates.scope import ScopeGate
from tests.fakes.check import changed_file, make_context

FEATURE_PATH = "docs/features/FEAT-012-reset.md"
FEATURE_TEXT = (
    "---\nid: FEAT-012\ntitle: Password reset\nstatus: validated\n"
    "scope: [src/accounts/**, tests/accounts/**]\n---\n"
    "## Requirements\n- R1: A user can request a reset link.\n"
    "## Acceptance Criteria\n### AC-1: Link\nGiven a user\nWhen they ask\nThen a link is sent\n"
)


def _feature(scope: tuple[str, ...] = ("src/accounts/**", "tests/accounts/**")) -> Feature:
    return Feature(
        path=FEATURE_PATH,
        format="markdown",
        id="FEAT-012",
        title="Password reset",
        status="validated",
        workflow="feature",
        scope=scope,
        requirements=(),
        criteria=(),
        sections=(),
    )


def test_skips_when_no_feature_is_given() -> None:
    context = make_context({"src/billing/pay.py": "x = 1\n"})

    result = ScopeGate().run(context)

    assert result.status == "skip"
    assert result.summary == "no feature given: pass --feature or a `Feature:` trailer"


def test_passes_when_every_changed_file_is_in_scope() -> None:
    files = {"src/accounts/reset.py": "x = 1\n", "tests/accounts/test_reset.py": "y = 2\n"}
    context = make_context(files, feature=_feature())

    result = ScopeGate().run(context)

    assert (result.status, result.findings) == ("pass", ())
    assert "2 changed files" in result.summary


def test_fails_when_a_file_lies_outside_the_scope() -> None:
    files = {"src/accounts/reset.py": "x = 1\n", "src/billing/pay.py": "y = 2\n"}
    context = make_context(files, feature=_feature())

    result = ScopeGate().run(context)

    (finding,) = result.findings
    assert result.status == "fail"
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "scope/outside-scope",
        "error",
        "src/billing/pay.py",
        0,
    )
    assert "FEAT-012" in finding.message
    assert "src/accounts/**" in finding.message
    assert "widen its `scope`" in finding.fix


def test_fails_when_a_file_is_moved_out_of_scope_into_scope() -> None:
    moved = changed_file(
        "src/accounts/pay.py", status="renamed", old_path="src/billing/pay.py", added=()
    )
    context = make_context(changed=[moved], feature=_feature())

    (finding,) = ScopeGate().run(context).findings

    assert finding.rule == "scope/outside-scope"
    assert "moved from src/billing/pay.py" in finding.message


def test_fails_when_a_file_outside_the_scope_is_deleted() -> None:
    gone = changed_file("src/billing/old.py", status="deleted", removed=[1])
    context = make_context(changed=[gone], feature=_feature())

    (finding,) = ScopeGate().run(context).findings

    assert (finding.rule, finding.path) == ("scope/outside-scope", "src/billing/old.py")


def test_does_not_judge_docs_or_manifests_when_they_lie_outside_the_scope() -> None:
    files = {
        "src/accounts/reset.py": "x = 1\n",
        "README.md": "# hi\n",
        "docs/guide/setup.txt": "text\n",
        "docs/adr/0003-tokens.md": "# ADR\n",
        "pyproject.toml": "[project]\n",
        "requirements-dev.txt": "pytest\n",
        "uv.lock": "lock\n",
    }
    context = make_context(files, feature=_feature())

    assert ScopeGate().run(context).status == "pass"


def test_passes_when_the_change_only_touches_docs() -> None:
    context = make_context({"docs/guide.md": "# Guide\n"}, feature=_feature())

    assert ScopeGate().run(context).status == "pass"


def test_fails_when_code_comes_with_an_edit_to_the_acceptance_criteria() -> None:
    edited = FEATURE_TEXT.replace("Then a link is sent", "Then a link is sent at once")
    files = {"src/accounts/reset.py": "x = 1\n", FEATURE_PATH: edited}
    changed = [
        changed_file("src/accounts/reset.py", "x = 1\n", status="added"),
        changed_file(FEATURE_PATH, added=[13], removed=[13]),
    ]
    context = make_context(
        files, changed=changed, base_files={FEATURE_PATH: FEATURE_TEXT}, feature=_feature()
    )

    result = ScopeGate().run(context)

    (finding,) = result.findings
    assert result.status == "fail"
    assert (finding.rule, finding.path, finding.line) == ("scope/spec-edited", FEATURE_PATH, 13)
    assert finding.evidence == "Then a link is sent at once"
    assert "other roles own these" in finding.message


def test_passes_when_code_comes_with_a_change_of_the_feature_status_only() -> None:
    edited = FEATURE_TEXT.replace("status: validated", "status: in-progress")
    files = {"src/accounts/reset.py": "x = 1\n", FEATURE_PATH: edited}
    changed = [
        changed_file("src/accounts/reset.py", "x = 1\n", status="added"),
        changed_file(FEATURE_PATH, added=[4], removed=[4]),
    ]
    context = make_context(
        files, changed=changed, base_files={FEATURE_PATH: FEATURE_TEXT}, feature=_feature()
    )

    assert ScopeGate().run(context).status == "pass"


def test_fails_when_code_comes_with_an_edit_of_the_principles_or_the_dod() -> None:
    principles = "docs/engineering/architecture-principles.md"
    dod = "docs/engineering/definition-of-done.md"
    files = {"src/accounts/reset.py": "x = 1\n", principles: "new\n", dod: "- [ ] new\n"}
    base = {principles: "old\n", dod: "- [ ] old\n"}
    context = make_context(files, base_files=base, feature=_feature())

    result = ScopeGate().run(context)

    assert [(f.rule, f.path, f.line) for f in result.findings] == [
        ("scope/spec-edited", principles, 1),
        ("scope/spec-edited", dod, 1),
    ]
    assert "Definition of Done" in result.findings[1].message


def test_passes_as_a_spec_change_when_only_spec_documents_and_docs_change() -> None:
    edited = FEATURE_TEXT.replace("Then a link is sent", "Then a link is sent at once")
    files = {FEATURE_PATH: edited, "docs/notes.md": "why\n"}
    changed = [
        changed_file(FEATURE_PATH, added=[13], removed=[13]),
        changed_file("docs/notes.md", "why\n", status="added"),
    ]
    context = make_context(
        files, changed=changed, base_files={FEATURE_PATH: FEATURE_TEXT}, feature=_feature()
    )

    result = ScopeGate().run(context)

    assert (result.status, result.findings) == ("pass", ())
    assert "spec change" in result.summary


def test_fails_when_the_feature_file_is_added_together_with_code() -> None:
    files = {FEATURE_PATH: FEATURE_TEXT, "src/accounts/reset.py": "x = 1\n"}
    context = make_context(files, feature=_feature())

    (finding,) = ScopeGate().run(context).findings

    assert (finding.rule, finding.line) == ("scope/spec-edited", 1)


def test_skips_when_the_feature_declares_no_scope_and_leaves_the_specs_alone() -> None:
    context = make_context({"src/billing/pay.py": "x = 1\n"}, feature=_feature(scope=()))

    result = ScopeGate().run(context)

    assert result.status == "skip"
    assert "declares no `scope`" in result.summary


def test_fails_when_the_feature_declares_no_scope_but_code_edits_the_dod() -> None:
    dod = "docs/engineering/definition-of-done.md"
    files = {"src/billing/pay.py": "x = 1\n", dod: "- [ ] new\n"}
    context = make_context(files, base_files={dod: "- [ ] old\n"}, feature=_feature(scope=()))

    (finding,) = ScopeGate().run(context).findings

    assert (finding.rule, finding.path) == ("scope/spec-edited", dod)


def test_does_not_judge_generated_files_when_they_are_excluded() -> None:
    files = {"src/accounts/reset.py": "x = 1\n", "src/billing/migrations/0002_x.py": "y = 2\n"}
    context = make_context(files, feature=_feature())

    assert ScopeGate().run(context).status == "pass"
