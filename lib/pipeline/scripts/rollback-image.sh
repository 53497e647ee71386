#!/bin/sh
# Rolls an app back in one environment through Git: finds the image it ran before (previous-image.sh)
# and deploys it through the rendered path (update-image.sh), so Argo CD applies, and self-heal
# keeps, the good version. The abort workflow runs the same two steps after aborting the Rollout.
#
# Usage: rollback-image.sh <app> <environment>
# Environment: as for update-image.sh (GITOPS_REPO required). Exit status: as update-image.sh's.
set -eu

[ "$#" -eq 2 ] || { echo "rollback-image: error: usage: rollback-image.sh <app> <environment>" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
previous="$(sh "$here/previous-image.sh" "$1" "$2")"
exec sh "$here/update-image.sh" "$1" "$2" "$previous"
