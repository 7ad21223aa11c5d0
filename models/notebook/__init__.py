"""Notebook support: one module of tables per notebook in ``notebooks/`` (figures: :mod:`models.plots`)."""
