"""One module per family of eligibility rules; each lists its rule types in ``RULE_TYPES``.

Every module here is loaded by :func:`models.funding.registry.rule_types`.
"""
