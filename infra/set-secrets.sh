#!/usr/bin/env bash
# Puts the ElevenLabs key and the Google service-account JSON into Key Vault (and a webhook secret, if given),
# without echoing them.
# Used by deploy.sh and by azd's postprovision hook. A secret whose value is unchanged is left alone,
# so running it twice creates no new versions.
#
#   KEY_VAULT_NAME=<vault> infra/set-secrets.sh
#
# Values: ELEVENLABS_API_KEY or ELEVENLABS_API_KEY_FILE; FIRESTORE_CREDENTIALS_FILE (else
# GOOGLE_APPLICATION_CREDENTIALS); absent ones are prompted for (on a terminal) when the vault does not hold them yet.
# ELEVENLABS_WEBHOOK_SECRET or ELEVENLABS_WEBHOOK_SECRET_FILE only for a webhook made by hand: infra/setup-webhook.sh
# makes the webhook and stores its secret.
# With FIRESTORE_AUTH=WorkloadIdentity the app holds no Google key: none is asked for or set.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=infra/secret-input.sh
. "$here/secret-input.sh"

vault=${KEY_VAULT_NAME:-${AZURE_KEY_VAULT_NAME:-}}
problems=()
[ -n "$vault" ] || problems+=("set KEY_VAULT_NAME")
for secret in ELEVENLABS_API_KEY ELEVENLABS_WEBHOOK_SECRET; do
  problem=$(secret_input_problem "$secret")
  [ -z "$problem" ] || problems+=("$problem")
done
if [ "${#problems[@]}" -gt 0 ]; then
  printf 'set-secrets.sh: %s\n' "${problems[@]}" >&2
  exit 1
fi

secret_exists() {
  az keyvault secret show --vault-name "$vault" --name "$1" --query id --output tsv >/dev/null 2>&1
}

# set_secret NAME FILE: a new version only when the value differs; retried while RBAC propagates.
set_secret() {
  local name=$1 file=$2 current attempt
  current=$(az keyvault secret show --vault-name "$vault" --name "$name" --query value --output tsv 2>/dev/null || true)
  if [ -n "$current" ] && [ "$current" = "$(cat "$file")" ]; then
    echo "Key Vault secret $name: unchanged"
    return 0
  fi
  for attempt in 1 2 3 4 5 6; do
    if az keyvault secret set --vault-name "$vault" --name "$name" --file "$file" --encoding utf-8 --output none 2>/dev/null; then
      echo "Key Vault secret $name: set"
      return 0
    fi
    echo "Key Vault secret $name: not writable yet (role assignment propagating), retry $attempt of 6 in 20 s"
    sleep 20
  done
  echo "Key Vault secret $name could not be set: does your identity have Key Vault Secrets Officer on $vault?" >&2
  return 1
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
chmod 700 "$scratch"

# The ElevenLabs key.
key_file="$scratch/elevenlabs"
if ! read_secret_input ELEVENLABS_API_KEY "$key_file"; then
  if secret_exists elevenlabs-api-key; then
    key_file=""
  elif [ -t 0 ]; then
    read -rsp "ElevenLabs API key (not echoed): " typed
    echo
    printf '%s' "$typed" >"$key_file"
    unset typed
  else
    echo "No ElevenLabs key given and none in $vault: set ELEVENLABS_API_KEY or ELEVENLABS_API_KEY_FILE" >&2
    exit 1
  fi
fi
if [ -n "$key_file" ]; then
  set_secret elevenlabs-api-key "$key_file"
else
  echo "Key Vault secret elevenlabs-api-key: kept"
fi

# The ElevenLabs webhook secret: infra/setup-webhook.sh creates the webhook and stores its secret (deploy.sh's
# step 7, azd's postdeploy hook). Given here only for a webhook made by hand in ElevenLabs.
webhook_file="$scratch/webhook"
read_secret_input ELEVENLABS_WEBHOOK_SECRET "$webhook_file" || webhook_file=""
if [ -n "$webhook_file" ]; then
  set_secret elevenlabs-webhook-secret "$webhook_file"
elif secret_exists elevenlabs-webhook-secret; then
  echo "Key Vault secret elevenlabs-webhook-secret: kept"
else
  echo "Key Vault secret elevenlabs-webhook-secret: not yet; infra/setup-webhook.sh sets it with the webhook, once the app's URL exists"
fi

# The Google service-account key for Firestore, unless the app reaches Firestore without one.
if [ "${FIRESTORE_AUTH:-}" = WorkloadIdentity ]; then
  if secret_exists firestore-service-account; then
    echo "Key Vault secret firestore-service-account: not used (Firestore:Auth=WorkloadIdentity); delete it once the app works without it"
  else
    echo "Key Vault secret firestore-service-account: not needed (Firestore:Auth=WorkloadIdentity)"
  fi
  exit 0
fi
credentials=${FIRESTORE_CREDENTIALS_FILE:-${GOOGLE_APPLICATION_CREDENTIALS:-}}
if [ -z "$credentials" ] && ! secret_exists firestore-service-account && [ -t 0 ]; then
  read -rp "Path of the Google service-account JSON for Firestore (empty to skip): " credentials
fi
if [ -n "$credentials" ]; then
  set_secret firestore-service-account "$credentials"
elif secret_exists firestore-service-account; then
  echo "Key Vault secret firestore-service-account: kept"
else
  echo "Warning: no Firestore service-account key in $vault: session writes will fail until one is set." >&2
fi
