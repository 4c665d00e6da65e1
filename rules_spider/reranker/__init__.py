"""An optional second reader of the units: a sentence encoder fine-tuned on the labeled corpus rescores the
units the rule model finds plausible, and the mean of both probabilities selects the rules.

Off unless ``RULES_RERANKER`` names a folder made by ``rules-spider-corpus train-reranker``; it needs the
``local-llm`` extra (torch, transformers) and a BERT-style base model on disk (nothing is downloaded).
"""
