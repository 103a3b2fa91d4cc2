"""The README's two set-up commands are the ones CI runs, and its Python snippets are Python."""

from __future__ import annotations

import re

from tests.builders import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_set_up_section_shows_exactly_two_commands_and_ci_runs_the_second() -> None:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^```sh\n(.*?)\n```$", section, flags=re.M | re.S)
    assert len(commands) == 2 and all("\n" not in command for command in commands)
    main_job, tests = commands
    assert main_job.startswith("python -m venv .venv && ")
    assert main_job.endswith("errcat check && .venv/bin/errcat generate && .venv/bin/errcat docs build")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == tests
    assert "install-tools" in tests  # the browser and the npm tools, on a fresh machine too


def test_every_python_snippet_compiles() -> None:
    snippets = re.findall(r"^```python\n(.*?)^```$", README, flags=re.M | re.S)
    assert len(snippets) >= 3
    for snippet in snippets:
        compile(snippet, "README.md", "exec")
