"""The toolchain: everything that reads a catalog file and writes what is generated from it.

One module per stage, in pipeline order::

    project     [tool.errcat]: which catalog, which outputs, where they go
    source      YAML bytes -> a tree of plain values that remembers each node's line and column
    schema      the JSON Schema pass              \\
    rules       the semantic rules                 > every problem a located Diagnostic
    diagnostics Diagnostic and its text/json/github forms
    model       the typed, immutable Catalog: the only thing renderers see
    load        source + schema + rules + model, for one file
    cache       verdicts of ``errcat check`` for catalog bytes already seen
    render/     Catalog -> {path: text}: python, contracts, site, text
    format      ruff over the generated Python
    write       atomic writes and --check drift reports
    mkdocs      the site's real ``mkdocs build --strict`` / ``serve``
    diff        what changed between two catalogs, and the version bump it needs
    scaffold    ``errcat init``

It needs the ``errcat[toolchain]`` extra (and ``errcat[docs]`` for the site); the runtime
never imports it.
"""
