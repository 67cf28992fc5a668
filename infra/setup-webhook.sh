#!/usr/bin/env bash
# The ElevenLabs side of the deployment: a workspace webhook (HMAC) that POSTs to the app's /elevenlabs-webhook with
# retries on, named by the Agents platform's settings as the receiver of post-call events, its signing secret in Key
# Vault as the app reads it. Used by deploy.sh and by azd's postdeploy hook, after the app's URL exists.
# Running it again changes nothing: the webhook is found by its URL, the secret in Key Vault is kept, no second
# webhook is made. Only when the vault holds no secret for it (it cannot be read back from ElevenLabs), or when asked
# (--rotate), a new webhook with a new secret replaces it: made first, its secret stored, the settings pointed at it,
# then the old one deleted, so no event goes unsigned or unreceived.
#
#   WEBHOOK_URL=https://<app>.azurewebsites.net/elevenlabs-webhook KEY_VAULT_NAME=<vault> infra/setup-webhook.sh
#
# Run with --help for every input.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: infra/setup-webhook.sh [--rotate] [--help]

Creates or updates the ElevenLabs workspace webhook for the app and stores its signing secret in Key Vault.

Required (environment):
  WEBHOOK_URL                  the app's webhook, https://<host>/elevenlabs-webhook (azd: AZURE_WEBHOOK_URL)
  KEY_VAULT_NAME               the vault the app reads (azd: AZURE_KEY_VAULT_NAME)
  ELEVENLABS_API_KEY or ELEVENLABS_API_KEY_FILE
                               an ElevenLabs key of a workspace admin; else the vault's elevenlabs-api-key is used

Optional:
  ELEVENLABS_AGENT_ID          the app's agent: refused if its own settings send post-call events elsewhere
  ELEVENLABS_WEBHOOK_NAME      display name (default: "ElevenLabs conversation function (<host>)")
  ELEVENLABS_WEBHOOK_SECRET_NAME  Key Vault secret name (default: elevenlabs-webhook-secret, the app's
                               KeyVault:ElevenLabsWebhookSecretName)
  ELEVENLABS_WEBHOOK_REPLACE=true  point the workspace's post-call events at this app even though another
                               webhook receives them now (without it, that is refused)
  ELEVENLABS_WEBHOOK_ROTATE=true   same as --rotate: a new webhook and secret replace the current one
  ELEVENLABS_BASE_URL          the API's root (default: https://api.elevenlabs.io)

Needs: curl, jq, az (logged in, with Key Vault Secrets Officer on the vault).
EOF
}

rotate=${ELEVENLABS_WEBHOOK_ROTATE:-false}
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --rotate) rotate=true ;;
    *) echo "setup-webhook.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "$*" >&2; }
fail() { say "setup-webhook.sh: $*"; exit 1; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=infra/secret-input.sh
. "$here/secret-input.sh"

url=${WEBHOOK_URL:-${AZURE_WEBHOOK_URL:-}}
vault=${KEY_VAULT_NAME:-${AZURE_KEY_VAULT_NAME:-}}
base=${ELEVENLABS_BASE_URL:-https://api.elevenlabs.io}
base=${base%/}
secret_name=${ELEVENLABS_WEBHOOK_SECRET_NAME:-elevenlabs-webhook-secret}
replace=${ELEVENLABS_WEBHOOK_REPLACE:-false}
agent_id=${ELEVENLABS_AGENT_ID:-}

# Every input is checked before anything is called.
[ -n "$url" ] || fail "set WEBHOOK_URL to the app's https://<host>/elevenlabs-webhook (deploy.sh and azd pass it)."
[[ "$url" =~ ^https://[A-Za-z0-9.-]+(:[0-9]+)?/elevenlabs-webhook$ ]] ||
  fail "WEBHOOK_URL must be https://<host>/elevenlabs-webhook, the app's route (got '$url')."
host=${url#https://}
host=${host%%/*}
name=${ELEVENLABS_WEBHOOK_NAME:-ElevenLabs conversation function ($host)}
[ -n "$vault" ] || fail "set KEY_VAULT_NAME, the vault the app reads its secrets from."
[[ "$vault" =~ ^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$ ]] || fail "KEY_VAULT_NAME '$vault' is not a Key Vault name."
[[ "$secret_name" =~ ^[A-Za-z0-9-]{1,127}$ ]] || fail "ELEVENLABS_WEBHOOK_SECRET_NAME '$secret_name' is not a Key Vault secret name."
[[ "$base" =~ ^https?://[^[:space:]]+$ ]] || fail "ELEVENLABS_BASE_URL '$base' is not a URL."
[ -z "$agent_id" ] || [[ "$agent_id" =~ ^[A-Za-z0-9_-]{1,128}$ ]] || fail "ELEVENLABS_AGENT_ID '$agent_id' is not an agent id."
key_problem=$(secret_input_problem ELEVENLABS_API_KEY)
[ -z "$key_problem" ] || fail "$key_problem"
for tool in curl jq az; do
  command -v "$tool" >/dev/null 2>&1 || fail "needs '$tool' on PATH."
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
chmod 700 "$scratch"

# The ElevenLabs key, as a curl header file (never on a command line).
if read_secret_input ELEVENLABS_API_KEY "$scratch/key"; then
  key=$(cat "$scratch/key")
  rm -f "$scratch/key"
else
  key=$(az keyvault secret show --vault-name "$vault" --name elevenlabs-api-key --query value --output tsv 2>/dev/null || true)
  [ -n "$key" ] || fail "no ElevenLabs API key: set ELEVENLABS_API_KEY or ELEVENLABS_API_KEY_FILE (none is in $vault either)."
fi
[ -n "$key" ] || fail "the ElevenLabs API key is empty."
printf 'xi-api-key: %s\n' "$key" >"$scratch/headers"
unset key

# api METHOD PATH [JSON]: the answer's body on stdout; any status but 2xx stops the script, naming the call.
# Reads and PATCHes are retried on transient failures; a POST is not (a retried create could make two webhooks).
api() {
  local method=$1 path=$2 body=${3:-} status
  local args=(--silent --show-error --max-time 30 --request "$method" --header "@$scratch/headers"
    --output "$scratch/answer" --write-out '%{http_code}')
  if [ "$method" != POST ]; then
    args+=(--retry 4 --retry-delay 2)
  fi
  if [ -n "$body" ]; then
    printf '%s' "$body" >"$scratch/request"
    args+=(--header 'Content-Type: application/json' --data-binary "@$scratch/request")
  fi
  if ! status=$(curl "${args[@]}" "$base$path"); then
    fail "ElevenLabs did not answer $method $path ($base)."
  fi
  case "$status" in
    2??) cat "$scratch/answer" ;;
    401) fail "ElevenLabs refused the API key (401) on $method $path: check ELEVENLABS_API_KEY." ;;
    403) fail "ElevenLabs refused $method $path (403): workspace webhooks and settings need a workspace admin's key." ;;
    *) fail "ElevenLabs answered $status to $method $path: $(jq -c '.detail // .' "$scratch/answer" 2>/dev/null || head -c 300 "$scratch/answer")" ;;
  esac
}

# set_secret FILE: the webhook secret into Key Vault; retried while a new role assignment propagates.
set_secret() {
  local file=$1 attempt
  for attempt in 1 2 3 4 5 6; do
    if az keyvault secret set --vault-name "$vault" --name "$secret_name" --file "$file" --encoding utf-8 --output none 2>/dev/null; then
      say "Key Vault secret $secret_name: set"
      return 0
    fi
    say "Key Vault secret $secret_name: not writable yet (role assignment propagating), retry $attempt of 6 in 20 s"
    sleep 20
  done
  fail "Key Vault secret $secret_name could not be set: does your identity have Key Vault Secrets Officer on $vault?"
}

settings=$(api GET /v1/convai/settings)
current_post_call=$(jq -r '.webhooks.post_call_webhook_id // empty' <<<"$settings")
webhooks=$(api GET '/v1/workspace/webhooks?include_usages=true')
# The webhook for this URL: the one the settings name if several have it, else the oldest.
existing=$(jq -c --arg url "$url" --arg current "$current_post_call" '
  [.webhooks[] | select(.webhook_url == $url)] | sort_by(if .webhook_id == $current then 0 else 1 end, .created_at_unix) | .[0] // empty' <<<"$webhooks")
duplicates=$(jq --arg url "$url" '[.webhooks[] | select(.webhook_url == $url)] | length' <<<"$webhooks")
if [ "$duplicates" -gt 1 ]; then
  say "Warning: $duplicates ElevenLabs webhooks call $url; using $(jq -r .webhook_id <<<"$existing"). Delete the others in ElevenLabs' settings."
fi

# Another webhook receiving the workspace's post-call events is someone else's integration: not taken over silently.
if [ -n "$current_post_call" ] && { [ -z "$existing" ] || [ "$current_post_call" != "$(jq -r .webhook_id <<<"$existing")" ]; } &&
  [ "$replace" != true ]; then
  other=$(jq -r --arg id "$current_post_call" '.webhooks[] | select(.webhook_id == $id) | .webhook_url' <<<"$webhooks")
  fail "the workspace's post-call events go to webhook $current_post_call (${other:-unknown URL}), not to $url. Set ELEVENLABS_WEBHOOK_REPLACE=true to send them to this app instead (that webhook stops receiving them)."
fi

# The agent's own settings can override the workspace's post-call webhook.
if [ -n "$agent_id" ]; then
  override=$(api GET "/v1/convai/agents/$agent_id" | jq -r '.platform_settings.workspace_overrides.webhooks.post_call_webhook_id // empty')
  if [ -n "$override" ] && { [ -z "$existing" ] || [ "$override" != "$(jq -r .webhook_id <<<"$existing")" ]; }; then
    fail "agent $agent_id sends its post-call events to webhook $override (its own platform settings, workspace overrides): clear that override in ElevenLabs, then run this again."
  fi
fi

have_secret=false
if az keyvault secret show --vault-name "$vault" --name "$secret_name" --query id --output tsv >/dev/null 2>&1; then
  have_secret=true
fi

old_id=""
if [ -n "$existing" ] && [ "$have_secret" = true ] && [ "$rotate" != true ]; then
  webhook_id=$(jq -r .webhook_id <<<"$existing")
  say "ElevenLabs webhook $webhook_id for $url: exists; Key Vault secret $secret_name: kept"
else
  if [ -n "$existing" ]; then
    old_id=$(jq -r .webhook_id <<<"$existing")
    if [ "$rotate" = true ]; then
      say "ElevenLabs webhook $old_id for $url: replacing it with a new one and a new secret (rotation asked)"
    else
      say "ElevenLabs webhook $old_id for $url: its secret is not in $vault (ElevenLabs shows it only once): replacing it with a new one"
    fi
  fi
  request=$(jq -n --arg name "$name" --arg url "$url" '{settings: {auth_type: "hmac", name: $name, webhook_url: $url}}')
  api POST /v1/workspace/webhooks "$request" >"$scratch/created"
  webhook_id=$(jq -r '.webhook_id // empty' "$scratch/created")
  [ -n "$webhook_id" ] || fail "ElevenLabs created a webhook but answered no webhook_id."
  (umask 077 && jq -j '.webhook_secret // empty' "$scratch/created" >"$scratch/secret")
  rm -f "$scratch/created" "$scratch/answer"
  [ -s "$scratch/secret" ] || fail "ElevenLabs created webhook $webhook_id but answered no webhook_secret: delete it in ElevenLabs and run this again."
  say "ElevenLabs webhook $webhook_id for $url: created"
  set_secret "$scratch/secret"
  rm -f "$scratch/secret"
fi

# Retries on (off by default; ElevenLabs does not report the setting, so it is set on every run: same values,
# no change) and enabled (a webhook ElevenLabs disabled after failures is enabled again by the deploy that fixes them).
if [ -n "$existing" ] && [ -z "$old_id" ]; then
  if [ "$(jq -r .is_auto_disabled <<<"$existing")" = true ]; then
    say "ElevenLabs webhook $webhook_id: ElevenLabs had disabled it after failures (last: HTTP $(jq -r '.most_recent_failure_error_code // "?"' <<<"$existing") at $(jq -r '.most_recent_failure_timestamp // "?"' <<<"$existing")): enabled again"
  elif [ "$(jq -r .is_disabled <<<"$existing")" = true ]; then
    say "ElevenLabs webhook $webhook_id: was disabled in ElevenLabs' settings: enabled again"
  fi
fi
api PATCH "/v1/workspace/webhooks/$webhook_id" "$(jq -n --arg name "$name" '{is_disabled: false, name: $name, retry_enabled: true}')" >/dev/null
say "ElevenLabs webhook $webhook_id: enabled, retries on"

# The Agents platform's settings: this webhook receives the post-call events (transcript), other settings kept.
if [ "$current_post_call" = "$webhook_id" ] && jq -e '(.webhooks.events // []) | index("transcript")' <<<"$settings" >/dev/null; then
  say "Post-call webhook of the Agents platform: $webhook_id, events $(jq -c '.webhooks.events' <<<"$settings"): as asked"
else
  patch=$(jq -c --arg id "$webhook_id" '{webhooks: ((.webhooks // {}) + {post_call_webhook_id: $id,
    events: (((.webhooks.events // []) + ["transcript"]) | unique)})}' <<<"$settings")
  api PATCH /v1/convai/settings "$patch" >/dev/null
  say "Post-call webhook of the Agents platform: $webhook_id, events $(jq -c '.webhooks.events' <<<"$patch"): set"
fi

if [ -n "$old_id" ]; then
  if (api DELETE "/v1/workspace/webhooks/$old_id" >/dev/null); then
    say "ElevenLabs webhook $old_id: deleted"
  else
    say "Warning: ElevenLabs webhook $old_id could not be deleted: delete it in ElevenLabs' settings."
  fi
fi
echo "Webhook $webhook_id: $url"
