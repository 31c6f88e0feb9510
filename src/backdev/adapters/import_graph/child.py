"""grimp, run in a child interpreter on a materialised tree of the project's packages.

A child process keeps modules already imported here (backdev checking itself) from
standing in for the copy, and keeps grimp's own state out of this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TypedDict

from backdev.adapters.import_graph.files import make_cache_dir

# Runs in the child: argv = tree, grimp cache dir ("" for none), packages...
BUILD = r"""
import json, os, sys
import grimp
from grimp.exceptions import SourceSyntaxError
tree, cache, packages = sys.argv[1], sys.argv[2] or None, sys.argv[3:]
sys.path.insert(0, tree)
unparsable = []
while True:
    try:
        graph = grimp.build_graph(*packages, include_external_packages=True, cache_dir=cache)
        break
    except SourceSyntaxError as error:
        path = os.path.relpath(os.path.abspath(error.filename), tree)
        if path.startswith("..") or any(p == path for p, _, _ in unparsable):
            raise
        unparsable.append((path, error.lineno or 0, error.text or ""))
        open(os.path.join(tree, path), "w").close()
imports = []
for module in sorted(graph.modules):
    if graph.is_module_squashed(module):
        continue
    for imported in sorted(graph.find_modules_directly_imported_by(module)):
        details = graph.get_import_details(importer=module, imported=imported)
        sites = [(d["line_number"], d["line_contents"]) for d in details]
        imports.append((module, imported, sites))
internal = [m for m in graph.modules if not graph.is_module_squashed(m)]
json.dump({"modules": internal, "imports": imports, "unparsable": unparsable}, sys.stdout)
"""


class Raw(TypedDict):
    """What the child prints: internal modules, imports with (line, text), unparsable files."""

    modules: list[str]
    imports: list[tuple[str, str, list[tuple[int, str]]]]
    unparsable: list[tuple[str, int, str]]


class ImportGraphError(RuntimeError):
    """grimp or git failed in a way no user input explains; the gate reports it as a crash."""


def run_grimp(tree: Path, packages: tuple[str, ...], cache: Path | None) -> Raw:
    """Build the graph of `packages` found in `tree`, with grimp's cache in `cache` if given."""
    if cache is not None:
        make_cache_dir(cache)
    # -P: the child's own directory must not shadow the copied packages or grimp.
    command = [sys.executable, "-P", "-c", BUILD, str(tree), str(cache or ""), *packages]
    done = subprocess.run(
        command,
        cwd=tree,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise ImportGraphError(f"grimp could not build the import graph: {tail[0]}")
    result: Raw = json.loads(done.stdout)
    return result
