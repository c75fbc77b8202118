# Evaluates, offline, what nixpkgs cannot be fetched to build here: the
# flake's outputs and nix/package.nix, against a stand-in nixpkgs (its
# lib functions and callPackage). tests/integration/test-nix.sh prints
# the result with nix-instantiate --eval --strict --json and checks it.
{ busyboxDir }:
let
  busybox = builtins.path { path = busyboxDir; name = "busybox"; };
  stub = import ./stub-pkgs.nix { inherit busybox; };
  stubFauxpak = { type = "derivation"; name = "fauxpak-stub"; outPath = "/stub/fauxpak"; };
  hasPrefix = p: s: builtins.substring 0 (builtins.stringLength p) s == p;
  lib = {
    inherit hasPrefix;
    cleanSource = src: src;
    cleanSourceWith = { src, filter }: { inherit src filter; };
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    licenses.lgpl21Plus = "LGPL-2.1-or-later";
    platforms.linux = [ "x86_64-linux" ];
  };
  pkgs = stub // {
    inherit lib;
    callPackage = path: args: if baseNameOf path == "package.nix" then stubFauxpak else throw "unexpected callPackage ${toString path}";
  };
  nixpkgs = { inherit lib; legacyPackages.x86_64-linux = pkgs; legacyPackages.aarch64-linux = pkgs; };

  flake = import ../../flake.nix;
  outputs = flake.outputs { self = outputs; inherit nixpkgs; };
  overlaid = pkgs // outputs.overlays.default overlaid pkgs;
  hello = stub.runCommand "hello-1.0" { } ''mkdir -p "$out/bin"'';
  wrapped = outputs.lib.wrap pkgs { package = hello; appId = "org.example.Hello"; };

  package = import ../../nix/package.nix {
    inherit lib;
    stdenv.mkDerivation = attrs: attrs;
    meson = "meson"; ninja = "ninja"; pkg-config = "pkg-config"; makeWrapper = "makeWrapper";
    glib = "glib"; json-glib = "json-glib"; libseccomp = "libseccomp"; libyaml = "libyaml"; ostree = "ostree";
    bubblewrap = "/stub/bubblewrap"; xdg-dbus-proxy = "/stub/xdg-dbus-proxy";
  };
in
{
  flakeOutputs = builtins.attrNames outputs;
  flakePackages = builtins.attrNames outputs.packages;
  flakeDefault = outputs.packages.x86_64-linux.default.name;
  flakeWrapRuns = wrapped.fauxpak;
  wrapMainProgram = wrapped.meta.mainProgram;
  overlayFauxpak = overlaid.fauxpak.name;
  overlayWrapRuns = (overlaid.fauxpakWrap { package = hello; appId = "org.example.Hello"; }).fauxpak;
  packageName = "${package.pname}-${package.version}";
  packageWrapsPrograms = package.postFixup;
  packageChecks = package.doCheck;
  packageSourceKeeps = map (p: package.src.filter "/src/${p}" "directory") [ "launcher" "build" "build-asan" "nix" ];
}
