"""The book host: the Sphinx extension and building the book. In _config.yml: `widgets.book`,
which sets up case exercises and the pages under «Øvelser» (exercises), the municipality's
settings (municipality), law citations with their check date (law) and the printable
tools' local versions (tools)."""


def setup(app):
    from . import exercises, law, progress, tools

    for name in ("output", "remembered", "handouts", "minify"):
        app.setup_extension(f"widgets.book.{name}")
    law.setup(app)
    tools.setup(app)
    progress.setup(app)
    return exercises.setup(app)
