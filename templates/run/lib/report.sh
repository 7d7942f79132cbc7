# templates/run/lib/report.sh, run.sh's library: the PASS|FAIL|SKIP lines of preflight, verify and check, and their --json document.
# shellcheck shell=bash
# shellcheck disable=SC2154 # NODE, DRY_RUN and the other settings come from run.sh, which includes this file.
REPORT=()
report() {
  REPORT+=("$1" "$2" "$3")
  if [[ $JSON -eq 0 ]]; then
    printf '%s %s: %s\n' "$1" "$2" "$3"
  fi
}
pass() { report PASS "$@"; }
fail() { report FAIL "$@"; }
skip() { report SKIP "$@"; }
# Prints the JSON document (--json) and returns 1 when any check FAILed.
finish_report() {
  local i failed=0
  for ((i = 0; i < ${#REPORT[@]}; i += 3)); do
    [[ "${REPORT[i]}" == FAIL ]] && failed=$((failed + 1))
  done
  if [[ $JSON -eq 1 ]]; then
    python3 -c "$REPORT_JSON" "$NODE" "$COMMAND" "${REPORT[@]}"
  fi
  [[ $failed -eq 0 ]]
}
