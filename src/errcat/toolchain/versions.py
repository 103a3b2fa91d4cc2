"""The catalog's contract version (``api.version``, semver): its parts, and the bump between two versions."""

from __future__ import annotations

import functools
from typing import Literal

__all__ = ["Bump", "bump_satisfies", "semver_tuple", "version_bump"]

Bump = Literal["major", "minor", "patch", "none"]


@functools.cache  # a catalog names a few versions, each thousands of times
def semver_tuple(version: str) -> tuple[int, int, int]:
    """(major, minor, patch) of a semantic version; a pre-release or build suffix is left out."""
    core = version.split("+", 1)[0].split("-", 1)[0]
    major, minor, patch = (int(part) for part in core.split("."))
    return (major, minor, patch)


def version_bump(old: str, new: str) -> Bump:
    """Which part of the version went up from ``old`` to ``new`` (``none`` when none did)."""
    o, n = semver_tuple(old), semver_tuple(new)
    if n[0] > o[0]:
        return "major"
    if n[:2] > o[:2]:
        return "minor"
    if n > o:
        return "patch"
    return "none"


def bump_satisfies(old: str, new: str, needed: Bump) -> bool:
    """Whether going from ``old`` to ``new`` is a big enough bump (0.x counts a minor bump as major)."""
    order = {"none": 0, "patch": 1, "minor": 2, "major": 3}
    actual = version_bump(old, new)
    if semver_tuple(old)[0] == 0 and actual == "minor":
        actual = "major"  # semver: anything may change in 0.y.z; a minor bump is as good as a major one
    return order[actual] >= order[needed]
