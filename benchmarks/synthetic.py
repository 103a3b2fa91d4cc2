"""Synthetic catalogs of any size, every field filled, for benchmarks.

``python benchmarks/synthetic.py 1000 > /tmp/c1000.yaml`` writes one.
"""

from __future__ import annotations

import sys

CATEGORIES = ("authentication", "authorization", "validation", "resource", "server")
STATUS_BY_CATEGORY = {
    "authentication": 401,
    "authorization": 403,
    "validation": 400,
    "resource": 404,
    "server": 500,
}
STRATEGY_BY_STATUS = {
    401: "refresh_credentials",
    403: "do_not_retry",
    400: "do_not_retry",
    404: "do_not_retry",
    500: "backoff",
}
PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
}


def synthetic_catalog(n: int) -> str:
    """A valid catalog of ``n`` codes, as YAML text."""
    out = [
        "format_version: 1",
        "api:",
        "  name: Synthetic API",
        "  version: 1.0.0",
        "  docs_url: https://errors.example.com",
        "  description: A synthetic catalog for benchmarks.",
        "statuses:",
    ]
    for status, phrase in sorted(PHRASES.items()):
        out += [
            f"  - status: {status}",
            f"    phrase: {phrase}",
            "    description: What this status means for the API.",
            "    action: What a client does about it.",
        ]
    out.append("categories:")
    for category in CATEGORIES:
        out += [
            f"  - id: {category}",
            f"    title: {category.capitalize()} errors",
            f"    description: Codes about {category}, grouped for the reference site.",
        ]
    out.append("errors:")
    for i in range(n):
        category = CATEGORIES[i % len(CATEGORIES)]
        status = STATUS_BY_CATEGORY[category]
        code = f"{category}_problem_{i}"
        out += [
            f"  - code: {code}",
            f"    status: {status}",
            f"    category: {category}",
            f"    title: {category.capitalize()} problem number {i}",
            f"    message: The request hit {category} problem number {i}.",
            "    cause: >-",
            f"      The request named a resource or credential that triggers problem {i};",
            "      this sentence is long enough to look like a real cause.",
            "    solution: Verify the identifier and the token scope, then send the request again.",
            f"    usage: Sent for problem {i} rather than its neighbours.",
            "    retry:",
            f"      strategy: {STRATEGY_BY_STATUS[status]}",
            "    metadata:",
            "      resource_id: The identifier that was requested.",
            "      business_id: The business the request was made for.",
            "    example:",
            f"      message: Problem {i} happened for resource res_{i:06d}.",
            f"      request_id: req_{i:012d}",
            "      metadata:",
            f"        resource_id: res_{i:06d}",
            "        business_id: biz_7Hq2mX",
            f"    see_also: [{CATEGORIES[(i + 1) % len(CATEGORIES)]}_problem_{(i + 1) % n}]"
            if n > 1
            else "    see_also: []",
            "    since: 1.0.0",
        ]
    out += [
        "retry_policy:",
        "  retry_statuses: [500]",
        "  transport_failures:",
        "    - id: timeout",
        "      description: The request timed out.",
        "  backoff:",
        "    base_delay_seconds: 1.0",
        "    multiplier: 2.0",
        "    max_delay_seconds: 30.0",
        "    max_attempts: 5",
        "    jitter: full",
        "  honor_retry_after: true",
    ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(synthetic_catalog(int(sys.argv[1])))
