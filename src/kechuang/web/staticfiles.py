"""Static files with hashed, compressed names once collected, plain names before.

`kechuang serve` and `kechuang demo` run collectstatic: every file is copied into STATIC_ROOT under
a name carrying its content hash (`css/site.3f2a….css`), gzip-compressed beside it, and listed in
`staticfiles.json`; WhiteNoise serves those with a year's caching (their name changes when their
content does). Before any collectstatic — the test suite, `kechuang manage runserver` on a fresh
clone — there is no manifest: pages then link the plain names, which WhiteNoise finds in the package
(WHITENOISE_USE_FINDERS), instead of failing with "Missing staticfiles manifest entry". A file added
by an upgrade but not yet collected is linked by its plain name the same way.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        if not self.hashed_files:  # never collected with this storage
            return name
        try:
            return super().stored_name(name)
        except ValueError:  # not in the manifest, nor in STATIC_ROOT
            return name
