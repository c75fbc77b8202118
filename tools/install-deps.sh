#!/bin/bash
# Installs, with apt-get, every Debian 12 package fauxpak needs to build, to
# run and to test. Safe to run again: apt-get skips what is installed.
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc libc6-dev clang libclang-rt-14-dev
  libglib2.0-dev libjson-glib-dev libseccomp-dev libyaml-dev libostree-dev libxau-dev
  # run
  bubblewrap xdg-dbus-proxy xdg-desktop-portal fuse3
  # tests: a private bus, the real portals' clients, probes
  dbus dbus-daemon libglib2.0-bin python3 python3-gi gir1.2-glib-2.0 python3-jsonschema
  procps util-linux bsdutils
  # the escape tests try the real dconf service and gpg-agent from inside
  dconf-service dconf-gsettings-backend gpg-agent gnupg
  # X11, GTK and accessibility under a real X server (fidelity tests)
  xvfb xauth gir1.2-gtk-3.0 at-spi2-core
  # what the fidelity tests run inside: a JVM program, a font lookup
  openjdk-17-jre-headless fontconfig
  # documentation checks: man -l renders the man pages; the completion's dir
  man-db bash-completion
  # interoperability checks only (flatpak ps, the Flatpak imports), never a runtime dependency
  flatpak ostree
  # the Nix side (nix/, flake.nix), built offline in a private store with a
  # static busybox; desktop files checked as a desktop would read them
  nix-bin busybox-static desktop-file-utils
  # benchmark (time: the launcher's peak RSS)
  hyperfine time
)

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then exec sudo "$0" "$@"; fi
  echo "install-deps: run as root (or install sudo): it uses apt-get" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages are installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
