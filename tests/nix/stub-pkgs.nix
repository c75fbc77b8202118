# A stand-in for the three functions of nixpkgs that nix/default.nix's
# `wrap` uses (runCommand, writeText, closureInfo), written on
# builtins.derivation with a static busybox, so that wrap can be evaluated
# and built offline. Behaves as nixpkgs' do where wrap can tell: the build
# script runs in a POSIX shell with the usual tools on PATH, $SHELL is that
# shell, passAsFile, passthru and meta work, and closureInfo's store-paths lists
# the closure of rootPaths, sorted, one path a line.
{ busybox }: # a store path holding bin/busybox
let
  system = builtins.currentSystem;

  # sh, awk, sed, cp… as links to busybox, for PATH and for #!$SHELL.
  tools = builtins.derivation {
    name = "busybox-tools";
    inherit system;
    builder = "${busybox}/bin/busybox";
    args = [ "sh" "-c" ''"$busybox" mkdir -p "$out/bin" && "$busybox" --install -s "$out/bin"'' ];
    busybox = "${busybox}/bin/busybox";
  };

  runCommand = name: env: buildCommand:
    let
      drv = builtins.derivation ({
        inherit name system;
        builder = "${tools}/bin/sh";
        args = [ "-e" "-c" buildCommand ];
        PATH = "${tools}/bin";
        SHELL = "${tools}/bin/sh";
      } // removeAttrs env [ "passthru" "meta" ]);
    in
    drv // { meta = env.meta or { }; } // (env.passthru or { });

  writeText = name: text:
    runCommand name { inherit text; passAsFile = [ "text" ]; } ''cp "$textPath" "$out"'';

  # exportReferencesGraph writes, for each root, its closure as blocks of
  # PATH, DERIVER, N, then N references; store-paths takes the PATHs.
  closureInfo = { rootPaths }:
    runCommand "closure-info"
      {
        exportReferencesGraph = builtins.concatLists
          (builtins.genList (i: [ "closure-${toString i}" (builtins.elemAt rootPaths i) ])
            (builtins.length rootPaths));
      }
      ''
        mkdir -p "$out"
        awk 'FNR == 1 { state = 0 }
             state == 0 { print; state = 1; next }
             state == 1 { state = 2; next }
             state == 2 { n = $0 + 0; state = n > 0 ? 3 : 0; next }
             state == 3 { if (--n == 0) state = 0 }' closure-* | sort -u > "$out/store-paths"
      '';
in
{
  inherit runCommand writeText closureInfo;
}
