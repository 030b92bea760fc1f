"""The book host: the Sphinx extension (case exercises, the pages under «Øvelser», the
municipality's settings) and building the book. In _config.yml: `widgets.book`."""


def setup(app):
    from .exercises import setup as exercises
    from .progress import setup as progress

    progress(app)
    return exercises(app)
