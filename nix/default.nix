# fauxpak for Nix: the package, and `wrap`, which turns a Nix package into
# one whose program runs in a fauxpak sandbox (a Flatpak to the portals)
# that sees the package's closure and nothing else of the store.
#
#   let fp = import ./nix { inherit pkgs; };
#   in fp.wrap { package = pkgs.hello; appId = "org.example.Hello"; }
#
# `wrap` takes from pkgs only runCommand, writeText and closureInfo (the
# rest is builtins), so that it evaluates and builds offline with a small
# stand-in for those three (tests/nix/stub-pkgs.nix).
{ pkgs ? import <nixpkgs> { }
, fauxpak ? pkgs.callPackage ./package.nix { }
}:
let
  inherit (builtins) baseNameOf isAttrs isString replaceStrings toJSON;

  # What the wrappers run: a derivation's bin/fauxpak, or the path of a
  # fauxpak binary itself (a string is not copied into the store).
  fauxpakBin = if isAttrs fauxpak then "${fauxpak}/bin/fauxpak" else toString fauxpak;

  shellQuote = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  # The program a package is about, as nixpkgs names it.
  mainProgram = package:
    package.meta.mainProgram or package.pname or (builtins.parseDrvName package.name).name;

  # Rewrites a desktop file or a D-Bus service file so that it starts the
  # wrapper: the program of every Exec= is replaced, its arguments kept,
  # and %f/%F (%u/%U) become "@@ %F @@" ("@@u %U @@"), as Flatpak exports
  # them, for fauxpak run --file-forwarding. Desktop files get
  # X-Flatpak=APP-ID and lose TryExec (it names the unwrapped program);
  # a renamed one loses DBusActivatable (its bus name is its file name);
  # a service loses SystemdService= (the unit would start the program
  # unwrapped).
  rewriteAwk = ''
    function exec_args(value,   rest, i) {
      sub(/^Exec[ \t]*=[ \t]*/, "", value)
      if (substr(value, 1, 1) == "\"") {
        i = index(substr(value, 2), "\"")
        rest = i ? substr(value, i + 2) : ""
      } else {
        i = index(value, " ")
        rest = i ? substr(value, i) : ""
      }
      if (kind == "desktop") {
        gsub(/%%/, "\034", rest)
        gsub(/%[fF]/, "@@ & @@", rest)
        gsub(/%[uU]/, "@@u & @@", rest)
        gsub("\034", "%%", rest)
      }
      return rest
    }
    /^\[/ { group = $0 }
    kind == "desktop" && group == "[Desktop Entry]" && /^(X-Flatpak|TryExec)[ \t]*=/ { next }
    kind == "desktop" && renamed && group == "[Desktop Entry]" && /^DBusActivatable[ \t]*=/ { next }
    kind == "service" && /^SystemdService[ \t]*=/ { next }
    /^Exec[ \t]*=/ { print "Exec=" wrapper exec_args($0); next }
    { print }
    kind == "desktop" && $0 == "[Desktop Entry]" { print "X-Flatpak=" appid }
  '';

  wrap =
    { package
    , appId
    , binPath ? "bin/${mainProgram package}"
      # More of the profile (fauxpak's JSON keys), as an attribute set:
      # shared, sockets, filesystems, session-bus-policy, … Its environment
      # and runtime are merged with the wrapper's; command replaces it.
    , profile ? { }
      # Presets (names such as "desktop") or paths of profiles to import.
    , presets ? [ ]
      # true: the sandbox's store holds the package's closure only (and
      # that of extraStorePaths); false: the whole store, read-only.
    , closureOnly ? true
      # More store paths the app needs at run time (fonts, a GPU driver,
      # xdg-utils…), with their closures.
    , extraStorePaths ? [ ]
      # Which of share/applications becomes APP-ID.desktop; by default
      # APP-ID.desktop, then <name>.desktop, then the only one there is.
    , desktopFile ? null
    }:
    let
      binName = baseNameOf binPath;
      closure = pkgs.closureInfo { rootPaths = [ package ] ++ extraStorePaths; };
      ownRuntime = profile.runtime or { };
      storeRuntime =
        if closureOnly
        then { paths-from = "${closure}/store-paths"; }
        else { paths = [ builtins.storeDir ]; };
      profileFile = pkgs.writeText "${appId}.json" (toJSON (
        { command = [ "${package}/${binPath}" ]; }
        // removeAttrs profile [ "imports" "runtime" "environment" "app-id" ]
        // {
          app-id = appId;
          imports = presets ++ profile.imports or [ ];
          # "host" asks for the host's /usr: that is the profile's to say.
          runtime = if isString ownRuntime then ownRuntime else storeRuntime // ownRuntime;
          environment = { PATH = "${package}/bin"; } // profile.environment or { };
        }));
    in
    pkgs.runCommand "${package.name}-fauxpak"
      {
        inherit appId binName profileFile rewriteAwk;
        package = "${package}";
        fauxpak = shellQuote fauxpakBin;
        desktopFile = if desktopFile == null then "" else desktopFile;
        passAsFile = [ "rewriteAwk" ];
        passthru = { inherit package appId closure; };
        # `nix run` starts the wrapper.
        meta = { mainProgram = binName; }
          // (if package ? meta.description then { inherit (package.meta) description; } else { });
      }
      ''
        set -eu
        share=$out/share
        mkdir -p "$out/bin" "$share/fauxpak"
        cp "$profileFile" "$share/fauxpak/$appId.json"

        wrapper=$out/bin/$binName
        printf '#!%s\nexec %s run --file-forwarding %s "$@"\n' \
          "$SHELL" "$fauxpak" "$share/fauxpak/$appId.json" > "$wrapper"
        chmod 755 "$wrapper"

        # rewrite SOURCE DEST desktop|service RENAMED
        rewrite () {
          awk -v wrapper="$wrapper" -v appid="$appId" -v kind="$3" -v renamed="$4" \
            -f "$rewriteAwkPath" "$1" > "$2"
        }

        apps=$package/share/applications
        main=
        if [ -n "$desktopFile" ]; then
          if [ ! -e "$apps/$desktopFile" ]; then
            echo "wrap: desktopFile: $apps/$desktopFile does not exist" >&2
            exit 1
          fi
          main=$desktopFile
        elif [ -e "$apps/$appId.desktop" ]; then
          main=$appId.desktop
        elif [ -e "$apps/$binName.desktop" ]; then
          main=$binName.desktop
        else
          set -- "$apps"/*.desktop
          if [ $# -eq 1 ] && [ -e "$1" ]; then main=''${1##*/}; fi
        fi
        if [ -d "$apps" ]; then
          mkdir -p "$share/applications"
          for file in "$apps"/*.desktop; do
            [ -e "$file" ] || continue
            base=''${file##*/}
            if [ "$base" = "$main" ]; then
              renamed=1
              [ "$base" != "$appId.desktop" ] || renamed=0
              rewrite "$file" "$share/applications/$appId.desktop" desktop $renamed
            elif [ "$base" != "$appId.desktop" ]; then
              rewrite "$file" "$share/applications/$base" desktop 0
            fi
          done
        fi

        services=$package/share/dbus-1/services
        if [ -d "$services" ]; then
          mkdir -p "$share/dbus-1/services"
          for file in "$services"/*.service; do
            [ -e "$file" ] || continue
            rewrite "$file" "$share/dbus-1/services/''${file##*/}" service 0
          done
        fi

        # Icons, man pages and the rest of share/, as they are.
        if [ -d "$package/share" ]; then
          for entry in "$package/share"/*; do
            name=''${entry##*/}
            case $name in
              applications | fauxpak) ;;
              dbus-1)
                mkdir -p "$share/dbus-1"
                for sub in "$entry"/*; do
                  if [ -e "$sub" ] && [ "''${sub##*/}" != services ]; then
                    ln -s "$sub" "$share/dbus-1/"
                  fi
                done
                ;;
              *) if [ -e "$entry" ]; then ln -s "$entry" "$share/$name"; fi ;;
            esac
          done
        fi
      '';
in
{
  inherit fauxpak wrap;
}
