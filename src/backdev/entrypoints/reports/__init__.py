"""Renderings of a check report: terminal, Markdown, JSON, SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

from typing import Literal, get_args

ReportFormat = Literal["text", "markdown", "json", "sarif", "junit"]
REPORT_FORMATS: tuple[str, ...] = get_args(ReportFormat)
