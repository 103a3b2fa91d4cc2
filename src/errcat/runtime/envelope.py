"""The wire envelope of an error response, as data: the one description every output reads.

The body of an error response is one ``error`` object (:data:`RESPONSE`). Its fields
(:data:`ERROR`) come first, in the order they are sent, then the metadata fields its
code declares; each entry of ``details`` is an :data:`DETAIL`::

    {"error": {"code": "invoice_not_found", "message": "...",
               "details": [{"field": "...", "code": "...", "message": "..."}],
               "request_id": "req_...", "doc_url": "https://...", "invoice_id": "inv_4Rt6Yp"}}

A client that asks for ``application/problem+json`` gets the same error as RFC 9457
problem details instead (:data:`PROBLEM`).

Each member is written here once: its name, JSON type, whether every response carries
it, and one sentence on what it holds. The runtime reads the names
(:data:`ENVELOPE_FIELDS`, which no metadata field may take); the generated pydantic
models and TypeScript declarations, the JSON Schema and OpenAPI contracts, the reference
site and the FastAPI integration's OpenAPI document read the descriptions
(:func:`json_schema` writes an object as JSON Schema).

Standard library only, and cheap to import: it defines a few objects and no more.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DETAIL",
    "ENVELOPE_FIELDS",
    "ERROR",
    "PROBLEM",
    "PROBLEM_FIELDS",
    "REASON_PHRASES",
    "RESPONSE",
    "Member",
    "WireObject",
    "json_schema",
]


class Member:
    """One member of an object of the wire format.

    ``type`` is its JSON Schema type (``string``, ``integer``, ``array``, ``object``),
    ``format`` a JSON Schema format (``uri``) or ``""``, ``holds`` the object an array's
    items or an object member's value are; ``always`` says whether every response
    carries it (the others are left out when there is nothing to send).
    """

    __slots__ = ("always", "description", "format", "holds", "name", "type")

    def __init__(
        self,
        name: str,
        type: str,
        description: str,
        *,
        always: bool = False,
        format: str = "",
        holds: "WireObject | None" = None,
    ) -> None:
        self.name, self.type, self.description = name, type, description
        self.always, self.format, self.holds = always, format, holds

    def __repr__(self) -> str:
        return f"<Member {self.name}: {self.type}>"


class WireObject:
    """An object of the wire format: its schema name, what it is, its members in order.

    ``extra`` describes the members beyond the listed ones (the code's metadata fields),
    or is ``""`` for an object that has no others.
    """

    __slots__ = ("description", "extra", "members", "name")

    def __init__(self, name: str, description: str, members: "tuple[Member, ...]", extra: str = "") -> None:
        self.name, self.description, self.members, self.extra = name, description, members, extra

    def __repr__(self) -> str:
        return f"<WireObject {self.name}>"

    def member(self, name: str) -> Member:
        """The member called ``name``; :class:`KeyError` when there is none."""
        for member in self.members:
            if member.name == name:
                return member
        raise KeyError(f"{self.name} has no member {name!r}")


DETAIL = WireObject(
    "ErrorDetail",
    "One field-level problem, as sent in error.details.",
    (
        Member("field", "string", "The offending field, as a dotted path into the request.", always=True),
        Member("code", "string", "A field-level code, such as invalid_format.", always=True),
        Member("message", "string", "A human-readable message about this field.", always=True),
    ),
)

_CODE = Member(
    "code",
    "string",
    "The stable error code, which clients branch on; a newer server may send one this version "
    "does not list, to be handled by its HTTP status.",
    always=True,
)
_MESSAGE = Member(
    "message",
    "string",
    "A human-readable explanation for developers, which may change at any time: never parse it.",
    always=True,
)
_DETAILS = Member(
    "details", "array", "One entry per offending field; left out when there are none.", holds=DETAIL
)
_REQUEST_ID = Member(
    "request_id", "string", "The request's id, to quote when contacting support; left out when unknown."
)
_METADATA = (
    "The code's metadata fields, such as the id of what was not found; each code's entry lists its own."
)

ERROR = WireObject(
    "ErrorBody",
    "The error object: the envelope fields, then the code's metadata fields.",
    (
        _CODE,
        _MESSAGE,
        _DETAILS,
        _REQUEST_ID,
        Member(
            "doc_url",
            "string",
            "The documentation page of the code on the API's reference site; left out when unknown.",
            format="uri",
        ),
    ),
    extra=_METADATA,
)

RESPONSE = WireObject(
    "ErrorResponse",
    "The body of every error response: one error object. Clients must accept codes that are not "
    "listed (a newer server may send them) and metadata fields they do not know.",
    (Member("error", "object", "The error object.", always=True, holds=ERROR),),
)

PROBLEM = WireObject(
    "Problem",
    "The error as RFC 9457 problem details (application/problem+json), sent when the client "
    "prefers it; code, request_id, errors and the metadata fields are extension members.",
    (
        Member(
            "type",
            "string",
            "The documentation page of the code, or about:blank when it has none.",
            always=True,
            format="uri-reference",
        ),
        Member("title", "string", "The title of the code.", always=True),
        Member("status", "integer", "The HTTP status of the response.", always=True),
        Member("detail", "string", _MESSAGE.description, always=True),
        _CODE,
        _REQUEST_ID,
        Member("errors", "array", _DETAILS.description, holds=DETAIL),
    ),
    extra=_METADATA,
)

#: The names a metadata field may not take: the error object's own fields, and ``status``, which
#: every ``ApiError`` and the problem+json form carry beside them (a body's ``status`` is not
#: metadata: it is dropped as the body is read).
ENVELOPE_FIELDS = frozenset(member.name for member in ERROR.members) | {"status"}

#: The members of the problem+json form that are not extensions (its own and RFC 9457's
#: ``instance``, which errcat does not send): a metadata field of one of these names would be
#: lost (or, for ``instance``, read as the problem's URI) in that form, so none may take them.
PROBLEM_FIELDS = frozenset(member.name for member in PROBLEM.members if member is not _CODE) | {"instance"}


#: The reason phrase of each error status that RFC 9110 and its companions (RFC 6585, 4918,
#: 8470, 7725, 2295, 2774, 5842) name, as they name it. An error whose status its catalog does
#: not list, and whose body says nothing, takes it as its message, in Python and TypeScript
#: alike, whatever their versions call the status (Python 3.11's ``HTTPStatus`` still says
#: "Request Entity Too Large" for 413); a status not named here is ``HTTP <status>``.
REASON_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    417: "Expectation Failed",
    421: "Misdirected Request",
    422: "Unprocessable Content",
    423: "Locked",
    424: "Failed Dependency",
    425: "Too Early",
    426: "Upgrade Required",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    505: "HTTP Version Not Supported",
    506: "Variant Also Negotiates",
    507: "Insufficient Storage",
    508: "Loop Detected",
    510: "Not Extended",
    511: "Network Authentication Required",
}


def json_schema(wire_object: WireObject, ref: "str | None" = None) -> "dict[str, Any]":
    """``wire_object`` as a JSON Schema (draft 2020-12, and OpenAPI 3.1's schema objects).

    A member that holds another object refers to it as ``ref`` followed by its name
    (``#/components/schemas/``), or, without ``ref``, has its schema written in place.
    """
    properties: dict[str, Any] = {}
    for member in wire_object.members:
        held = member.holds
        inner = None if held is None else {"$ref": ref + held.name} if ref is not None else json_schema(held)
        if member.type == "object" and inner is not None:
            properties[member.name] = inner
            continue
        schema: dict[str, Any] = {"type": member.type}
        if member.format:
            schema["format"] = member.format
        if inner is not None:
            schema["items"] = inner
        schema["description"] = member.description
        properties[member.name] = schema
    document: dict[str, Any] = {
        "description": wire_object.description,
        "type": "object",
        "required": [member.name for member in wire_object.members if member.always],
        "properties": properties,
    }
    if wire_object.extra:
        document["additionalProperties"] = {"description": wire_object.extra}
    return document
