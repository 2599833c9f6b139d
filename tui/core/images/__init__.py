"""Article images: a disk cache of the bytes fetched, and decoding under caps.

* :mod:`.cache`: :class:`~tui.core.images.cache.ImageCache`, files named by
  a hash of the URL, the oldest evicted past a size limit;
* :mod:`.decode`: bytes -> a Pillow image, with the pixel cap set
  explicitly, fully decoded and shrunk to the box it will be shown in.

Fetching them is :mod:`tui.core.fetch.images`' part; the facade's verb,
``Library.image``, puts the three together (``library/images.py``).  Nothing
here knows a front end: the reader gets a Pillow image and draws it.
"""
