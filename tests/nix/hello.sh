#!@busybox@ sh
# The test package's program. Run in the sandbox it reports what it sees:
# --app-id the name in /.flatpak-info, --store the store's entries,
# --write DIR whether it can create a file in DIR; otherwise each argument
# and, for a file, its first line, then "hello: done".
case "${1:-}" in
  --app-id) exec sed -n 's/^name=//p' /.flatpak-info ;;
  --store) exec ls -1 "@storeDir@" ;;
  --write) if touch "$2/written-from-the-sandbox" 2>/dev/null; then echo writable; else echo read-only; fi ;;
  *)
    echo "hello from the sandbox"
    for arg in "$@"; do
      echo "arg: $arg"
      if [ -f "$arg" ]; then echo "content: $(head -n 1 "$arg")"; fi
    done
    echo "hello: done"
    ;;
esac
