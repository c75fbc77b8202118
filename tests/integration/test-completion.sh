#!/bin/bash
# Bash completion (data/completion/fauxpak.bash) against the real
# fauxpak: commands, options, option values, presets, running instances.
source "$(dirname "$0")/../lib.sh"
export FAUXPAK_PRESET_PATH="$TESTS_DIR/../data/presets"

# completions LINE: what completing LINE (the cursor at its end) offers,
# one a line, in a bash that loaded only our completion.
completions () {
  FAUXPAK_LINE=$1 bash --norc --noprofile -c '
    source "$1"
    COMP_LINE=$FAUXPAK_LINE
    COMP_POINT=${#COMP_LINE}
    read -ra COMP_WORDS <<<"$COMP_LINE"
    [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_WORDS[0]=$2
    _fauxpak
    printf "%s\n" "${COMPREPLY[@]}"' _ "$TESTS_DIR/../data/completion/fauxpak.bash" "$FAUXPAK"
}

# offers LINE WORD: completing LINE offers WORD.
offers () {
  local got
  got=$(completions "$1")
  if grep -qxF -- "$2" <<<"$got"; then ok "completing '$1' offers '$2'"
  else not_ok "completing '$1' offers '$2'"; printf '# got: %s\n' $got | head -20; fi
}

offers "fauxpak run --sha" "--share="
offers "fauxpak ki" "kill"
offers "fauxpak docu" "document-export"
offers "fauxpak ps --col" "--columns="
offers "fauxpak ps --columns=app" "application"
offers "fauxpak run --socket=way" "wayland"
offers "fauxpak run --device=d" "dri"
offers "fauxpak run --share=n" "network"
offers "fauxpak run --allow=dev" "devel"
offers "fauxpak run --filesystem=xdg-do" "xdg-download"
offers "fauxpak run --preset=" "devshell"
offers "fauxpak override --talk" "--talk-name="
offers "fauxpak override --re" "--reset"
offers "fauxpak run --app-id=org.example.App -- ech" "echo"
"$FAUXPAK" override --share=network org.example.Completed
offers "fauxpak permissions org.example.Com" "org.example.Completed"

"$FAUXPAK" run --app-id=org.example.Running -- sleep 300 &
cleanup_kill $!
wait_for '"$FAUXPAK" ps --columns=application | grep -qx org.example.Running' 10
instance=$("$FAUXPAK" ps --columns=instance,application | awk '$2 == "org.example.Running" { print $1 }')
offers "fauxpak kill " "$instance"
offers "fauxpak enter org.example.R" "org.example.Running"
offers "fauxpak enter org.example.Running ech" "echo"
"$FAUXPAK" kill org.example.Running
