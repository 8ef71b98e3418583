"""``make bench``: timed measurements of Studybot (search speed and quality, ...) as tables."""
