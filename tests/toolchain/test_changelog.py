"""The changelog is derived from the codes' lifecycle fields, newest version first."""

from __future__ import annotations

import dataclasses

from tests.builders import CATALOGS

from errcat.toolchain.changelog import Release, changelog
from errcat.toolchain.load import load
from errcat.toolchain.model import Deprecation, Retirement

BASE = CATALOGS / "diff_base.yaml"


def test_changelog_groups_codes_by_the_version_that_changed_them() -> None:
    catalog = load(BASE).catalog
    assert catalog is not None
    errors = list(catalog.errors)
    errors[0] = dataclasses.replace(errors[0], since="1.2.0")
    errors[1] = dataclasses.replace(errors[1], deprecated=Deprecation("1.10.0", "Use another."))
    errors[2] = dataclasses.replace(
        errors[2], deprecated=Deprecation("1.2.0", "Going."), retired=Retirement("1.10.0", "Gone.")
    )
    releases = changelog(dataclasses.replace(catalog, errors=tuple(errors)))
    assert [r.version for r in releases] == ["1.10.0", "1.2.0", "1.0.0"]  # numeric, not string, order
    assert releases[0] == Release("1.10.0", deprecated=(errors[1].code,), retired=(errors[2].code,))
    assert releases[1] == Release("1.2.0", added=(errors[0].code,), deprecated=(errors[2].code,))
    assert releases[2].added == tuple(sorted(e.code for e in errors[1:]))
