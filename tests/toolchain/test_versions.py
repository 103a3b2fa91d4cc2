"""Contract versions: their parts, the bump between two, and whether a bump is big enough."""

from __future__ import annotations

import pytest

from errcat.toolchain.versions import bump_satisfies, semver_tuple, version_bump


def test_semver_tuple_leaves_out_pre_releases_and_build_metadata() -> None:
    assert semver_tuple("1.4.2") == (1, 4, 2)
    assert semver_tuple("2.0.0-rc.1+build.5") == (2, 0, 0)
    assert semver_tuple("1.10.0") > semver_tuple("1.9.0")  # numbers, not strings


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ("1.0.0", "1.0.0", "none"),
        ("1.0.0", "1.0.1", "patch"),
        ("1.0.0", "1.1.0", "minor"),
        ("1.4.2", "2.0.0", "major"),
        ("2.0.0", "1.9.0", "none"),
    ],
)
def test_version_bump(old: str, new: str, bump: str) -> None:
    assert version_bump(old, new) == bump


def test_a_bump_satisfies_what_it_reaches_and_zero_x_minor_counts_as_major() -> None:
    assert bump_satisfies("1.0.0", "2.0.0", "major") and bump_satisfies("1.0.0", "2.0.0", "patch")
    assert not bump_satisfies("1.0.0", "1.1.0", "major")
    assert bump_satisfies("1.0.0", "1.0.0", "none") and not bump_satisfies("1.0.0", "1.0.0", "patch")
    assert bump_satisfies("0.3.0", "0.4.0", "major")  # semver: anything may change in 0.y.z
    assert not bump_satisfies("0.3.0", "0.3.1", "minor")
