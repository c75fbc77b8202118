# Builds, offline, a small package with a desktop file, a D-Bus service and
# an icon (tests/nix/hello.*) through the stand-in pkgs, and wraps it with
# nix/default.nix's wrap. Used by tests/integration/test-nix.sh:
#   nix-build wrap-test.nix --arg busyboxDir DIR --argstr fauxpak BIN \
#     --argstr sharedDir DIR -A wrapped
{ busyboxDir   # a directory holding bin/busybox (static): added to the store
, fauxpak      # the fauxpak binary under test (a path string: not copied)
, sharedDir    # a host directory the wrapped profile grants read-only
}:
let
  busybox = builtins.path { path = busyboxDir; name = "busybox"; };
  pkgs = import ./stub-pkgs.nix { inherit busybox; };
  fp = import ../../nix/default.nix { inherit pkgs fauxpak; };

  hello = pkgs.runCommand "hello-1.0"
    {
      inherit busybox;
      storeDir = builtins.storeDir;
      src = builtins.path { path = ./.; name = "hello-src"; filter = path: type: baseNameOf path != "wrap-test.nix"; };
    }
    ''
      mkdir -p "$out/bin" "$out/share/applications" "$out/share/dbus-1/services" \
        "$out/share/icons/hicolor/scalable/apps"
      subst () { sed -e "s|@busybox@|$busybox/bin/busybox|g" -e "s|@storeDir@|$storeDir|g" -e "s|@out@|$out|g" "$1" > "$2"; }
      subst "$src/hello.sh" "$out/bin/hello"
      chmod 755 "$out/bin/hello"
      subst "$src/hello.desktop" "$out/share/applications/hello.desktop"
      subst "$src/hello-settings.desktop" "$out/share/applications/hello-settings.desktop"
      subst "$src/org.example.HelloService.service" "$out/share/dbus-1/services/org.example.HelloService.service"
      cp "$src/hello.svg" "$out/share/icons/hicolor/scalable/apps/hello.svg"
    '';
  # A run-time extra with a reference of its own (busybox).
  extra = pkgs.writeText "extra-1.0" "extra for the sandbox, next to ${busybox}";
in
{
  inherit hello extra;
  wrapped = fp.wrap {
    package = hello;
    appId = "org.example.Hello";
    extraStorePaths = [ extra ];
    profile = { filesystems = [ "${sharedDir}:ro" ]; documents = "optional"; };
    presets = [ "desktop" ];
  };
  wrappedWholeStore = fp.wrap {
    package = hello;
    appId = "org.example.HelloStore";
    closureOnly = false;
  };
}
