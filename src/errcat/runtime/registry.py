"""The registry of a generated package's exception classes: which class each code and status has.

Each root class (a generated package's ``ApiError``, declared with ``root=True``) owns
one :class:`Registry`; every class declared below it with ``code=`` is added to it,
and a code may belong to one class only. The registry answers the questions
:meth:`ApiError.from_response <errcat.runtime.errors.ApiError.from_response>` and
:meth:`ApiError.class_for <errcat.runtime.errors.ApiError.class_for>` ask:

- the class of a code, or of a former name of a renamed code (:meth:`Registry.class_for`);
- the class of a code this client does not know, by the response's status: the category
  class that owns every known code of that status, else the root (:meth:`Registry.for_status`).

Standard library only; it imports nothing at all at run time.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from errcat.runtime import CatalogCode
    from errcat.runtime.errors import ApiError

__all__ = ["Registry"]


class Registry:
    """The exception classes of one root, by code, and the class that owns each status."""

    __slots__ = ("_by_status", "by_code", "code_enum", "root")

    def __init__(self, root: "type[ApiError]") -> None:
        self.root = root
        #: Each code (a plain string) and its class.
        self.by_code: dict[str, type[ApiError]] = {}
        #: The code enum of the registered codes (its aliases give the classes of former names).
        self.code_enum: type[CatalogCode] | None = None
        self._by_status: dict[int, type[ApiError]] = {}

    def add(self, cls: "type[ApiError]", code: "CatalogCode") -> None:
        """Register ``cls`` as the class of ``code``; :class:`TypeError` when the code has one already."""
        taken = self.by_code.get(code.value)
        if taken is not None:
            raise TypeError(
                f"{cls.__qualname__}: the code {code.value!r} already belongs to {taken.__qualname__}"
            )
        self.by_code[code.value] = cls
        self.code_enum = type(code)
        self._by_status.clear()

    def class_for(self, code: str) -> "type[ApiError]":
        """The class of ``code`` (a code, a member of the code enum, or a former name).

        :class:`KeyError` for a code the registry does not know.
        """
        klass = self.by_code.get(str(code))
        if klass is not None:
            return klass
        enum = self.code_enum
        if enum is not None and code in enum._aliases_:
            return self.by_code[enum._aliases_[code]]
        root = self.root
        raise KeyError(f"{root.__module__}.{root.__qualname__} has no class for the code {str(code)!r}")

    def codes(self) -> "dict[str, type[ApiError]]":
        """Every code and its class, in code order."""
        return {code: self.by_code[code] for code in sorted(self.by_code)}

    def resolve(self, code: object, status: int) -> "tuple[type[ApiError], str]":
        """The class and the code of an error whose body names ``code`` (anything at all) with ``status``.

        A known code gives its class and enum member; a former name the class and member
        of the code it became; anything else the class of the status
        (:meth:`for_status`) and the code as text (``""`` for none).
        """
        if type(code) is not str:
            return self.for_status(status), "" if code is None else str(code)
        klass = self.by_code.get(code)
        if klass is not None:
            return klass, klass.code
        enum = self.code_enum
        if enum is not None and code in enum._aliases_:
            klass = self.by_code[enum._aliases_[code]]
            return klass, klass.code
        return self.for_status(status), code

    def for_status(self, status: int) -> "type[ApiError]":
        """The category class that owns every known code of ``status``, else the root."""
        owners = self._by_status
        if not owners:
            classes: dict[int, set[type[ApiError]]] = {}
            for klass in self.by_code.values():
                classes.setdefault(klass.status, set()).add(klass.__mro__[1])
            for known, found in classes.items():
                owners[known] = next(iter(found)) if len(found) == 1 else self.root
            owners.setdefault(0, self.root)  # built: an empty registry is not built again
        return owners.get(status, self.root)
