"""Places: the store's own name resolution.

``names`` folds and keys place names, ``countries`` and ``regions`` hold country facts,
``geometry`` the distances, ``index`` / ``resolve`` / ``loading`` the GeoNames gazetteer, and
``city_match`` finds a named city among the store's cities.
"""
