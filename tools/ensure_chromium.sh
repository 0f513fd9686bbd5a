#!/usr/bin/env bash
# Print the path of a Chromium that runs, for the browser tests.
#
# Looks in this order: $CHROMIUM_PATH, a system chromium on PATH, a browser
# downloaded by `playwright install chromium`, then installs Debian's package
# with apt-get when we may. Only the path goes to stdout; messages go to stderr.
set -euo pipefail

log() { printf 'ensure_chromium: %s\n' "$*" >&2; }

die() {
  log "$@"
  exit 1
}

# Prints the path and exits if the binary starts; otherwise returns 1 so the
# caller can try the next candidate. `--version` needs no display or sandbox.
use_if_runs() {
  local path=$1 version
  if version=$("$path" --version 2>/dev/null) && [[ -n $version ]]; then
    log "using $path ($version)"
    printf '%s\n' "$path"
    exit 0
  fi
  log "skipping $path: \`$path --version\` failed"
  return 1
}

as_root() {
  if ((EUID == 0)); then
    "$@"
  else
    sudo -n "$@"
  fi
}

if [[ -n ${CHROMIUM_PATH:-} ]]; then
  [[ -f $CHROMIUM_PATH && -x $CHROMIUM_PATH ]] ||
    die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file; fix it or unset it."
  use_if_runs "$CHROMIUM_PATH" || die "CHROMIUM_PATH=$CHROMIUM_PATH does not run."
fi

for name in chromium chromium-browser; do
  if path=$(command -v "$name"); then
    use_if_runs "$path" || true
  fi
done

playwright_dir=${PLAYWRIGHT_BROWSERS_PATH:-${HOME:-}/.cache/ms-playwright}
shopt -s nullglob
downloaded=("$playwright_dir"/chromium-*/chrome-linux*/chrome)
shopt -u nullglob
if ((${#downloaded[@]})); then
  # Newest revision first: the directories are named chromium-<revision>.
  while IFS= read -r path; do
    use_if_runs "$path" || true
  done < <(printf '%s\n' "${downloaded[@]}" | sort -r -V)
fi

if command -v apt-get >/dev/null && { ((EUID == 0)) || sudo -n true 2>/dev/null; }; then
  log "no Chromium found; installing Debian's chromium package with apt-get"
  if as_root apt-get update -qq >&2 &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2; then
    use_if_runs /usr/bin/chromium || true
  else
    log "apt-get install chromium failed"
  fi
fi

die "no usable Chromium. Either set CHROMIUM_PATH to a Chromium or Chrome" \
  "executable, or run \`apt-get install chromium\` as root (Debian), or run" \
  "\`.venv/bin/playwright install chromium\` where downloads are allowed."
