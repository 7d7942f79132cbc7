# templates/run/lib/output.sh, run.sh's library: messages, and what a dry run does instead of stopping.
# shellcheck shell=bash
# shellcheck disable=SC2154 # NODE, DRY_RUN and the other settings come from run.sh, which includes this file.
die() {
  printf 'run.sh: %s\n' "$*" >&2
  exit 1
}

note() {
  printf '    %s\n' "$*"
}

# What the node's state does not allow: a real run stops; a dry run, which changes nothing, says
# so and goes on, so that it shows every step.
refuse() {
  if [[ $DRY_RUN -eq 1 ]]; then
    note "a real run stops here: $*"
    return 0
  fi
  die "$@"
}
