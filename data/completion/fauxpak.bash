# bash completion for fauxpak: commands, options, option values (sockets,
# devices, shares, features, filesystem tokens, presets, ps columns),
# app ids, running instances and files. The words come from fauxpak
# itself (`fauxpak complete …` and each command's --help), so that they
# are always the installed fauxpak's.

# _fauxpak_words KIND [ARG]: one word a line, from fauxpak.
_fauxpak_words () {
  "${_fauxpak_bin:-fauxpak}" complete "$@" 2>/dev/null
}

# The long options of a command, "--name=" for those that take a value.
_fauxpak_options () {
  "${_fauxpak_bin:-fauxpak}" "$1" --help 2>/dev/null |
    sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z0-9-]*\)\(=\{0,1\}\).*/\2\3/p'
}

_fauxpak () {
  local bin=${COMP_WORDS[0]}
  local line=${COMP_LINE:0:COMP_POINT}
  local -a words
  local cur cmd i seen_dashdash=0 positional=0 word

  _fauxpak_bin=$bin
  # Our own split of the line, by blanks only: bash also splits at "=",
  # and "--share=net" is one word to us.
  read -ra words <<<"$line"
  [[ $line == *[[:blank:]] || ${#words[@]} -eq 0 ]] && words+=("")
  cur=${words[${#words[@]}-1]}
  COMPREPLY=()

  if [ ${#words[@]} -le 2 ]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_fauxpak_words commands) --help --version" -- "$cur")
    return 0
  fi
  cmd=${words[1]}
  for ((i = 2; i < ${#words[@]} - 1; i++)); do
    word=${words[i]}
    if [ "$seen_dashdash" = 1 ]; then
      positional=$((positional + 1))
    elif [ "$word" = -- ]; then
      seen_dashdash=1
    elif [[ $word != -* ]]; then
      positional=$((positional + 1))
    fi
  done

  # After "--", or once enter has its instance: a command of the host.
  if [ "$seen_dashdash" = 1 ] && [ "$positional" -eq 0 ] ||
     { [ "$cmd" = enter ] && [ "$positional" -eq 1 ]; }; then
    mapfile -t COMPREPLY < <(compgen -c -- "$cur")
    return 0
  fi
  if [ "$seen_dashdash" = 1 ] || { [ "$cmd" = enter ] && [ "$positional" -ge 2 ]; }; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
  fi

  if [[ $cur == --*=* ]]; then
    local option=${cur%%=*} value=${cur#*=} values
    option=${option#--}
    case $option in
      app|app-id) values=$( { _fauxpak_words apps; _fauxpak_words instances | grep '\.'; } | sort -u) ;;
      cwd|bwrap-data-dir|persist) values=$(compgen -d -- "$value") ;;
      bind|ro-bind|dev-bind|tmpfs|command) values=$(compgen -f -- "$value") ;;
      *) values=$(_fauxpak_words values "$option") ;;
    esac
    if [[ $option == filesystem || $option == nofilesystem ]]; then
      values+=$'\n'$(compgen -f -- "$value")
    fi
    mapfile -t COMPREPLY < <(compgen -W "$values" -- "$value")
    # Bash replaces only what follows "=" when "=" splits words.
    if [[ $COMP_WORDBREAKS != *=* ]]; then
      COMPREPLY=("${COMPREPLY[@]/#/--$option=}")
    fi
    [[ ${COMPREPLY[0]:-} == */ || ${COMPREPLY[0]:-} == *: ]] && compopt -o nospace 2>/dev/null
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_fauxpak_options "$cmd") --help" -- "$cur")
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
    return 0
  fi

  case $cmd in
    run|info)
      if [ "$positional" -eq 0 ]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_fauxpak_words apps)" -- "$cur"
                                 compgen -f -X '!*.json' -- "$cur"
                                 compgen -d -- "$cur")
      else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      fi ;;
    kill|enter)
      mapfile -t COMPREPLY < <(compgen -W "$(_fauxpak_words instances)" -- "$cur") ;;
    install)
      mapfile -t COMPREPLY < <(compgen -f -X '!*.json' -- "$cur"; compgen -d -- "$cur") ;;
    uninstall)
      mapfile -t COMPREPLY < <(compgen -W "$(_fauxpak_words apps)" -- "$cur") ;;
    portal-front)
      mapfile -t COMPREPLY < <(compgen -W "enable disable status" -- "$cur") ;;
    override|permissions|documents)
      mapfile -t COMPREPLY < <(compgen -W "$( { _fauxpak_words apps; _fauxpak_words instances | grep '\.'; } | sort -u)" -- "$cur") ;;
    document-export|document-unexport)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
  esac
  return 0
}
complete -F _fauxpak fauxpak
