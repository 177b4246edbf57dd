"""What TAGS codes mean, so readers need not look them up.

The meanings live in the corpus package's TAGS dictionary (`corpus/data/tags.tsv`),
the same table that splits and corrects TAGS when cables are read.
"""

from __future__ import annotations

from corpus.tags import describe_tag

__all__ = ["describe_tag"]
