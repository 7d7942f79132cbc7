# templates/run/lib/wait.sh, run.sh's library: what a node can see of another (ports, API certificates), and waiting for another node's step.
# shellcheck shell=bash
# shellcheck disable=SC2154 # NODE, DRY_RUN and the other settings come from run.sh, which includes this file.
# True when a TCP connection to HOST PORT opens within 3 seconds.
tcp_open() {
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner bash, not here.
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# same_api_issuer HOST FIRST: the certificates of both Proxmox APIs (port 8006) have one issuer, the
# cluster's CA: pvecm add gives a joined node a certificate from it (pve-cluster finish_join).
api_issuer() {
  timeout 5 openssl s_client -connect "$1:8006" </dev/null 2>/dev/null | openssl x509 -noout -issuer 2>/dev/null
}
same_api_issuer() {
  local host first
  host=$(api_issuer "$1") && first=$(api_issuer "$2") && [[ -n "$host" && "$host" == "$first" ]]
}

# wait_for WHAT NODE STEP COMMAND...: waits until COMMAND succeeds (checked every ${WAIT_INTERVAL}s,
# for at most --wait-timeout seconds), or fails naming the node and the step to run there.
readonly WAIT_INTERVAL=5
wait_for() {
  local what=$1 other_node=$2 other_step=$3 waited=0
  shift 3
  if [[ $DRY_RUN -eq 1 ]]; then
    note "would wait for ${what} (step ${other_step} on ${other_node})"
    # A waited-for command that changes something (run ..., or an ensure_ function) is shown like any other.
    if [[ "$1" == run || "$1" == ensure_* ]]; then "$@"; fi
    return 0
  fi
  until "$@"; do
    if [[ $waited -ge $WAIT_TIMEOUT ]]; then
      die "waited ${WAIT_TIMEOUT}s for ${what}: run step ${other_step} on ${other_node} first (./run.sh there), then rerun this"
    fi
    [[ $waited -eq 0 ]] && note "waiting for ${what} (step ${other_step} on ${other_node})"
    sleep "$WAIT_INTERVAL"
    waited=$((waited + WAIT_INTERVAL))
  done
}
