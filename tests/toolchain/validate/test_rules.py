"""The rule list and the checker every rule reports through."""

from __future__ import annotations

import inspect

from errcat.toolchain import validate
from errcat.toolchain.source import load_document
from errcat.toolchain.validate import RULES
from errcat.toolchain.validate.checker import Checker

FAMILIES = ("api", "lifecycle", "logging", "metadata", "names", "references", "retry", "server", "uniqueness")


def test_every_rule_of_every_family_runs_once() -> None:
    """A public function of a family module is a rule: forgetting to list it in RULES fails here."""
    defined = set()
    for family in FAMILIES:
        module = getattr(validate, family)
        defined |= {
            function
            for name, function in vars(module).items()
            if inspect.isfunction(function)
            and function.__module__ == module.__name__
            and not name.startswith("_")
        }
    assert len(RULES) == len(set(RULES))
    assert set(RULES) == defined


DOCUMENT = b"""\
statuses:
  - {status: 404, phrase: Not Found}
  - {status: 404, phrase: Not Found}
categories: []
errors:
  - {code: a}
scenarios:
  - {id: s}
  - {id: s}
"""


def test_unique_reports_each_repeat_against_the_first() -> None:
    checker = Checker(load_document(DOCUMENT, "c.yaml"))
    checker.unique(("statuses",), "status", "status", keyed=True)
    checker.unique(("statuses",), "phrase", "status phrase")
    checker.unique(("scenarios",), "id", "scenario")
    checker.unique(("logging", "include"), "field", "log field")  # a section the document lacks
    assert [(d.line, d.column, d.message, d.hint) for d in checker.out] == [
        (
            3,
            14,
            "duplicate status 404 in statuses[1] (first defined at line 2)",
            "each status may appear once; remove or rename one of them",
        ),
        (3, 27, "duplicate status phrase 'Not Found'", "it is already defined at line 2"),
        (9, 10, "duplicate scenario 's'", "it is already defined at line 8"),
    ]
    assert checker.statuses == {404: 0} and checker.codes == {"a": 0}


def test_reference_says_what_was_probably_meant() -> None:
    checker = Checker(load_document(DOCUMENT, "c.yaml"))
    assert checker.reference(("errors", 0, "code"), "a", checker.codes, "code", "list existing codes")
    assert not checker.reference(("errors", 0, "code"), "b", {"bb": 0}, "code", "list existing codes")
    (diagnostic,) = checker.out
    assert diagnostic.message == "errors[0] (a).code names unknown code 'b' (did you mean 'bb'?)"
    assert (diagnostic.line, diagnostic.column, diagnostic.hint) == (6, 12, "list existing codes")
