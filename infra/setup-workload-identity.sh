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
#   AZURE_TENANT_ID=<tenant> MANAGED_IDENTITY_OBJECT_ID=<object id> GCP_PROJECT=replit-4f946 \
#     infra/setup-workload-identity.sh
#
# Without AZURE_TENANT_ID / MANAGED_IDENTITY_OBJECT_ID, both are read from the outputs of infra/deploy.sh's deployment
# in RESOURCE_GROUP (rg-elevenlabs-conversation). Other settings (environment): GCP_PROJECT (replit-4f946),
# POOL (azure-apps), PROVIDER (elevenlabs-function), SERVICE_ACCOUNT (elevenlabs-sessions),
# APP_ID_URI (api://elevenlabs-firestore), APP_NAME (elevenlabs-firestore).
# Needs: az (logged in to the tenant, allowed to create applications) and gcloud (an account that may create
# pools, service accounts and IAM bindings in the project).
set -euo pipefail

project=${GCP_PROJECT:-replit-4f946}
pool=${POOL:-azure-apps}
provider=${PROVIDER:-elevenlabs-function}
account_name=${SERVICE_ACCOUNT:-elevenlabs-sessions}
app_id_uri=${APP_ID_URI:-api://elevenlabs-firestore}
app_name=${APP_NAME:-elevenlabs-firestore}
resource_group=${RESOURCE_GROUP:-rg-elevenlabs-conversation}
tenant=${AZURE_TENANT_ID:-}
object_id=${MANAGED_IDENTITY_OBJECT_ID:-}

say() { echo "$*" >&2; }

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    say "setup-workload-identity.sh needs '$1': $2"
    exit 1
  fi
}
need az "install the Azure CLI and run 'az login'"
need gcloud "install the Google Cloud CLI and run 'gcloud auth login'"

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
