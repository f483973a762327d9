"""Static files as WhiteNoise serves them in production: hashed names, so they can be cached for a year."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class StaticFilesStorage(ManifestStaticFilesStorage):
    """Django's manifest storage (WhiteNoise serves hashed names as immutable), tolerating source maps the
    vendored libraries mention but do not ship (Leaflet's `leaflet.js.map`): the reference is left as written
    instead of failing `collectstatic`. Not pre-compressed: compressing DSFR's 9,000 files takes minutes on
    each upgrade; the reverse proxy compresses (docs/deploy.md)."""

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if name.endswith(".map"):
                return name
            raise
