"""Alembic migrations, a package so that an installed studybot can upgrade its database."""
