#!/usr/bin/env bash
# One-time set-up of keyless access to Firestore (docs/operations.md, "Keyless access to Firestore"): Google trusts the app's
# Azure managed identity, so no Google service-account key is needed. Creates what is missing and leaves alone
# what is already as asked, so running it again changes nothing:
#
#   Entra ID   an application whose ID URI the managed identity asks tokens for (and its service principal)
#   Google     the IAM, IAM credentials and STS APIs; a workload identity pool; an OIDC provider trusting the
#              tenant's tokens for that ID URI from that identity only; the service account with
#              roles/datastore.user; roles/iam.workloadIdentityUser on it for the identity's federated principal
#
# then prints the four app settings (and the same for infra/deploy.sh).
#
#   GCP_PROJECT=<project> [AZURE_TENANT_ID=<tenant> MANAGED_IDENTITY_OBJECT_ID=<object id>] \
#     infra/setup-workload-identity.sh
#
# Every input: infra/setup-workload-identity.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: infra/setup-workload-identity.sh [--help]

Sets up keyless access to Firestore for the app's Azure managed identity (Google workload identity federation) and
prints the four app settings. Inputs are environment variables; all are checked before anything is created.

Required:
  GCP_PROJECT                  the Google Cloud project holding the sessions (deploy.sh's FIRESTORE_PROJECT_ID is
                               used when GCP_PROJECT is not set)
  AZURE_TENANT_ID, MANAGED_IDENTITY_OBJECT_ID
                               the tenant and the app's managed identity (az identity show --query principalId);
                               read from the outputs of deploy.sh's deployment in RESOURCE_GROUP when not set

Optional (default):
  RESOURCE_GROUP               where deploy.sh deployed (rg-elevenlabs-conversation)
  POOL                         the workload identity pool (azure-apps)
  PROVIDER                     its OIDC provider (elevenlabs-function)
  SERVICE_ACCOUNT              the Google service account the app acts as (elevenlabs-sessions)
  APP_ID_URI                   the Entra ID application ID URI the identity asks tokens for (api://elevenlabs-firestore)
  APP_NAME                     that application's display name (elevenlabs-firestore)

Needs: az (logged in to the tenant, allowed to create applications) and gcloud (an account that may create pools,
service accounts and IAM bindings in the project).
EOF
}

for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    *) echo "setup-workload-identity.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

project=${GCP_PROJECT:-${FIRESTORE_PROJECT_ID:-}}
pool=${POOL:-azure-apps}
provider=${PROVIDER:-elevenlabs-function}
account_name=${SERVICE_ACCOUNT:-elevenlabs-sessions}
app_id_uri=${APP_ID_URI:-api://elevenlabs-firestore}
app_name=${APP_NAME:-elevenlabs-firestore}
resource_group=${RESOURCE_GROUP:-rg-elevenlabs-conversation}
tenant=${AZURE_TENANT_ID:-}
object_id=${MANAGED_IDENTITY_OBJECT_ID:-}

say() { echo "$*" >&2; }

# Every input and tool before anything is called: all problems at once.
problems=()
if [ -z "$project" ]; then
  problems+=("GCP_PROJECT is required: the Google Cloud project holding the sessions (the original Cloud Function's was replit-4f946).")
elif ! [[ "$project" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]]; then
  problems+=("GCP_PROJECT '$project' is not a Google Cloud project id.")
fi
[[ "$account_name" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || problems+=("SERVICE_ACCOUNT '$account_name' is not a service account name (6-30 lowercase letters, digits, hyphens).")
command -v az >/dev/null 2>&1 || problems+=("needs 'az': install the Azure CLI and run 'az login'.")
command -v gcloud >/dev/null 2>&1 || problems+=("needs 'gcloud': install the Google Cloud CLI and run 'gcloud auth login'.")
if [ "${#problems[@]}" -gt 0 ]; then
  say "setup-workload-identity.sh: nothing was created; fix these first (--help lists every input):"
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
say "Google Cloud project: $project"

deployment_output() {
  az deployment group show --resource-group "$resource_group" --name elevenlabs-conversation \
    --query "properties.outputs.$1.value" --output tsv 2>/dev/null || true
}
if [ -z "$tenant" ]; then
  tenant=$(deployment_output tenantId)
fi
if [ -z "$object_id" ]; then
  object_id=$(deployment_output managedIdentityPrincipalId)
fi
if [ -z "$tenant" ] || [ -z "$object_id" ]; then
  say "Set AZURE_TENANT_ID and MANAGED_IDENTITY_OBJECT_ID (the app's managed identity: az identity show --query principalId),"
  say "or deploy first with infra/deploy.sh so that the deployment in $resource_group has them."
  exit 1
fi
signed_in_tenant=$(az account show --query tenantId --output tsv)
if [ "$signed_in_tenant" != "$tenant" ]; then
  say "az is signed in to tenant $signed_in_tenant, not $tenant: run 'az login --tenant $tenant'."
  exit 1
fi

# Entra ID: the application ID URI the managed identity asks for, with a service principal (Entra ID issues
# tokens only for resources that have one in the tenant).
app_id=$(az ad app list --identifier-uri "$app_id_uri" --query "[0].appId" --output tsv)
if [ -z "$app_id" ]; then
  app_id=$(az ad app create --display-name "$app_name" --identifier-uris "$app_id_uri" --query appId --output tsv)
  say "Entra ID application $app_name ($app_id_uri): created"
else
  say "Entra ID application $app_id_uri: exists"
fi
if [ -z "$(az ad sp list --filter "appId eq '$app_id'" --query "[0].id" --output tsv)" ]; then
  az ad sp create --id "$app_id" --output none
  say "Entra ID service principal of $app_id_uri: created"
else
  say "Entra ID service principal of $app_id_uri: exists"
fi

# Google: the APIs workload identity federation uses.
enabled=$(gcloud services list --enabled --project "$project" --format="value(config.name)")
for api in iam.googleapis.com iamcredentials.googleapis.com sts.googleapis.com; do
  if grep -qx "$api" <<<"$enabled"; then
    say "Google API $api: enabled"
  else
    gcloud services enable "$api" --project "$project" --quiet
    say "Google API $api: enabled now"
  fi
done
project_number=$(gcloud projects describe "$project" --format="value(projectNumber)")

# The pool, and its provider trusting this tenant's tokens for the application ID URI, from this identity only.
if gcloud iam workload-identity-pools describe "$pool" --project "$project" --location global >/dev/null 2>&1; then
  say "Workload identity pool $pool: exists"
else
  gcloud iam workload-identity-pools create "$pool" --project "$project" --location global \
    --display-name "Azure apps" --description "Azure managed identities (the ElevenLabs conversation function)" --quiet
  say "Workload identity pool $pool: created"
fi
issuer="https://sts.windows.net/$tenant/"
mapping="google.subject=assertion.sub"
condition="assertion.sub=='$object_id'"
wanted="$issuer|$app_id_uri|$mapping|$condition"
current=$(gcloud iam workload-identity-pools providers describe "$provider" --workload-identity-pool "$pool" \
  --project "$project" --location global \
  --format="value(oidc.issuerUri,oidc.allowedAudiences.list(separator=','),attributeMapping.list(separator=','),attributeCondition)" \
  2>/dev/null | tr '\t' '|' || true)
provider_settings=(--workload-identity-pool "$pool" --project "$project" --location global --issuer-uri "$issuer"
  --allowed-audiences "$app_id_uri" --attribute-mapping "$mapping" --attribute-condition "$condition" --quiet)
if [ -z "$current" ]; then
  gcloud iam workload-identity-pools providers create-oidc "$provider" "${provider_settings[@]}" --display-name "Azure $provider"
  say "OIDC provider $provider: created (issuer $issuer, audience $app_id_uri, subject $object_id)"
elif [ "$current" != "$wanted" ]; then
  gcloud iam workload-identity-pools providers update-oidc "$provider" "${provider_settings[@]}"
  say "OIDC provider $provider: updated (issuer $issuer, audience $app_id_uri, subject $object_id)"
else
  say "OIDC provider $provider: as asked"
fi

# The service account the app acts as, allowed to use Firestore, and the identity allowed to act as it.
account="$account_name@$project.iam.gserviceaccount.com"
if gcloud iam service-accounts describe "$account" --project "$project" >/dev/null 2>&1; then
  say "Service account $account: exists"
else
  gcloud iam service-accounts create "$account_name" --project "$project" \
    --display-name "ElevenLabs conversation sessions" --quiet
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
principal="principal://iam.googleapis.com/projects/$project_number/locations/global/workloadIdentityPools/$pool/subject/$object_id"
if [ -n "$(gcloud iam service-accounts get-iam-policy "$account" --project "$project" --flatten="bindings[].members" \
  --filter="bindings.role=\"roles/iam.workloadIdentityUser\" AND bindings.members=\"$principal\"" --format="value(bindings.role)")" ]; then
  say "roles/iam.workloadIdentityUser on $account for $principal: granted"
else
  gcloud iam service-accounts add-iam-policy-binding "$account" --project "$project" \
    --member "$principal" --role roles/iam.workloadIdentityUser --quiet --format none
  say "roles/iam.workloadIdentityUser on $account for $principal: granted now"
fi

audience="//iam.googleapis.com/projects/$project_number/locations/global/workloadIdentityPools/$pool/providers/$provider"
say ""
say "The app's settings (Google may take a few minutes to apply new IAM bindings):"
echo "Firestore__Auth=WorkloadIdentity"
echo "Firestore__WorkloadIdentity__Audience=$audience"
echo "Firestore__WorkloadIdentity__ServiceAccountEmail=$account"
echo "Firestore__WorkloadIdentity__AzureTokenScope=$app_id_uri/.default"
say ""
say "With infra/deploy.sh:"
say "  FIRESTORE_AUTH=WorkloadIdentity FIRESTORE_WORKLOAD_IDENTITY_AUDIENCE=$audience \\"
say "  FIRESTORE_SERVICE_ACCOUNT_EMAIL=$account FIRESTORE_AZURE_TOKEN_SCOPE=$app_id_uri/.default infra/deploy.sh"
