# fauxpak, built with nixpkgs: `pkgs.callPackage ./package.nix { }`.
{ lib
, stdenv
, meson
, ninja
, pkg-config
, makeWrapper
, glib
, json-glib
, libseccomp
, libyaml
, ostree
, bubblewrap
, xdg-dbus-proxy
}:

stdenv.mkDerivation {
  pname = "fauxpak";
  # The version meson.build declares, so that the two cannot drift apart.
  version = builtins.head (builtins.match "project\\([^)]*[[:space:]]version : '([^']+)'.*"
    (builtins.readFile ../meson.build));

  src = lib.cleanSourceWith {
    src = lib.cleanSource ../.;
    # Not the build directories of a checkout, nor this directory.
    filter = path: type:
      let name = baseNameOf path; in
      !(type == "directory" && (lib.hasPrefix "build" name || name == "nix"))
      && name != "flake.nix" && name != "flake.lock";
  };

  # bubblewrap at build time too: meson asks it whether it knows
  # --disable-userns.
  nativeBuildInputs = [ meson ninja pkg-config makeWrapper bubblewrap ];
  # libostree reads flatpak-repo: and flatpak-bundle: imports.
  buildInputs = [ glib json-glib libseccomp libyaml ostree ];

  # The tests start sandboxes, user namespaces, a D-Bus daemon and the
  # portals, which the Nix build sandbox does not allow: they run in the
  # project's CI (tests/run-all.sh), not here.
  doCheck = false;

  # The programs fauxpak starts, by absolute path; FAUXPAK_BWRAP and
  # FAUXPAK_DBUS_PROXY set by the user still win.
  postFixup = ''
    wrapProgram $out/bin/fauxpak \
      --set-default FAUXPAK_BWRAP ${bubblewrap}/bin/bwrap \
      --set-default FAUXPAK_DBUS_PROXY ${xdg-dbus-proxy}/bin/xdg-dbus-proxy
  '';

  meta = {
    description = "Run any program in a bubblewrap sandbox that xdg-desktop-portal treats as a Flatpak";
    license = lib.licenses.lgpl21Plus;
    platforms = lib.platforms.linux;
    mainProgram = "fauxpak";
  };
}
