"""Codes, aliases, categories and status phrases become Python names: each must be one, and unique.

The names come from :mod:`errcat.toolchain.names` (``class_name``, ``category_class_name``,
``alias_class_names``, ``status_member_name``), the functions the model derives them with,
so what passes here is what the generated package defines.
"""

from __future__ import annotations

from errcat.toolchain.names import (
    alias_class_names,
    category_class_name,
    class_name,
    class_name_problem,
    status_member_name,
)
from errcat.toolchain.source import Path
from errcat.toolchain.validate.checker import Checker


class _ClassNames:
    """The generated class names taken so far, and where each was taken."""

    def __init__(self, c: Checker) -> None:
        self.c = c
        self.taken: dict[str, tuple[Path, str]] = {}

    def claim(self, name: str, path: Path, what: str, hint: str = "") -> None:
        """Take the class name ``name`` for ``what`` (explicit when ``path`` ends with class_name);
        ``hint`` says how to fix a name that cannot be a class."""
        c = self.c
        if problem := class_name_problem(name):
            if path[-1] == "class_name":
                c.report(path, f"{what} is {name!r}, which {problem}", hint)
            else:
                c.report(path, f"{what} becomes the Python name {name!r}, which {problem}", hint)
            return
        if name in self.taken:
            other_path, other_what = self.taken[name]
            c.report(
                path,
                f"{what} becomes the Python name {name!r}, like {other_what} at line {c.line(other_path)}",
                "set class_name on one of them to a distinct Python class name",
            )
            return
        self.taken[name] = (path, what)


def class_names(c: Checker) -> None:
    """Every code, kept alias and category gets a distinct class name that a module can define."""
    wire_names = _wire_names(c)
    classes = _ClassNames(c)
    for i, entry in enumerate(c.data["errors"]):
        code = entry["code"]
        if wire_names[code] != ("errors", i, "code"):  # a duplicate code
            continue
        own = entry.get("class_name") or class_name(code)
        if "class_name" in entry:
            classes.claim(
                own,
                ("errors", i, "class_name"),
                f"the class_name of code {code!r}",
                "pick another class name",
            )
        else:
            classes.claim(
                own,
                ("errors", i, "code"),
                f"code {code!r}",
                "set class_name on the code to another class name",
            )
        former = [
            (j, alias)
            for j, alias in enumerate(entry.get("aliases", ()))
            if wire_names.get(alias) == ("errors", i, "aliases", j)
        ]
        kept = set(alias_class_names((alias for _, alias in former), own))
        for j, alias in former:  # the first alias of each kept class claims it
            if (name := class_name(alias)) in kept:
                kept.discard(name)
                classes.claim(name, ("errors", i, "aliases", j), f"alias {alias!r}")
    for i, category in enumerate(c.data["categories"]):
        if c.categories[category["id"]] != i:  # a duplicate: reported as such
            continue
        if "class_name" in category:
            classes.claim(
                category["class_name"],
                ("categories", i, "class_name"),
                f"the class_name of category {category['id']!r}",
                "pick another class name",
            )
        else:
            classes.claim(
                category_class_name(category["id"]),
                ("categories", i, "id"),
                f"category {category['id']!r}",
                "set class_name on the category to another class name",
            )


def _wire_names(c: Checker) -> dict[str, Path]:
    """Where each code and alias a client may receive is first written; reports an alias already taken."""
    wire_names: dict[str, Path] = {}
    for i, entry in enumerate(c.data["errors"]):
        wire_names.setdefault(entry["code"], ("errors", i, "code"))  # repeats: reported as duplicates
    for i, entry in enumerate(c.data["errors"]):
        for j, alias in enumerate(entry.get("aliases", ())):
            path = ("errors", i, "aliases", j)
            if alias in wire_names:
                other = wire_names[alias]
                what = "its own code" if other[:2] == ("errors", i) else f"the name at line {c.line(other)}"
                c.report(
                    path,
                    f"alias {alias!r} of code {entry['code']!r} is already {what}",
                    "an alias is a former name; it can never be a code or another code's alias",
                )
            else:
                wire_names[alias] = path
    return wire_names


def status_members(c: Checker) -> None:
    """Two phrases that differ only in case, spaces, hyphens or apostrophes name one HttpStatus member."""
    members: dict[str, int] = {}
    numbers: set[int] = set()
    phrases: set[str] = set()
    statuses = c.data["statuses"]
    for i, status in enumerate(statuses):
        number, phrase = status["status"], status["phrase"]
        if number in numbers or phrase in phrases:  # a duplicate: reported as such
            continue
        numbers.add(number)
        phrases.add(phrase)
        member = status_member_name(phrase)
        if member not in members:
            members[member] = i
            continue
        other = statuses[members[member]]
        c.report(
            ("statuses", i, "phrase"),
            f"the phrase {phrase!r} of status {number} becomes the HttpStatus member {member}, like "
            f"the phrase {other['phrase']!r} of status {other['status']} at line "
            f"{c.line(('statuses', members[member], 'phrase'))}",
            "HttpStatus names each member after its phrase; make the phrases differ in more than "
            "case, spaces, hyphens and apostrophes",
        )
