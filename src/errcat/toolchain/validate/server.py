"""``server``: the codes a server answers its framework's own errors with exist, fit and are still sent."""

from __future__ import annotations

from errcat.toolchain.validate.checker import Checker

#: Each server role and the status class its code must have.
_ROLE_CLASSES = {"request_validation": (400, "a 4xx"), "unhandled_exception": (500, "a 5xx")}


def roles(c: Checker) -> None:
    """``request_validation`` names a 4xx code and ``unhandled_exception`` a 5xx one, neither retired."""
    server = c.data.get("server", {})
    for role, (low, kind) in _ROLE_CLASSES.items():
        if role not in server:
            continue
        code = server[role]
        path = ("server", role)
        if not c.reference(path, code, c.codes, "code", "name a code of errors[]"):
            continue
        entry = c.data["errors"][c.codes[code]]
        if not low <= entry["status"] < low + 100:
            c.report(
                path,
                f"server.{role} names {code!r}, whose status is {entry['status']}, not {kind} status",
                f"name a code with {kind} status",
            )
        if entry.get("retired"):
            c.report(
                path, f"server.{role} names {code!r}, which is retired", "name a code that is still sent"
            )


def http_errors(c: Checker) -> None:
    """Each code of ``http_errors`` exists and is still sent, and no two of them share a status."""
    by_status: dict[int, str] = {}
    for j, code in enumerate(c.data.get("server", {}).get("http_errors", ())):
        path = ("server", "http_errors", j)
        if not c.reference(path, code, c.codes, "code", "name a code of errors[]"):
            continue
        entry = c.data["errors"][c.codes[code]]
        if entry.get("retired"):
            c.report(
                path, f"server.http_errors names {code!r}, which is retired", "name a code that is still sent"
            )
        status = entry["status"]
        if status in by_status:
            c.report(
                path,
                f"server.http_errors names {code!r} and {by_status[status]!r}, both of status {status}",
                "the framework's errors of a status get one code; keep one of them",
            )
        else:
            by_status[status] = code
    if "server" not in c.data:
        return
    uncovered = [status for status in (404, 405) if status not in by_status]
    if uncovered:
        c.report(
            ("server",),
            "server.http_errors has no code for "
            + " or ".join(map(str, uncovered))
            + ", which every web framework sends (a path no route matches, a method a path does not take)",
            "add a code of that status to server.http_errors; without one, the framework's error gets "
            "the request_validation code",
            key=True,
            severity="warning",
        )
