"""Article metadata from a parsed page: title, dates, authors, tags, site, section, image.

Public interface::

    from pipelines.cleaning.metadata import extract_metadata, Metadata

    meta = extract_metadata(tree, url, fetched_at, site_name_hint="اليوم السابع")

See :class:`Metadata` for the format of every field and :mod:`.published` for how the
publication date is chosen when the page's sources disagree.
"""

from pipelines.cleaning.metadata.extract import extract_metadata
from pipelines.cleaning.metadata.model import Metadata

__all__ = ["Metadata", "extract_metadata"]
