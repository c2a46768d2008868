"""Small synthetic data sets the engine's examples train on, generated on the spot (no download)."""

from thirdroad.nn.data.dates import (
    SOURCE_VOCAB,
    TARGET_VOCAB,
    DateBatch,
    Vocabulary,
    date_pairs,
    encode_pairs,
    write_date,
)

__all__ = [
    "SOURCE_VOCAB",
    "TARGET_VOCAB",
    "DateBatch",
    "Vocabulary",
    "date_pairs",
    "encode_pairs",
    "write_date",
]
