#!/usr/bin/env bash
# Installs the package packaging/deb.sh built (dpkg -i, as root or with sudo),
# checks its files are where desktops look for them, and runs the installed
# binary: `--version` and `paths` in a throwaway home.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

deb=$(ls -1t target/debian/genesys-desk_*.deb | head -1)
$SUDO dpkg -i "$deb"
for f in /usr/bin/genesys-desk \
         /usr/share/applications/genesys-desk.desktop \
         /usr/share/metainfo/io.github.genesys_desk.GenesysDesk.metainfo.xml \
         /usr/share/icons/hicolor/48x48/apps/genesys-desk.png \
         /usr/share/icons/hicolor/256x256/apps/genesys-desk.png \
         /usr/share/man/man1/genesys-desk.1.gz \
         /usr/share/bash-completion/completions/genesys-desk \
         /usr/share/zsh/vendor-completions/_genesys-desk \
         /usr/share/fish/vendor_completions.d/genesys-desk.fish; do
  [ -s "$f" ] || { echo "check-deb: $f is missing from the installed package" >&2; exit 1; }
done
desktop-file-validate /usr/share/applications/genesys-desk.desktop
zcat /usr/share/man/man1/genesys-desk.1.gz | grep -q '^\.TH genesys-desk' || { echo "check-deb: the man page has no .TH header" >&2; exit 1; }

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
version=$(/usr/bin/genesys-desk --version)
echo "installed: $version"
[[ "$version" =~ ^genesys-desk\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ ([0-9a-f]+|unknown)\) ]] || { echo "check-deb: unexpected --version: $version" >&2; exit 1; }
paths=$(GENESYS_DESK_SECRET_STORE=file /usr/bin/genesys-desk --home "$home" paths)
echo "$paths"
grep -q "^config dir: *$home/config$" <<<"$paths" || { echo "check-deb: paths did not use the given home" >&2; exit 1; }
echo "check-deb: $deb installs and runs"
