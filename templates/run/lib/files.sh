# templates/run/lib/files.sh, run.sh's library: commands that change the node (shown instead with --dry-run), files installed from the bundle.
# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # NODE, DRY_RUN and the other settings come from run.sh, which includes this file; FILE_CHANGED is read by its steps.
# Runs a command that changes the node; with --dry-run, prints it instead.
run() {
  if [[ $DRY_RUN -eq 1 ]]; then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# Installs files/<path> of the bundle at /<path> with MODE, when its content or mode differ.
# Sets FILE_CHANGED=1 when it wrote the file.
FILE_CHANGED=0
install_file() {
  local rel=$1 mode=$2 src dst
  src="${BUNDLE_DIR}/files/${rel}"
  dst=$(target "/${rel}")
  FILE_CHANGED=0
  if [[ -f "$dst" && ! -L "$dst" ]] && cmp -s "$src" "$dst" && [[ "$(stat -c %a "$dst")" == "${mode#0}" ]]; then
    note "unchanged /${rel}"
    return 0
  fi
  run install -D -m "$mode" "$src" "$dst"
  FILE_CHANGED=1
}

# Appends a bundle fragment to a file, with a blank line before it.
append_fragment() {
  local src="${BUNDLE_DIR}/$1" dst=$2
  if [[ $DRY_RUN -eq 1 ]]; then
    printf '+ append %q >> %q\n' "$src" "$dst"
  else
    # An empty line before the entry (the storage.cfg parser needs one), also after a last line
    # that has no newline of its own.
    local separator=$'\n'
    [[ -s "$dst" && -n "$(tail -c 1 "$dst")" ]] && separator=$'\n\n'
    { printf '%s' "$separator"; cat "$src"; } >>"$dst"
  fi
}
