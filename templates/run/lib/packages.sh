# templates/run/lib/packages.sh, run.sh's library: Proxmox cluster quorum, and packages from the mirror or from the bundle's debs/.
# shellcheck shell=bash
# shellcheck disable=SC2154 # NODE, DRY_RUN and the other settings come from run.sh, which includes this file.
# The Proxmox cluster file system has quorum, so /etc/pve is writable and in sync.
pmxcfs_quorate() {
  local status
  status=$(pvecm status 2>/dev/null) && grep -Eq '^Quorate:[[:space:]]+Yes' <<<"$status"
}

# Packages among the arguments that dpkg does not list as installed.
missing_packages() {
  local p
  for p in "$@"; do
    # shellcheck disable=SC2016 # ${Status} is dpkg-query's field, not a shell variable.
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || printf '%s\n' "$p"
  done
}

# Installs the packages that are missing (none: does nothing).
install_packages() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  if [[ ${#missing[@]} -eq 0 ]]; then
    note "installed already: $*"
    return 0
  fi
  if [[ $APT_MIRROR -eq 0 ]]; then
    if [[ $DRY_RUN -eq 1 ]]; then
      note "would come from the bundle's debs/: ${missing[*]}"
      return 0
    fi
    die "not installed and not in the bundle's debs/: ${missing[*]} (no repository is configured: add their .deb files to apt.debs)"
  fi
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# Installs every .deb of the bundle when one of the packages is missing; --no-download without a mirror.
install_bundle_debs() {
  [[ $BUNDLE_DEBS -eq 1 ]] || return 0
  if [[ -z "$(missing_packages "$@")" ]]; then
    return 0
  fi
  local debs=("${BUNDLE_DIR}"/debs/*.deb) offline=()
  [[ $APT_MIRROR -eq 1 ]] || offline=(--no-download)
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y "${offline[@]}" "${debs[@]}"
}

# require_package_version PACKAGE MAJOR.MINOR: the installed PACKAGE is the version the config
# targets (MANIFEST.json "targets"); another one stops the run before anything is built on it.
require_package_version() {
  local package=$1 want=$2 have
  # shellcheck disable=SC2016 # ${Version} is dpkg-query's field, not a shell variable.
  have=$(dpkg-query -W -f='${Version}' "$package" 2>/dev/null) || have=""
  have=${have#*:}
  if [[ -z "$have" && $DRY_RUN -eq 1 ]]; then
    note "would check that ${package} is ${want}.x once installed"
  elif [[ -z "$have" ]]; then
    die "${package} is not installed, but the config targets ${want}"
  elif [[ "$have" == "$want" || "$have" == "$want".* || "$have" == "$want"-* || "$have" == "$want"~* ]]; then
    note "${package} ${have}, as the config targets (${want})"
  else
    refuse "${package} ${have} is installed, but the config targets ${want} (MANIFEST.json targets): install ${package} ${want}.x from your repository, or change versions in the config and render again"
  fi
}
