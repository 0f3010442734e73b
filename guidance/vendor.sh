#!/usr/bin/env bash
# Vendors the pinned npm packages the guidance pages and their browser tests use, so that `make run` and the
# tests work offline. Run by `make vendor` (versions pinned in the Makefile); commit what it changes.
#
#   govuk-frontend -> guidance/static/guidance/govuk/: the compiled CSS with its fonts and images (no JavaScript:
#                     the pages need none). The stylesheet's absolute /assets/ URLs are made relative to it, and
#                     its source-map comment is dropped (collectstatic's manifest would look for the map).
#   axe-core       -> tests/browser/vendor/: axe.min.js, the accessibility checker the browser tests inject.
set -euo pipefail
cd "$(dirname "$0")/.."
govuk_version="${1:?govuk-frontend version}"
axe_version="${2:?axe-core version}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

(cd "${work}" && npm pack --silent "govuk-frontend@${govuk_version}" "axe-core@${axe_version}" >/dev/null)
mkdir -p "${work}/govuk" "${work}/axe"
tar -xzf "${work}/govuk-frontend-${govuk_version}.tgz" -C "${work}/govuk"
tar -xzf "${work}/axe-core-${axe_version}.tgz" -C "${work}/axe"

dist="${work}/govuk/package/dist/govuk"
target=guidance/static/guidance/govuk
rm -rf "${target}"
mkdir -p "${target}/assets/images"
sed -e 's#url(/assets/#url(assets/#g' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    "${dist}/govuk-frontend.min.css" > "${target}/govuk-frontend.min.css"
cp -R "${dist}/assets/fonts" "${target}/assets/fonts"
cp "${dist}/assets/images/govuk-crest.svg" "${dist}/assets/images/favicon.svg" "${dist}/assets/images/favicon.ico" \
    "${target}/assets/images/"
echo "${govuk_version}" > "${target}/VERSION"
cat > "${target}/LICENSE.txt" <<LICENCE
govuk-frontend ${govuk_version} (npm), https://github.com/alphagov/govuk-frontend

The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of
the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

The GDS Transport font files in assets/fonts/ are for services on GOV.UK only; the crest is Crown copyright.
LICENCE

axe_target=tests/browser/vendor
rm -rf "${axe_target}"
mkdir -p "${axe_target}"
cp "${work}/axe/package/axe.min.js" "${work}/axe/package/LICENSE" "${axe_target}/"
echo "${axe_version}" > "${axe_target}/AXE_VERSION"
