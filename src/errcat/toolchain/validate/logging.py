"""``logging``: each log field, redaction key and level rule is listed once."""

from __future__ import annotations

from errcat.toolchain.validate.checker import Checker


def listed_once(c: Checker) -> None:
    logging = c.data.get("logging")
    if not logging:
        return
    c.unique(("logging", "include"), "field", "log field")
    seen: dict[str, int] = {}
    for i, item in enumerate(logging["redact"]):
        for j, key in enumerate(item["keys"]):
            if key in seen and seen[key] != i:
                c.report(
                    ("logging", "redact", i, "keys", j),
                    f"redaction key {key!r} is listed twice",
                    f"it already appears in logging.redact[{seen[key]}]",
                )
            seen.setdefault(key, i)
    c.unique(("logging", "levels"), "when", "log level rule")
