"""Import cost of a generated package, against CPython's http and naive designs, in one run.

``python benchmarks/bench_import.py [--full]``: median wall time of fresh interpreters (bytecode
compiled first, as an installed wheel has it), minus a bare interpreter; the shipped catalog's
figures take turns run by run (41 rounds), as the machine's speed drifts. The shipped catalog is
measured as users import it: errcat's wheel installed into a directory, and the generated
package beside it (an editable install adds path scanning of its own).

- ``from partner_invoicing_errors import ErrorCode, HttpStatus`` vs ``import http``, and two floors:
  ``import enum`` (which both need) and a package whose module declares three empty enums (the least
  a package with ``HttpStatus``, ``ErrorCategory`` and ``ErrorCode`` costs, before any member);
- the same for a 10,000-code synthetic catalog vs a naive 10,000-member StrEnum and plain class constants;
- first use of the models (import + first parse) for 1,000 and 10,000 codes vs naive per-code pydantic
  models in a discriminated union (10,000 naive only with --full: it takes about 10 s a run), both above
  pydantic's own import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _codegen_common import ROOT, generate_synthetic, interleaved_medians, median_run, row


def naive_enum(n: int, out: Path) -> None:
    codes = [
        f"{('authentication', 'authorization', 'validation', 'resource', 'server')[i % 5]}_problem_{i}"
        for i in range(n)
    ]
    lines = ["from enum import StrEnum", "", "", "class ErrorCode(StrEnum):"]
    lines += [f"    {c.upper()} = {c!r}" for c in codes]
    (out / "naive_enum.py").write_text("\n".join(lines) + "\n")
    lines = ["class ErrorCode:"] + [f"    {c.upper()} = {c!r}" for c in codes]
    (out / "naive_constants.py").write_text("\n".join(lines) + "\n")


def naive_models(n: int, out: Path) -> None:
    """One pydantic model per code in a discriminated union: the design the issue measured."""
    categories = ("authentication", "authorization", "validation", "resource", "server")
    lines = [
        "from typing import Annotated, Literal, Union",
        "",
        "from pydantic import BaseModel, Field, TypeAdapter",
        "",
    ]
    names = []
    for i in range(n):
        code = f"{categories[i % 5]}_problem_{i}"
        name = f"Error{i}"
        names.append(name)
        lines += [
            f"class {name}(BaseModel):",
            f"    code: Literal[{code!r}]",
            "    message: str",
            "    request_id: str | None = None",
            "    doc_url: str | None = None",
            "    resource_id: str | None = None",
            "    business_id: str | None = None",
            "",
        ]
    lines += [
        f"AnyError = Annotated[Union[{', '.join(names)}], Field(discriminator='code')]",
        "class ErrorResponse(BaseModel):",
        "    error: AnyError",
        "",
    ]
    (out / f"naive_models_{n}.py").write_text("\n".join(lines))


def empty_enums(out: Path) -> Path:
    """A package whose submodule declares three enums without members, loaded lazily like errcat's."""
    package = out / "floor" / "emptyenums"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "def __getattr__(name):\n    __import__('emptyenums.codes')\n"
        "    import sys\n    return getattr(sys.modules['emptyenums.codes'], name)\n"
    )
    (package / "codes.py").write_text(
        "from enum import IntEnum, StrEnum\n\n\nclass HttpStatus(IntEnum):\n    pass\n\n\n"
        "class ErrorCategory(StrEnum):\n    pass\n\n\nclass ErrorCode(StrEnum):\n    pass\n"
    )
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    return package.parent


def install_wheel(target: Path) -> Path:
    """errcat's wheel installed (no dependencies) into ``target`` with the shipped package, compiled."""
    wheels = target.parent / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)], check=True, capture_output=True
    )
    wheel = next(wheels.glob("errcat-*.whl"))
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, capture_output=True
    )
    shutil.copytree(ROOT / "src" / "partner_invoicing_errors", target / "partner_invoicing_errors")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(target)], check=True)
    return target


def main() -> None:
    full = "--full" in sys.argv
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        bare = median_run("pass")
        print(f"bare interpreter: {bare * 1e3:.1f} ms (subtracted below)")
        # As users get it: errcat's wheel installed in a plain directory, bytecode compiled.
        installed = install_wheel(out / "installed")
        shipped = interleaved_medians(
            {
                "bare": "pass",
                "errcat": "from partner_invoicing_errors import ErrorCode, HttpStatus",
                "http": "import http",
                "enum": "import enum",
                "empty": "from emptyenums import ErrorCode, HttpStatus",
            },
            [installed, empty_enums(out)],
            runs=41,
        )
        above = {label: figure - shipped["bare"] for label, figure in shipped.items()}
        print(row("shipped catalog: ErrorCode, HttpStatus", above["errcat"], above["http"], "import http"))
        print(
            f"floor: import enum {above['enum'] * 1e3:.2f} ms; "
            f"three empty enums in a package {above['empty'] * 1e3:.2f} ms"
        )

        synth = generate_synthetic(10_000, out / "s10000")
        naive_enum(10_000, out)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(out)], check=True)
        ours = median_run("from synth import ErrorCode, HttpStatus", synth) - bare
        naive = median_run("import naive_enum", out) - bare
        constants = median_run("import naive_constants", out) - bare
        print(row("10,000 codes: ErrorCode, HttpStatus", ours, naive, "naive StrEnum"))
        print(row("10,000 codes: ErrorCode, HttpStatus", ours, constants, "plain consts"))

        pydantic = median_run("import pydantic; import pydantic.main") - bare
        print(f"pydantic's own import: {pydantic * 1e3:.1f} ms (subtracted below)")
        sizes = (1_000, 10_000)
        for n in sizes:
            package = generate_synthetic(n, out / f"m{n}", "msynth")  # the directory on the path
            body = (
                f'b\'{{"error": {{"code": "server_problem_{n - 1}", "message": "m", "resource_id": "r"}}}}\''
            )
            ours = (
                median_run(
                    "import pydantic\nfrom msynth.models import ErrorResponse\n"
                    f"ErrorResponse.model_validate_json({body})",
                    package,
                    runs=7,
                )
                - bare
                - pydantic
            )
            if n < 10_000 or full:
                naive_models(n, out)
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(out)], check=True)
                peer = (
                    median_run(
                        f"import naive_models_{n} as m\nm.ErrorResponse.model_validate_json({body})",
                        out,
                        runs=3,
                    )
                    - bare
                    - pydantic
                )
                print(row(f"{n:,} codes: models import + first parse", ours, peer, "per-code union"))
            else:
                print(
                    f"{f'{n:,} codes: models import + first parse':<44} errcat {ours * 1e3:9.2f} ms   "
                    "per-code union: run with --full (about 10 s a run)"
                )


if __name__ == "__main__":
    main()
