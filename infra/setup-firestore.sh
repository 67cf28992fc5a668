#!/usr/bin/env bash
# The Google side of the deployment, with gcloud: the composite indexes of infra/firestore.indexes.json (the sweep's
# query needs one), with retention on the TTL policies on expireAt of every collection group the app writes, and,
# when asked, the service account the app uses with a key stored in Key Vault. Used by
# deploy.sh and by azd's postprovision hook. Creates what is missing and leaves alone what is there, so running it
# again changes nothing (a key is made only when the vault holds none).
#
#   FIRESTORE_PROJECT_ID=<project> [RETENTION_DAYS=<days>] infra/setup-firestore.sh
#   FIRESTORE_PROJECT_ID=<project> KEY_VAULT_NAME=<vault> infra/setup-firestore.sh --service-account
#
# Run with --help for every input.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: infra/setup-firestore.sh [--service-account] [--help]

Creates the Firestore composite indexes of infra/firestore.indexes.json (asynchronously: Firestore builds them in a
few minutes; until then the idle-session sweep logs which index it waits for).
With RETENTION_DAYS above 0: a TTL policy on the field expireAt (which the app writes with Sessions:RetentionDays) of
each collection group the app writes: conversation-sessions, elevenlabs-conversation-usage, calls, transcript and
elevenlabs-unmatched-calls. Firestore then deletes a document within about a day after its expireAt.
With --service-account also: the service account with roles/datastore.user and, when the vault holds no
firestore-service-account secret, a new JSON key for it, written straight into Key Vault (never kept on disk).

Required (environment):
  FIRESTORE_PROJECT_ID         the Google Cloud project holding the sessions
  KEY_VAULT_NAME               with --service-account: the vault the app reads (azd: AZURE_KEY_VAULT_NAME)
Optional:
  RETENTION_DAYS               the app's Sessions:RetentionDays (default: 0, no TTL policies set; existing ones are
                               reported, not removed)
  FIRESTORE_SERVICE_ACCOUNT    the service account's name (default: elevenlabs-sessions)

Needs: gcloud (an account that may create indexes, service accounts and IAM bindings in the project), jq; az with
--service-account.
EOF
}

with_account=false
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --service-account) with_account=true ;;
    *) echo "setup-firestore.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "$*" >&2; }
fail() { say "setup-firestore.sh: $*"; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=${FIRESTORE_PROJECT_ID:-}
vault=${KEY_VAULT_NAME:-${AZURE_KEY_VAULT_NAME:-}}
account_name=${FIRESTORE_SERVICE_ACCOUNT:-elevenlabs-sessions}
retention_days=${RETENTION_DAYS:-0}
[ -n "$project" ] || fail "set FIRESTORE_PROJECT_ID, the Google Cloud project holding the sessions."
[[ "$project" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || fail "FIRESTORE_PROJECT_ID '$project' is not a Google Cloud project id."
[[ "$account_name" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || fail "FIRESTORE_SERVICE_ACCOUNT '$account_name' is not a service account name (6-30 lowercase letters, digits, hyphens)."
if ! [[ "$retention_days" =~ ^[0-9]{1,4}$ ]] || [ $((10#$retention_days)) -gt 3650 ]; then
  fail "RETENTION_DAYS '$retention_days' must be a whole number of days from 0 (no limit) to 3650."
fi
retention_days=$((10#$retention_days))
if [ "$with_account" = true ]; then
  [ -n "$vault" ] || fail "--service-account needs KEY_VAULT_NAME, where the key goes."
  command -v az >/dev/null 2>&1 || fail "--service-account needs 'az' on PATH (the key goes into Key Vault)."
fi
for tool in gcloud jq; do
  command -v "$tool" >/dev/null 2>&1 || fail "needs '$tool' on PATH."
done

# Composite indexes: each one in the file that the project lacks (Firestore adds __name__ itself: not compared).
existing=$(gcloud firestore indexes composite list --project "$project" --format=json)
wanted=$(jq -c '.indexes[]' "$here/firestore.indexes.json")
while IFS= read -r index; do
  group=$(jq -r .collectionGroup <<<"$index")
  scope=$(jq -r .queryScope <<<"$index")
  fields=$(jq -c '[.fields[] | {fieldPath, order}]' <<<"$index")
  description="$group ($(jq -r '[.fields[] | .fieldPath + " " + (.order | ascii_downcase)] | join(", ")' <<<"$index"))"
  if jq -e --arg group "$group" --arg scope "$scope" --argjson fields "$fields" '
      any(.[]; (.name | split("/collectionGroups/")[1] | split("/")[0]) == $group and .queryScope == $scope
        and ([.fields[] | select(.fieldPath != "__name__") | {fieldPath, order}] == $fields))' <<<"$existing" >/dev/null; then
    say "Firestore composite index $description: exists"
  else
    configs=()
    while IFS= read -r config; do
      configs+=(--field-config "$config")
    done < <(jq -r '.fields[] | "field-path=" + .fieldPath + ",order=" + (.order | ascii_downcase)' <<<"$index")
    gcloud firestore indexes composite create --project "$project" --collection-group "$group" --query-scope "$scope" \
      "${configs[@]}" --async --quiet
    say "Firestore composite index $description: created (building; 'gcloud firestore indexes composite list --project $project' shows when it is READY)"
  fi
done <<<"$wanted"

# Retention: a TTL policy on expireAt for each collection group the app writes (Firestore:Collection,
# Firestore:UsageCollection and the subcollections of ElevenLabs.Functions/Firestore/CallDocument.cs; a collection
# group covers every collection of that name, subcollections included). Enabling is a long-running operation that
# Firestore finishes on its own (CREATING, then ACTIVE): a policy in either state is left alone.
ttl_groups=(conversation-sessions elevenlabs-conversation-usage calls transcript elevenlabs-unmatched-calls)
ttls=$(gcloud firestore fields ttls list --project "$project" --format=json)
for group in "${ttl_groups[@]}"; do
  state=$(jq -r --arg group "$group" \
    'first(.[] | select((.name | split("/collectionGroups/")[1]) == ($group + "/fields/expireAt")) | .ttlConfig.state // "") // ""' <<<"$ttls")
  if [ "$retention_days" -gt 0 ]; then
    case "$state" in
      ACTIVE | CREATING) say "Firestore TTL policy on $group.expireAt: exists ($state)" ;;
      *)
        gcloud firestore fields ttls update expireAt --collection-group="$group" --enable-ttl --project "$project" --async --quiet
        say "Firestore TTL policy on $group.expireAt: enabled${state:+ again (was $state)} (Firestore applies it in the background)"
        ;;
    esac
  elif [ -n "$state" ]; then
    say "Firestore TTL policy on $group.expireAt: still $state with retention off: documents written while it was on still" \
      "expire. To keep them: gcloud firestore fields ttls update expireAt --collection-group=$group --disable-ttl --project $project"
  fi
done

[ "$with_account" = true ] || exit 0

# The service account the app acts as, allowed to use Firestore.
account="$account_name@$project.iam.gserviceaccount.com"
if gcloud iam service-accounts describe "$account" --project "$project" >/dev/null 2>&1; then
  say "Service account $account: exists"
else
  gcloud iam service-accounts create "$account_name" --project "$project" --display-name "ElevenLabs conversation sessions" --quiet
  say "Service account $account: created"
fi
if [ -n "$(gcloud projects get-iam-policy "$project" --flatten="bindings[].members" \
  --filter="bindings.role=\"roles/datastore.user\" AND bindings.members=\"serviceAccount:$account\"" --format="value(bindings.role)")" ]; then
  say "roles/datastore.user for $account: granted"
else
  gcloud projects add-iam-policy-binding "$project" --member "serviceAccount:$account" --role roles/datastore.user \
    --condition None --quiet --format none
  say "roles/datastore.user for $account: granted now"
fi

# Its key, only when the vault holds none: straight from gcloud into Key Vault through a private scratch file.
if az keyvault secret show --vault-name "$vault" --name firestore-service-account --query id --output tsv >/dev/null 2>&1; then
  say "Key Vault secret firestore-service-account: kept (no new key made)"
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
chmod 700 "$scratch"
gcloud iam service-accounts keys create "$scratch/key.json" --iam-account "$account" --project "$project" --quiet
for attempt in 1 2 3 4 5 6; do
  if az keyvault secret set --vault-name "$vault" --name firestore-service-account --file "$scratch/key.json" --encoding utf-8 --output none 2>/dev/null; then
    say "Key Vault secret firestore-service-account: set (a new key of $account)"
    exit 0
  fi
  say "Key Vault secret firestore-service-account: not writable yet (role assignment propagating), retry $attempt of 6 in 20 s"
  sleep 20
done
fail "Key Vault secret firestore-service-account could not be set: does your identity have Key Vault Secrets Officer on $vault? (Delete the unused key: gcloud iam service-accounts keys list --iam-account $account)"
