# templates/run/lib/controller.sh, run.sh's library: the controller's DRBD database resource, drbd-reactor's promoter, and the HA mark.
# shellcheck shell=bash
# shellcheck disable=SC2154 # NODE, DRY_RUN and the other settings come from run.sh, which includes this file.
# `drbdadm status RES`: the first line is this node ("RES role:Secondary"), then this node's disk
# ("  disk:UpToDate"), then one indented block per peer ("  NAME role:Primary", "    peer-disk:...").
db_present() {
  drbdadm status "$DB_RESOURCE" >/dev/null 2>&1
}
db_status() {
  drbdadm status "$DB_RESOURCE" 2>/dev/null
}
# What keeps the `drbdadm status` text $1 from being in sync, as "NODE state; ..." (empty: in sync):
# a disk or peer disk neither UpToDate nor Diskless, a peer not Connected (only then is
# "connection:" shown).
db_sync_problems() {
  awk -v node="$NODE" 'NR == 1 { peer = node } /^  [^ ]+ (role|connection):/ { peer = $1 }
    /connection:/ { for (i = 1; i <= NF; i++) if ($i ~ /^connection:/) printf "%s %s; ", peer, $i }
    { for (i = 1; i <= NF; i++) if ($i ~ /^(peer-)?disk:/ && $i !~ /:(UpToDate|Diskless)$/) printf "%s %s; ", peer, $i }' <<<"$1"
}
# Every replica of the database UpToDate and all DB_PEERS peers connected: only then may a migration
# copy onto it (a peer that is still syncing or away would miss the copy).
db_in_sync_everywhere() {
  local status
  status=$(db_status) || return 1
  [[ -z "$(db_sync_problems "$status")" ]] || return 1
  [[ $(grep -cE '^  [^ ]+ (role|connection):' <<<"$status") -eq $DB_PEERS ]]
}
# After a reboot the resource is down although LINSTOR's .res file still defines it: brought up.
db_up_if_defined() {
  if ! db_present && drbdadm dump "$DB_RESOURCE" >/dev/null 2>&1; then
    note "DRBD resource ${DB_RESOURCE} is defined here but down (a reboot?): bringing it up with drbdadm adjust"
    run drbdadm adjust "$DB_RESOURCE"
  fi
}
# Some node (this one or a peer) holds the database resource Primary: the controller runs on DRBD.
db_primary_somewhere() {
  local status
  status=$(db_status) && grep -Eq '(^|[[:space:]])role:Primary' <<<"$status"
}
controller_on_drbd() {
  db_primary_somewhere && controller_answers
}
# drbd-reactor's promoter runs the controller here: its target active, the database Primary here and
# the controller answering on port 3370.
promoter_active_here() {
  systemctl is-active --quiet drbd-reactor.service && systemctl is-active --quiet "$DB_SERVICES_TARGET" &&
    [[ "$(drbdadm role "$DB_RESOURCE" 2>/dev/null)" == Primary* ]] && tcp_open "$NODE_STORAGE_IP" 3370
}
# The cluster-wide mark that the controller is highly available: set by the first node once its
# promoter runs the controller from DRBD (the property LINBIT's Ansible role uses).
controller_is_ha() {
  ANY_CONTROLLER=1 linstor_says kv "$HA_PROPERTY" true -- controller list-properties
}
# A standby's drbd-reactor may start: the controller is HA and lists every node Online.
cluster_ready_for_standby() {
  controller_is_ha && linstor_says online -- node list
}
