#!/usr/bin/env bash
# Deploys the ElevenLabs conversation function to Azure with one command: the resource group, everything in
# main.bicep, the secrets in Key Vault, the app itself; then calls the health endpoint and prints the URL.
# Running it again changes nothing that is already as asked.
#
#   ALERT_EMAIL=ops@example.com CORS_ALLOWED_ORIGINS=https://interview.example.com infra/deploy.sh
#
# Settings (environment): RESOURCE_GROUP (rg-elevenlabs-conversation), LOCATION (eastus), NAME (elconv),
# ALERT_EMAIL, CORS_ALLOWED_ORIGINS (comma list), FIRESTORE_PROJECT_ID (replit-4f946), ELEVENLABS_AGENT_ID,
# AUTH_MODE (None, Firebase or Oidc; give it on every deploy, since the template sets what it is given),
# FIREBASE_AUTH_PROJECT_ID (the Firestore project), OIDC_AUTHORITY, OIDC_AUDIENCE,
# and the secrets as infra/set-secrets.sh reads them.
#
# Firestore without a Google key: FIRESTORE_AUTH=WorkloadIdentity with FIRESTORE_WORKLOAD_IDENTITY_AUDIENCE,
# FIRESTORE_SERVICE_ACCOUNT_EMAIL and FIRESTORE_AZURE_TOKEN_SCOPE (infra/setup-workload-identity.sh prints them);
# no key secret is then asked for or set. FIRESTORE_AUTH=ServiceAccountKey (the default) keeps the key in Key Vault.
# Like AUTH_MODE, give them on every deploy: the template sets what it is given.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
resource_group=${RESOURCE_GROUP:-rg-elevenlabs-conversation}
location=${LOCATION:-eastus}
name=${NAME:-elconv}
firestore_project=${FIRESTORE_PROJECT_ID:-replit-4f946}
agent_id=${ELEVENLABS_AGENT_ID:-EVQJtCNSo0L6uHQnImQu}
alert_email=${ALERT_EMAIL:-}
auth_mode=${AUTH_MODE:-None}
firebase_auth_project=${FIREBASE_AUTH_PROJECT_ID:-$firestore_project}
firestore_auth=${FIRESTORE_AUTH:-ServiceAccountKey}
federation_audience=${FIRESTORE_WORKLOAD_IDENTITY_AUDIENCE:-}
federation_account=${FIRESTORE_SERVICE_ACCOUNT_EMAIL:-}
federation_scope=${FIRESTORE_AZURE_TOKEN_SCOPE:-}

case "$firestore_auth" in
  ServiceAccountKey) ;;
  WorkloadIdentity)
    missing=()
    [ -n "$federation_audience" ] || missing+=(FIRESTORE_WORKLOAD_IDENTITY_AUDIENCE)
    [ -n "$federation_account" ] || missing+=(FIRESTORE_SERVICE_ACCOUNT_EMAIL)
    [ -n "$federation_scope" ] || missing+=(FIRESTORE_AZURE_TOKEN_SCOPE)
    if [ "${#missing[@]}" -gt 0 ]; then
      echo "FIRESTORE_AUTH=WorkloadIdentity needs ${missing[*]}: run infra/setup-workload-identity.sh (docs/operations.md, Keyless access to Firestore), which prints them." >&2
      exit 1
    fi
    ;;
  *)
    echo "FIRESTORE_AUTH must be ServiceAccountKey or WorkloadIdentity (got '$firestore_auth')." >&2
    exit 1
    ;;
esac

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "deploy.sh needs '$1': $2" >&2
    exit 1
  fi
}
need az "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli)"
need func "install Azure Functions Core Tools v4"
need dotnet "install the .NET 10 SDK"
need curl "install curl"

if ! az account show --output none 2>/dev/null; then
  echo "Not logged in to Azure: run 'az login' (and 'az account set --subscription ...')." >&2
  exit 1
fi

if [ -z "$alert_email" ]; then
  if [ -t 0 ]; then
    read -rp "E-mail address for alerts: " alert_email
  else
    echo "Set ALERT_EMAIL." >&2
    exit 1
  fi
fi

# Who deploys: may set the Key Vault secrets.
deployer_id=$(az ad signed-in-user show --query id --output tsv 2>/dev/null || true)
deployer_type=User
if [ -z "$deployer_id" ]; then
  deployer_id=$(az ad sp show --id "$(az account show --query user.name --output tsv)" --query id --output tsv)
  deployer_type=ServicePrincipal
fi

# CORS origins as a JSON array.
cors='[]'
if [ -n "${CORS_ALLOWED_ORIGINS:-}" ]; then
  cors='['
  IFS=',' read -ra origins <<<"$CORS_ALLOWED_ORIGINS"
  for origin in "${origins[@]}"; do
    origin=${origin// /}
    cors+="\"$origin\","
  done
  cors="${cors%,}]"
fi

echo "Resource group $resource_group ($location)"
az group create --name "$resource_group" --location "$location" --output none

echo "Deploying infra/main.bicep (a few minutes the first time)"
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
  --output none

output() {
  az deployment group show --resource-group "$resource_group" --name elevenlabs-conversation \
    --query "properties.outputs.$1.value" --output tsv
}
app=$(output functionAppName)
vault=$(output keyVaultName)
url=$(output functionUrl)
webhook=$(output webhookUrl)

KEY_VAULT_NAME=$vault FIRESTORE_AUTH=$firestore_auth "$here/set-secrets.sh"

echo "Publishing the app to $app"
package=$(mktemp -d)
# ReadyToRun for linux-x64 (the csproj's publish settings): the build docs/benchmark.md measures.
dotnet publish "$root/ElevenLabs.Functions" --configuration Release --output "$package" --nologo
# The publish output holds host.json, functions.metadata and worker.config.json: Core Tools deploys it as is.
(cd "$package" && func azure functionapp publish "$app" --dotnet-isolated --no-build)
rm -rf "$package"

echo "Calling the health endpoint"
for attempt in $(seq 1 30); do
  if curl --fail --silent --show-error --max-time 20 "$url" >/dev/null; then
    echo "Healthy."
    echo "Function URL: $url"
    if [ "$firestore_auth" = ServiceAccountKey ]; then
      echo "To reach Firestore without the key: AZURE_TENANT_ID=$(output tenantId)" \
        "MANAGED_IDENTITY_OBJECT_ID=$(output managedIdentityPrincipalId) infra/setup-workload-identity.sh (docs/operations.md, Keyless access to Firestore)"
    fi
    echo "Webhook URL (paste it into ElevenLabs as the post-call webhook; its secret goes in Key Vault as elevenlabs-webhook-secret): $webhook"
    exit 0
  fi
  echo "Not answering yet (attempt $attempt of 30); retrying in 10 s"
  sleep 10
done
echo "The app did not answer $url: see its logs in Application Insights ($(output appInsightsName))." >&2
exit 1
