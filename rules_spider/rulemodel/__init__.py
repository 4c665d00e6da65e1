"""The rule model: P(guidance) for each candidate unit, learned from labeled real documentation.

``features`` turns a unit and its context into hashed tokens, ``estimator`` is the scikit-learn model,
``persistence`` saves and loads it (shipped in the package, retrained copies in the state directory),
``training`` fits and evaluates it leave-one-documentation-set-out.
"""
