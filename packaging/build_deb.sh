#!/usr/bin/env bash
# Build build/counterfoil_<version>_<arch>.deb from the PyInstaller output (run build.sh first,
# or pass --build to do both).  Installs to /opt/counterfoil with a `counterfoil` command,
# a desktop entry and icons.  Removing the package leaves every user's data alone.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--build" ] && packaging/build.sh
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' app/__init__.py)
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
STAGE=build/deb/counterfoil_${VERSION}_${ARCH}
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications"
cp -a build/dist/counterfoil "$STAGE/opt/counterfoil"
ln -s /opt/counterfoil/counterfoil "$STAGE/usr/bin/counterfoil"
install -m 644 packaging/linux/counterfoil.desktop "$STAGE/usr/share/applications/counterfoil.desktop"
for size in 32 48 64 128 256; do
  dir="$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
  mkdir -p "$dir"
  install -m 644 "resources/icons/counterfoil-${size}.png" "$dir/counterfoil.png"
done
mkdir -p "$STAGE/usr/share/icons/hicolor/scalable/apps"
install -m 644 resources/icons/counterfoil.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/counterfoil.svg"
SIZE_KB=$(du -sk "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: counterfoil
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: Counterfoil developers <dev@counterfoil.example>
Installed-Size: ${SIZE_KB}
Depends: libc6, libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libdbus-1-3, libglib2.0-0, libxcb-cursor0
Recommends: gnome-keyring
Section: office
Priority: optional
Homepage: https://counterfoil.example
Description: billing operations for a small business
 Clients and agreements, recurring bill runs, PDF invoices, e-mail delivery and
 reminders, payments, bank-statement import and reconciliation, an exceptions
 queue and reports. Offline; data stays in each user's own data folder.
CONTROL
cat > "$STAGE/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q /usr/share/icons/hicolor || true
exit 0
POSTINST
cat > "$STAGE/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
# User data lives in each user's ~/.local/share/Counterfoil and is never removed here.
set -e
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
exit 0
POSTRM
chmod 755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
OUT=build/counterfoil_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT" >/dev/null
echo "$OUT $(du -h "$OUT" | cut -f1)"
