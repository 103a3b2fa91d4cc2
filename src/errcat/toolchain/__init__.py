"""The toolchain: everything that reads a catalog file and writes what is generated from it.

One module per stage, in pipeline order::

    project     [tool.errcat]: which catalog, which outputs, where they go
    outputs     what errcat generate can write, and what the packages it writes may be called
    source      YAML bytes -> a tree of plain values that remembers each node's line and column
    scalars     how a plain YAML scalar reads (the YAML 1.2 core schema, 64-bit integers)
    schema      the JSON Schema pass              \\
    validate/   the semantic rules, a module a     > every problem a located Diagnostic
                family, run in one ordered list   /
    diagnostics Diagnostic and its text/json/github forms
    names       the Python names codes, categories and statuses become
    model       the typed, immutable Catalog: the only thing renderers see
    build       a checked document -> the model
    load        source + schema + validate + build, for one file
    cache       verdicts of ``errcat check`` for catalog bytes already seen
    render/     Catalog -> {path: text}: python, contracts, typescript, site, text
    format      ruff over the generated Python
    write/      one transaction per output root (lock, plan, journal, apply) and --check drift
    mkdocs      the site's real ``mkdocs build --strict`` / ``serve``
    diff        what changed between two catalogs, and the version bump it needs
    diff_output a diff's text, JSON, GitHub and Markdown forms
    versions    semantic versions: their parts and the bump between two
    changelog   what each contract version added, deprecated and retired
    history     a catalog file at a git revision
    terminal    text made safe to print
    scaffold    ``errcat init``
    commands/   one function per command (check, show, generate, docs, diff): a project in, an outcome out

It needs the ``errcat[toolchain]`` extra (and ``errcat[docs]`` for the site); the runtime
never imports it.
"""
