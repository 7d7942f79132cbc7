# templates/run/lib/storage-pool.sh, run.sh's library (first node): a LINSTOR storage pool created, or created again when it reports an error.
# shellcheck shell=bash
# shellcheck disable=SC2154 # NODE, DRY_RUN and the other settings come from run.sh, which includes this file.
# ensure_storage_pool NODE POOL KIND ZPOOL: NODE's LINSTOR storage pool exists without an error. LINSTOR
# commits a new pool before the satellite checks its ZFS pool (CtrlStorPoolCrtApiCallHandler), so a
# pool created too early stays in error and every create after it says "already exists": such a pool
# is deleted and created again. Fails (for wait_for to retry) while the pool reports an error.
ensure_storage_pool() {
  local node=$1 pool=$2 kind=$3 zpool=$4
  local list=(storage-pool list --nodes "$node" --storage-pools "$pool")
  if [[ $DRY_RUN -eq 1 ]]; then
    linstor_ask exists -- "${list[@]}" || run linstor_cli storage-pool create "$kind" "$node" "$pool" "$zpool"
    return 0
  fi
  if linstor_says failing -- "${list[@]}"; then
    note "storage pool ${pool} on ${node} reports an error (ZFS pool ${zpool} missing there?): deleting it to create it again"
    run linstor_cli storage-pool delete "$node" "$pool" || return 1
  elif linstor_says exists -- "${list[@]}"; then
    return 0
  fi
  run linstor_cli storage-pool create "$kind" "$node" "$pool" "$zpool" || return 1
  ! linstor_says failing -- "${list[@]}"
}
