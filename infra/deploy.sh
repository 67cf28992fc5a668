#!/usr/bin/env bash
# Deploys the ElevenLabs conversation function to Azure with one command, in this order:
#   1. checks every input (nothing is called yet), reads the secret files
#   2. Azure sign-in; whatever a previous deployment's vault already holds
#   3. the resource group and everything in main.bicep
#   4. Google (with gcloud): the Firestore composite index, the TTL policies when retention is on, and on request
#      the service account and its key
#   5. the Key Vault secrets (ElevenLabs key, Google key)
#   6. the app itself, then its health endpoint
#   7. the ElevenLabs webhook for the app's URL, its secret into Key Vault (infra/setup-webhook.sh)
# Running it again changes nothing that is already as asked. Every input: infra/deploy.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: infra/deploy.sh [--check] [--help]

Deploys the ElevenLabs conversation function to Azure: resource group, infra/main.bicep, Key Vault secrets, the app,
the Firestore index and TTL policies (with gcloud) and the ElevenLabs webhook, in that order. Inputs are environment
variables.
--check checks the inputs and exits without calling anything (azd's preprovision hook runs it).

Required:
  ELEVENLABS_AGENT_ID          the ElevenLabs agent sessions talk to (the original Cloud Function used
                               EVQJtCNSo0L6uHQnImQu: give it explicitly to keep that one)
  FIRESTORE_PROJECT_ID         Google Cloud project holding the sessions (the Cloud Function used replit-4f946)
  ALERT_EMAIL                  where alerts are e-mailed
  ELEVENLABS_API_KEY or ELEVENLABS_API_KEY_FILE
                               the ElevenLabs key (a workspace admin's: the webhook step needs one); may be left
                               out when the vault of a previous deployment holds elevenlabs-api-key
  FIRESTORE_CREDENTIALS_FILE (or GOOGLE_APPLICATION_CREDENTIALS)
                               a Google service-account JSON key with roles/datastore.user; not with
                               FIRESTORE_AUTH=WorkloadIdentity, GOOGLE_SETUP=yes (makes one) or a vault that holds one

Optional (default):
  RESOURCE_GROUP               (rg-elevenlabs-conversation)
  LOCATION                     (eastus)
  NAME                         base name of the resources, 3-12 lowercase letters, digits, hyphens (elconv)
  CORS_ALLOWED_ORIGINS         comma list of browser origins, e.g. https://interview.example.com (none)
  AUTH_MODE                    None, Firebase or Oidc (None); give it on every deploy: the template sets what it is given
  FIREBASE_AUTH_PROJECT_ID     with Firebase (FIRESTORE_PROJECT_ID)
  OIDC_AUTHORITY, OIDC_AUDIENCE  required with Oidc
  RETENTION_DAYS               days sessions, calls, transcripts, usage counts and recordings are kept, 0 for no
                               limit, at most 3650 (0); in both clouds: Sessions:RetentionDays, the recordings' lifecycle rule and,
                               with gcloud, Firestore TTL policies on expireAt. Give it on every deploy
  RECORDINGS_CONTAINER         the private blob container of the recordings (interview-recordings)
  FIRESTORE_AUTH               ServiceAccountKey or WorkloadIdentity (ServiceAccountKey)
  FIRESTORE_WORKLOAD_IDENTITY_AUDIENCE, FIRESTORE_SERVICE_ACCOUNT_EMAIL, FIRESTORE_AZURE_TOKEN_SCOPE
                               required with WorkloadIdentity (infra/setup-workload-identity.sh prints them)
  GOOGLE_SETUP                 auto, yes or no (auto): the Firestore composite index and TTL policies with gcloud
                               (auto: when gcloud is on PATH); yes also makes the service account FIRESTORE_SERVICE_ACCOUNT
                               (elevenlabs-sessions) and, with ServiceAccountKey and no key in the vault, its key
  ELEVENLABS_WEBHOOK_REPLACE=true  send the workspace's post-call events to this app even though another webhook
                               receives them now (refused otherwise)
  ELEVENLABS_WEBHOOK_ROTATE=true   a new webhook and signing secret replace the current ones

Needs: az (logged in), func (Azure Functions Core Tools v4), dotnet (.NET 10 SDK), curl, jq; gcloud for GOOGLE_SETUP.
EOF
}

retention() { if [ "$retention_days" -gt 0 ]; then echo "$retention_days days"; else echo "off"; fi; }

check_only=false
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --check) check_only=true ;;
    *) echo "deploy.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
# shellcheck source=infra/secret-input.sh
. "$here/secret-input.sh"
resource_group=${RESOURCE_GROUP:-rg-elevenlabs-conversation}
location=${LOCATION:-eastus}
name=${NAME:-elconv}
firestore_project=${FIRESTORE_PROJECT_ID:-}
agent_id=${ELEVENLABS_AGENT_ID:-}
alert_email=${ALERT_EMAIL:-}
auth_mode=${AUTH_MODE:-None}
firebase_auth_project=${FIREBASE_AUTH_PROJECT_ID:-$firestore_project}
firestore_auth=${FIRESTORE_AUTH:-ServiceAccountKey}
federation_audience=${FIRESTORE_WORKLOAD_IDENTITY_AUDIENCE:-}
federation_account=${FIRESTORE_SERVICE_ACCOUNT_EMAIL:-}
federation_scope=${FIRESTORE_AZURE_TOKEN_SCOPE:-}
credentials=${FIRESTORE_CREDENTIALS_FILE:-${GOOGLE_APPLICATION_CREDENTIALS:-}}
google_setup=${GOOGLE_SETUP:-auto}
retention_days=${RETENTION_DAYS:-0}
recordings_container=${RECORDINGS_CONTAINER:-interview-recordings}

# 1. Every input, before anything is called: all problems at once.
problems=()
problem() { problems+=("$*"); }
[ -n "$agent_id" ] || problem "ELEVENLABS_AGENT_ID is required: the ElevenLabs agent sessions talk to (the original Cloud Function's was EVQJtCNSo0L6uHQnImQu)."
[ -z "$agent_id" ] || [[ "$agent_id" =~ ^[A-Za-z0-9_-]{1,128}$ ]] || problem "ELEVENLABS_AGENT_ID '$agent_id' is not an agent id (letters, digits, _ and -)."
[ -n "$firestore_project" ] || problem "FIRESTORE_PROJECT_ID is required: the Google Cloud project holding the sessions (the original Cloud Function's was replit-4f946)."
[ -z "$firestore_project" ] || [[ "$firestore_project" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || problem "FIRESTORE_PROJECT_ID '$firestore_project' is not a Google Cloud project id."
[ -n "$alert_email" ] || problem "ALERT_EMAIL is required: where alerts are e-mailed."
[ -z "$alert_email" ] || [[ "$alert_email" =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]] || problem "ALERT_EMAIL '$alert_email' is not an e-mail address."
[[ "$name" =~ ^[a-z0-9-]{3,12}$ ]] || problem "NAME '$name' must be 3-12 lowercase letters, digits or hyphens."
[[ "$resource_group" =~ ^[-A-Za-z0-9_.()]{1,90}$ && "$resource_group" != *. ]] || problem "RESOURCE_GROUP '$resource_group' is not a resource group name."
[[ "$location" =~ ^[a-z0-9]+$ ]] || problem "LOCATION '$location' is not an Azure region name (e.g. eastus, westeurope)."
if [[ "$retention_days" =~ ^[0-9]{1,4}$ ]] && [ $((10#$retention_days)) -le 3650 ]; then
  retention_days=$((10#$retention_days)) # 030 is 30 days, not octal
else
  problem "RETENTION_DAYS '$retention_days' must be a whole number of days from 0 (no limit) to 3650, as the app accepts."
  retention_days=0
fi
[[ "$recordings_container" =~ ^[a-z0-9]([a-z0-9]|-[a-z0-9]){2,62}$ ]] \
  || problem "RECORDINGS_CONTAINER '$recordings_container' is not a blob container name (3-63 lowercase letters, digits, single hyphens)."
case "$auth_mode" in
  None) ;;
  Firebase) [[ "$firebase_auth_project" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || problem "FIREBASE_AUTH_PROJECT_ID '$firebase_auth_project' is not a project id." ;;
  Oidc)
    [[ "${OIDC_AUTHORITY:-}" =~ ^https://[^[:space:]]+$ ]] || problem "AUTH_MODE=Oidc needs OIDC_AUTHORITY, an https:// issuer URL."
    [ -n "${OIDC_AUDIENCE:-}" ] || problem "AUTH_MODE=Oidc needs OIDC_AUDIENCE."
    ;;
  *) problem "AUTH_MODE must be None, Firebase or Oidc (got '$auth_mode')." ;;
esac
cors='[]'
if [ -n "${CORS_ALLOWED_ORIGINS:-}" ]; then
  IFS=',' read -ra origins <<<"$CORS_ALLOWED_ORIGINS"
  cors='['
  for origin in "${origins[@]}"; do
    origin=${origin// /}
    [[ "$origin" =~ ^https?://[A-Za-z0-9.-]+(:[0-9]+)?$ ]] || problem "CORS_ALLOWED_ORIGINS: '$origin' is not an origin (scheme://host[:port], no path)."
    cors+="\"$origin\","
  done
  cors="${cors%,}]"
fi
case "$firestore_auth" in
  ServiceAccountKey) ;;
  WorkloadIdentity)
    missing=()
    [ -n "$federation_audience" ] || missing+=(FIRESTORE_WORKLOAD_IDENTITY_AUDIENCE)
    [ -n "$federation_account" ] || missing+=(FIRESTORE_SERVICE_ACCOUNT_EMAIL)
    [ -n "$federation_scope" ] || missing+=(FIRESTORE_AZURE_TOKEN_SCOPE)
    if [ "${#missing[@]}" -gt 0 ]; then
      problem "FIRESTORE_AUTH=WorkloadIdentity needs ${missing[*]}: run infra/setup-workload-identity.sh (docs/operations.md, Keyless access to Firestore), which prints them."
    fi
    ;;
  *) problem "FIRESTORE_AUTH must be ServiceAccountKey or WorkloadIdentity (got '$firestore_auth')." ;;
esac
case "$google_setup" in
  auto | no) ;;
  yes) command -v gcloud >/dev/null 2>&1 || problem "GOOGLE_SETUP=yes needs 'gcloud' (the Google Cloud CLI) on PATH." ;;
  *) problem "GOOGLE_SETUP must be auto, yes or no (got '$google_setup')." ;;
esac
key_problem=$(secret_input_problem ELEVENLABS_API_KEY)
[ -z "$key_problem" ] || problem "$key_problem"
if [ -n "$credentials" ] && [ "$firestore_auth" = ServiceAccountKey ]; then
  if [ ! -r "$credentials" ]; then
    problem "FIRESTORE_CREDENTIALS_FILE '$credentials' cannot be read."
  elif ! command -v jq >/dev/null 2>&1; then
    problem "deploy.sh needs 'jq' (to check the service-account key, and for the webhook step)."
  elif ! jq -e '.type == "service_account" and (.client_email | type == "string") and (.private_key | type == "string")' "$credentials" >/dev/null 2>&1; then
    problem "FIRESTORE_CREDENTIALS_FILE '$credentials' is not a Google service-account JSON key (type service_account, client_email, private_key)."
  elif [ "$(jq -r .project_id "$credentials")" != "$firestore_project" ]; then
    echo "Note: the service-account key is of project $(jq -r .project_id "$credentials"), the sessions are in $firestore_project: it needs roles/datastore.user there." >&2
  fi
fi
if [ "$check_only" = false ]; then
  for tool in az:"install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli)" func:"install Azure Functions Core Tools v4" \
    dotnet:"install the .NET 10 SDK" curl:"install curl" jq:"install jq"; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || problem "deploy.sh needs '${tool%%:*}': ${tool#*:}."
  done
fi
if [ "${#problems[@]}" -gt 0 ]; then
  echo "deploy.sh: nothing was created; fix these first (infra/deploy.sh --help lists every input):" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
if [ "$check_only" = true ]; then
  echo "Inputs: agent $agent_id, Firestore project $firestore_project, alerts to $alert_email, auth $auth_mode, Firestore auth $firestore_auth, retention $(retention): checked."
  exit 0
fi

# The secrets are read now, once, into a private scratch directory: a file that vanishes during the long
# deployment no longer matters, and nothing is prompted for halfway.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
chmod 700 "$scratch"
key_file="$scratch/elevenlabs"
read_secret_input ELEVENLABS_API_KEY "$key_file" || key_file=""
credentials_copy=""
if [ -n "$credentials" ] && [ "$firestore_auth" = ServiceAccountKey ]; then
  credentials_copy="$scratch/firestore.json"
  cat "$credentials" >"$credentials_copy"
fi

echo "1. Inputs checked: agent $agent_id, Firestore project $firestore_project, resource group $resource_group ($location), auth $auth_mode, Firestore auth $firestore_auth, retention $(retention)"

# 2. Azure sign-in, and what a previous deployment's vault already holds (read only).
if ! az account show --output none 2>/dev/null; then
  echo "Not logged in to Azure: run 'az login' (and 'az account set --subscription ...')." >&2
  exit 1
fi
deployer_id=$(az ad signed-in-user show --query id --output tsv 2>/dev/null || true)
deployer_type=User
if [ -z "$deployer_id" ]; then
  deployer_id=$(az ad sp show --id "$(az account show --query user.name --output tsv)" --query id --output tsv)
  deployer_type=ServicePrincipal
fi
previous_vault=$(az deployment group show --resource-group "$resource_group" --name elevenlabs-conversation \
  --query properties.outputs.keyVaultName.value --output tsv 2>/dev/null || true)
vault_has() {
  [ -n "$previous_vault" ] && az keyvault secret show --vault-name "$previous_vault" --name "$1" --query id --output tsv >/dev/null 2>&1
}
missing=()
if [ -z "$key_file" ] && ! vault_has elevenlabs-api-key; then
  missing+=("ELEVENLABS_API_KEY or ELEVENLABS_API_KEY_FILE (no earlier deployment's vault holds elevenlabs-api-key)")
fi
make_google_key=false
if [ "$firestore_auth" = ServiceAccountKey ] && [ -z "$credentials_copy" ] && ! vault_has firestore-service-account; then
  if [ "$google_setup" = yes ]; then
    make_google_key=true
  else
    missing+=("FIRESTORE_CREDENTIALS_FILE, a service-account key (or GOOGLE_SETUP=yes to make one with gcloud, or FIRESTORE_AUTH=WorkloadIdentity)")
  fi
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deploy.sh: nothing was created; needed:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
echo "2. Signed in to Azure${previous_vault:+; earlier deployment found (vault $previous_vault)}"

# 3. The resource group and main.bicep.
echo "3. Resource group $resource_group ($location) and infra/main.bicep (a few minutes the first time)"
az group create --name "$resource_group" --location "$location" --output none
az deployment group create \
  --resource-group "$resource_group" \
  --name elevenlabs-conversation \
  --template-file "$here/main.bicep" \
  --parameters name="$name" location="$location" alertEmail="$alert_email" \
    corsAllowedOrigins="$cors" firestoreProjectId="$firestore_project" elevenLabsAgentId="$agent_id" \
    firestoreAuth="$firestore_auth" firestoreWorkloadIdentityAudience="$federation_audience" \
    firestoreServiceAccountEmail="$federation_account" firestoreAzureTokenScope="$federation_scope" \
    deployerPrincipalId="$deployer_id" deployerPrincipalType="$deployer_type" \
    authMode="$auth_mode" firebaseAuthProjectId="$firebase_auth_project" \
    oidcAuthority="${OIDC_AUTHORITY:-}" oidcAudience="${OIDC_AUDIENCE:-}" \
    recordingsContainerName="$recordings_container" retentionDays="$retention_days" \
  --output none

output() {
  az deployment group show --resource-group "$resource_group" --name elevenlabs-conversation \
    --query "properties.outputs.$1.value" --output tsv
}
app=$(output functionAppName)
vault=$(output keyVaultName)
url=$(output functionUrl)
webhook=$(output webhookUrl)

# 4. Google: the composite index, the TTL policies with retention on (and on request the service account and its
# key), with gcloud.
if [ "$google_setup" = yes ]; then
  echo "4. Google: Firestore composite index, TTL policies (retention $(retention)), service account $([ "$make_google_key" = true ] && echo "and a key for it" || echo "(its key is in the vault already)")"
  FIRESTORE_PROJECT_ID=$firestore_project KEY_VAULT_NAME=$vault RETENTION_DAYS=$retention_days "$here/setup-firestore.sh" --service-account
elif [ "$google_setup" = auto ] && command -v gcloud >/dev/null 2>&1; then
  echo "4. Google: Firestore composite index, TTL policies (retention $(retention))"
  FIRESTORE_PROJECT_ID=$firestore_project RETENTION_DAYS=$retention_days "$here/setup-firestore.sh"
else
  echo "4. Google: skipped ($([ "$google_setup" = no ] && echo "GOOGLE_SETUP=no" || echo "no gcloud on PATH")): create the Firestore index once with" \
    "FIRESTORE_PROJECT_ID=$firestore_project RETENTION_DAYS=$retention_days infra/setup-firestore.sh"
  if [ "$retention_days" -gt 0 ]; then
    echo "Warning: RETENTION_DAYS=$retention_days, but Firestore deletes nothing until that command has set its TTL policies" \
      "(recordings in Azure expire by the lifecycle rule regardless)." >&2
  fi
fi

# 5. Key Vault: the ElevenLabs key and the Google key (the webhook secret comes with the webhook, in step 7).
echo "5. Key Vault $vault: secrets"
KEY_VAULT_NAME=$vault FIRESTORE_AUTH=$firestore_auth ELEVENLABS_API_KEY_FILE=$key_file FIRESTORE_CREDENTIALS_FILE=$credentials_copy \
  ELEVENLABS_API_KEY='' ELEVENLABS_WEBHOOK_SECRET='' ELEVENLABS_WEBHOOK_SECRET_FILE='' GOOGLE_APPLICATION_CREDENTIALS='' \
  "$here/set-secrets.sh" </dev/null

# 6. The app, then its health endpoint.
echo "6. Publishing the app to $app"
package="$scratch/package"
# ReadyToRun for linux-x64 (the csproj's publish settings): the build docs/benchmark.md measures.
dotnet publish "$root/ElevenLabs.Functions" --configuration Release --output "$package" --nologo
# The publish output holds host.json, functions.metadata and worker.config.json: Core Tools deploys it as is.
(cd "$package" && func azure functionapp publish "$app" --dotnet-isolated --no-build)
healthy=false
for attempt in $(seq 1 30); do
  if curl --fail --silent --show-error --max-time 20 "$url" >/dev/null; then
    healthy=true
    break
  fi
  echo "Not answering yet (attempt $attempt of 30); retrying in 10 s"
  sleep 10
done
if [ "$healthy" = false ]; then
  echo "The app did not answer $url: see its logs in Application Insights ($(output appInsightsName))." >&2
  exit 1
fi
echo "   Healthy: $url"

# 7. The ElevenLabs webhook for the URL that now exists; its secret into Key Vault.
echo "7. ElevenLabs webhook $webhook"
WEBHOOK_URL=$webhook KEY_VAULT_NAME=$vault ELEVENLABS_API_KEY_FILE=$key_file ELEVENLABS_API_KEY='' ELEVENLABS_AGENT_ID=$agent_id \
  "$here/setup-webhook.sh" >/dev/null

echo "Deployed. Function URL: $url"
if [ "$firestore_auth" = ServiceAccountKey ]; then
  echo "To reach Firestore without the key: AZURE_TENANT_ID=$(output tenantId)" \
    "MANAGED_IDENTITY_OBJECT_ID=$(output managedIdentityPrincipalId) GCP_PROJECT=$firestore_project infra/setup-workload-identity.sh (docs/operations.md, Keyless access to Firestore)"
fi
