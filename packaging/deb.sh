#!/usr/bin/env bash
# Builds the Debian package target/debian/genesys-desk_<version>-1_<arch>.deb:
# the binary, desktop entry, hicolor icons, AppStream metainfo, man page and
# bash/zsh/fish completions. The desktop entry and metainfo are validated first.
#
#   packaging/deb.sh              release build (what users install)
#   PROFILE=dev packaging/deb.sh  packages the debug binary `cargo test` built (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE="${PROFILE:-release}"
dir="$PROFILE"; [ "$PROFILE" = dev ] && dir=debug

need() { command -v "$1" >/dev/null || { echo "packaging/deb.sh: $1 is missing: $2" >&2; exit 1; }; }
need cargo-deb "cargo install --locked cargo-deb"
need desktop-file-validate "apt-get install desktop-file-utils"
need appstreamcli "apt-get install appstream"
need dpkg-shlibdeps "apt-get install dpkg-dev"

desktop-file-validate packaging/linux/genesys-desk.desktop
appstreamcli validate --no-net packaging/linux/io.github.genesys_desk.GenesysDesk.metainfo.xml

cargo build --locked --profile "$PROFILE" --bin genesys-desk
bin="target/$dir/genesys-desk"
out=target/deb-assets
mkdir -p "$out"
"$bin" man | gzip -9n > "$out/genesys-desk.1.gz"
"$bin" completions bash > "$out/genesys-desk.bash"
"$bin" completions zsh > "$out/_genesys-desk"
"$bin" completions fish > "$out/genesys-desk.fish"

# cargo deb maps target/release/ in the asset list to the chosen profile's folder.
cargo deb --no-build --locked --profile "$PROFILE" ${CARGO_DEB_FLAGS:-}
ls -1 target/debian/*.deb
