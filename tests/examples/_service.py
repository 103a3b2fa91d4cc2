"""Loads the example invoice service (``examples/invoice_service/app.py``, not a package) for the tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

APP_PATH = Path(__file__).resolve().parents[2] / "examples" / "invoice_service" / "app.py"


def load_service() -> ModuleType:
    """The example's module, imported once under the name ``invoice_service_app``."""
    name = "invoice_service_app"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, APP_PATH)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module
