# templates/run/lib/linstor.sh, run.sh's library: questions to the LINSTOR controller through its machine-readable output.
# shellcheck shell=bash
# shellcheck disable=SC2154 # NODE, DRY_RUN and the other settings come from run.sh, which includes this file.
# linstor_ask QUERY [ARG...] -- LIST-COMMAND...: asks the controller through the client's
# machine-readable output. 0 yes, 1 no; dies when the controller cannot answer (a dry run
# assumes "no" instead, since the controller may not exist yet).
linstor_ask() {
  local query=() json status=0
  while [[ "$1" != -- ]]; do
    query+=("$1")
    shift
  done
  shift
  json=$(linstor_cli -m --output-version v1 "$@" 2>/dev/null) || status=$?
  if [[ $status -ne 0 ]]; then
    if [[ $DRY_RUN -eq 1 ]]; then
      note "the LINSTOR controller does not answer yet: assuming no for: linstor $*"
      return 1
    fi
    die "linstor $* failed (exit ${status}); run it by hand to see why, then rerun this"
  fi
  status=0
  python3 -c "$LINSTOR_QUERY" "${query[@]}" <<<"$json" || status=$?
  case $status in
    0 | 1) return "$status" ;;
    *) die "unexpected answer from linstor $*: ${json:0:200}" ;;
  esac
}

# The same question, for waits: a controller that does not answer yet counts as "no".
linstor_says() {
  local query=() json
  while [[ "$1" != -- ]]; do
    query+=("$1")
    shift
  done
  shift
  json=$(linstor_cli -m --output-version v1 "$@" 2>/dev/null) || return 1
  python3 -c "$LINSTOR_QUERY" "${query[@]}" <<<"$json"
}

# The controller answers at one of CONTROLLERS (the LINSTOR client tries them in order).
controller_answers() {
  linstor_cli controller version >/dev/null 2>&1
}

node_online() {
  linstor_says online -- node list --nodes "$1"
}
