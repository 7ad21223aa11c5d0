"""Advice beside the ML ranker: funding schemes, sectors, precedents and the reasons given for partners.

Eligibility comes from the rules engine, :mod:`models.funding`. The ML modules at the
top of :mod:`models` (ranker, candidates, training, evaluation, registry, ...) import
nothing from here nor from :mod:`models.funding`.
"""
