"""`backdev mcp`: the CLI's use cases as tools of a Model Context Protocol server.

AI coding tools call the same use cases as the command line: `check` answers with
the very document `backdev check --format json` prints, and a mistake in the input
is a tool error carrying the message the CLI prints for it. The use cases block
(they run git and the project's tests), so each call runs in a worker thread and
the server keeps answering while one works. This module imports the `mcp` SDK at
its top; `commands/mcp.py` imports this module only when `backdev mcp` runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, ToolAnnotations

from backdev import __version__, bootstrap
from backdev.application.check import CheckRequest, run_check
from backdev.application.lint import SpecKind, lint_specs
from backdev.application.trace import run_trace
from backdev.domain.errors import ConfigError
from backdev.domain.escalation import EscalationRule
from backdev.domain.features import Workflow
from backdev.domain.report_data import render_json, report_dict
from backdev.entrypoints.commands.lint import NO_SPEC_FILES
from backdev.entrypoints.mcp_answers import (
    BriefAnswer,
    EscalateAnswer,
    LintAnswer,
    NextStepAnswer,
    ToolCalls,
    answer,
    brief_answer,
    lint_answer,
    next_step_answer,
)
from backdev.entrypoints.reports.trace_render import render_trace_json, trace_dict


def build_server(root: Path) -> MCPServer[object]:
    """The server with backdev's six tools, working on the repository at `root`."""
    server: MCPServer[object] = MCPServer(
        "backdev", version=__version__, instructions=_INSTRUCTIONS, log_level="WARNING"
    )
    calls = ToolCalls()
    reads = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    @server.tool(annotations=reads)
    async def check(
        *,
        base: str | None = None,
        head: str | None = None,
        feature: str | None = None,
        gates: list[str] | None = None,
        skip: list[str] | None = None,
        show_all: bool = False,
    ) -> Annotated[CallToolResult, dict[str, object]]:
        """Judge a change against the Backend Developer role's quality gates.

        The answer is the `backdev.check/1` JSON report, the same document as
        `backdev check --format json`: verdict "pass" or "fail", and per gate its
        status and findings (rule, path, line, message, fix).

        Args:
            base: Base revision; default: the merge-base with the default branch.
            head: Head revision; default: the working tree, uncommitted files included.
            feature: Feature file path or id; default: the `Feature:` trailer of the commits.
            gates: Only these gates (ids such as "secrets", "architecture").
            skip: Leave out these gates.
            show_all: Also list findings that predate the change.
        """
        request = CheckRequest(
            base=base,
            head=head,
            feature=feature,
            gates=tuple(gates or ()),
            skip=tuple(skip or ()),
            show_all=show_all,
        )

        def work() -> CallToolResult:
            report = run_check(bootstrap.check_services(root), request)
            return answer(report_dict(report), render_json(report))

        return await calls.taking_turns(work)

    @server.tool(annotations=reads)
    async def trace(feature: str) -> Annotated[CallToolResult, dict[str, object]]:
        """Show which tests prove each acceptance criterion of a feature, and how they did.

        Runs the project's tests once. The answer is the `backdev.trace/1` JSON document
        of `backdev trace FEATURE --format json`; a criterion with no test that ran is
        "missing".

        Args:
            feature: A feature file's path or its id (e.g. FEAT-012).
        """

        def work() -> CallToolResult:
            result = run_trace(bootstrap.trace_services(root), feature)
            return answer(trace_dict(result), render_trace_json(result))

        return await calls.taking_turns(work)

    @server.tool(annotations=reads)
    async def lint(
        paths: list[str] | None = None, kind: SpecKind | None = None
    ) -> Annotated[CallToolResult, LintAnswer]:
        """Validate feature files, the Architecture Principles and the Definition of Done.

        Args:
            paths: Spec files or folders, relative to the repository; default: every spec
                file at the configured locations.
            kind: Treat every named file as this kind instead of telling it from its name.
        """

        def work() -> CallToolResult:
            report = lint_specs(bootstrap.spec_parsers(root), [Path(p) for p in paths or ()], kind)
            if not report.checked and not report.problems:
                raise ConfigError(NO_SPEC_FILES)
            return answer(lint_answer(report))

        return await calls.at_once(work)

    @server.tool(annotations=reads)
    async def brief(
        feature: str,
        step: int | None = None,
        criterion: str | None = None,
        workflow: Workflow | None = None,
        run_tests: bool = True,
    ) -> Annotated[CallToolResult, BriefAnswer]:
        """The role prompt for working on a feature, as Markdown to follow.

        It holds the role's rules, the project's principles and Definition of Done, the
        feature with its acceptance criteria verbatim, the step to do now, and the gates
        `backdev check` will judge the change with.

        Args:
            feature: A feature file's path or its id.
            step: Step N of the latest saved plan, else the N-th criterion not yet proven.
            criterion: Brief for this criterion (e.g. AC-2) instead of the next one.
            workflow: feature, refactor or defect; default: the feature file's workflow.
            run_tests: Run the project's tests to find the next step; false takes the
                first criterion without running anything.
        """

        def work() -> CallToolResult:
            made = bootstrap.brief_for(
                root,
                feature,
                step=step,
                criterion=criterion,
                workflow=workflow,
                run_tests=run_tests,
            )
            return answer(brief_answer(made), made.text)

        return await (calls.taking_turns(work) if run_tests else calls.at_once(work))

    @server.tool(annotations=reads)
    async def next_step(feature: str) -> Annotated[CallToolResult, NextStepAnswer]:
        """The first acceptance criterion without passing linked tests; null when all are proven.

        Runs the project's tests once.

        Args:
            feature: A feature file's path or its id.
        """

        def work() -> CallToolResult:
            return answer(next_step_answer(bootstrap.next_step_for(root, feature)))

        return await calls.taking_turns(work)

    @server.tool(
        annotations=ToolAnnotations(
            read_only_hint=False,
            destructive_hint=False,
            idempotent_hint=False,
            open_world_hint=False,
        )
    )
    async def escalate(
        feature: str,
        rule: EscalationRule,
        question: str,
        evidence: list[str] | None = None,
    ) -> Annotated[CallToolResult, EscalateAnswer]:
        """Stop and raise an issue for a person: write an escalation dossier.

        Use it when going on would break one of the role's rules. The dossier goes to
        `.backdev/escalations/` and names the rule, the evidence and the question.

        Args:
            feature: A feature file's path or its id.
            rule: The rule that would be broken.
            question: What a person must decide, in one or two sentences.
            evidence: Facts that show the problem (file:line, test output, findings).
        """

        def work() -> CallToolResult:
            path = bootstrap.escalate_for(
                root, feature, rule=rule, question=question, evidence=tuple(evidence or ())
            )
            written: EscalateAnswer = {"dossier": path}
            return answer(written)

        return await calls.taking_turns(work)

    return server


def serve(root: Path, http: tuple[str, int] | None = None) -> None:
    """Serve the tools over stdio, or over streamable HTTP at `http` (host, port)."""
    server = build_server(root)
    if http is None:
        server.run("stdio")
    else:
        server.run("streamable-http", host=http[0], port=http[1])


_INSTRUCTIONS = (
    "backdev holds a change to the Backend Developer role. Before you write code for a "
    "feature, read `brief`; before you call a change done, run `check` and fix every finding "
    "of a failed gate; when going on would break a rule of the role, call `escalate` and stop."
)
