{
  description = "fauxpak: run any program in a bubblewrap sandbox that the portals treat as a Flatpak";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      # Everything Nix-side is in nix/default.nix; the flake only picks pkgs.
      fauxpakFor = pkgs: import ./nix { inherit pkgs; fauxpak = pkgs.callPackage ./nix/package.nix { }; };
    in
    {
      packages = forAllSystems (pkgs: rec {
        fauxpak = (fauxpakFor pkgs).fauxpak;
        default = fauxpak;
      });

      # wrap = fauxpak.lib.wrap pkgs; wrap { package = pkgs.hello; appId = "…"; }
      lib.wrap = pkgs: (fauxpakFor pkgs).wrap;

      # pkgs.fauxpak and pkgs.fauxpakWrap
      overlays.default = final: prev: {
        fauxpak = final.callPackage ./nix/package.nix { };
        fauxpakWrap = (import ./nix { pkgs = final; inherit (final) fauxpak; }).wrap;
      };
    };
}
