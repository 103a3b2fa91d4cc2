"""errcat: an API's error catalog as one YAML file, and everything generated from it.

``import errcat`` stays light: it needs nothing beyond the standard library
and never imports the toolchain (PyYAML, jsonschema-rs, Jinja2, MkDocs) that
checks catalogs and generates code.
"""

__version__ = "0.1.0"
