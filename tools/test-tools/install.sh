#!/usr/bin/env bash
# Installs the Debian packages the tests need (tools/test-tools/packages) when they are missing.
#   tools/test-tools/install.sh            check only: exit 1 and name the install command when one is missing
#   tools/test-tools/install.sh --install  install what is missing with apt-get (as root, or through sudo -n)
#   --list FILE                            read another list (the tests use it)
# Run by .ci/run and by jest's global setup (`npm test`, bin/test-setup.js), so a fresh Debian
# machine needs nothing installed by hand. The packages' own services are kept from starting
# (Debian's prometheus would start one): while apt-get runs, a policy-rc.d refuses every service
# start (invoke-rc.d and deb-systemd-invoke ask it), and is removed afterwards.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
list="$here/packages"
install=""
while [ $# -gt 0 ]; do
  case "$1" in
    --install) install=1 ;;
    --list) list="$2"; shift ;;
    *) echo "test-tools: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

present() {
  local probe items
  IFS=, read -ra items <<< "$1"
  for probe in "${items[@]}"; do
    if [[ "$probe" == /* ]]; then [ -e "$probe" ] || return 1
    else command -v "$probe" >/dev/null 2>&1 || return 1
    fi
  done
}

missing() {
  local package probes why
  while read -r package probes why; do
    case "$package" in ''|'#'*) continue ;; esac
    present "$probes" || printf '%s\t%s\t%s\n' "$package" "$probes" "$why"
  done < "$list"
}

all="$(missing)"
# Tools that are no Debian package: named, never installed.
while IFS=$'\t' read -r package probes why; do
  if [ "$package" = "-" ]; then echo "test-tools: $probes is not installed (no Debian package of it will do): $why" >&2; fi
done <<< "$all"
wanted="$(grep -v '^-'$'\t' <<< "$all")"
[ -z "$wanted" ] && exit 0
packages="$(cut -f1 <<< "$wanted" | sort -u | tr '\n' ' ')"
packages="${packages% }"

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo -n"; fi
can_install=""
if [ -n "$install" ] && command -v apt-get >/dev/null 2>&1; then
  if [ -z "$sudo" ] || sudo -n true >/dev/null 2>&1; then can_install=1; fi
fi

if [ -z "$can_install" ]; then
  {
    echo "test-tools: missing Debian packages the tests need:"
    while IFS=$'\t' read -r package probes why; do echo "  $package ($probes): $why"; done <<< "$wanted"
    echo "install them with: sudo apt-get install -y $packages"
    echo "(npm test installs them itself when it runs as root on Debian or Ubuntu)"
  } >&2
  exit 1
fi

echo "test-tools: installing $packages (once: apt-get update, then the packages)" >&2
start=$SECONDS
policy_added=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null && $sudo chmod 755 /usr/sbin/policy-rc.d && policy_added=1
fi
# shellcheck disable=SC2086 # $sudo and $packages are word lists on purpose
$sudo apt-get update -qq >/dev/null \
  && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
status=$?
if [ -n "$policy_added" ]; then $sudo rm -f /usr/sbin/policy-rc.d; fi
still="$(missing | grep -v '^-'$'\t')"
if [ "$status" -ne 0 ] || [ -n "$still" ]; then
  echo "test-tools: could not install $packages (apt-get exit $status); still missing: $(cut -f1 <<< "$still" | sort -u | tr '\n' ' ')" >&2
  exit 1
fi
echo "test-tools: installed $packages in $((SECONDS - start)) s" >&2
