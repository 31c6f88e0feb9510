"""JUnit XML for CI test tabs: one test case per gate; a failed gate is a failure."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from backdev.domain.findings import CheckReport, Finding


def render_junit(report: CheckReport) -> str:
    """The report as a JUnit XML document."""
    failures = sum(1 for g in report.gates if g.status == "fail")
    skipped = sum(1 for g in report.gates if g.status == "skip")
    suites = ET.Element("testsuites", name="backdev check")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="backdev",
        tests=str(len(report.gates)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    for gate in report.gates:
        case = ET.SubElement(suite, "testcase", classname="backdev.gates", name=gate.gate)
        details = "\n".join(_line(f) for f in gate.findings)
        if gate.status == "fail":
            failure = ET.SubElement(case, "failure", message=gate.summary, type="gate-failed")
            failure.text = details
        elif gate.status == "skip":
            ET.SubElement(case, "skipped", message=gate.summary)
        elif details:
            ET.SubElement(case, "system-out").text = details
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _line(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}" if finding.line else finding.path or "(change)"
    return f"{where}: [{finding.severity}] {finding.rule}: {finding.message} Fix: {finding.fix}"
