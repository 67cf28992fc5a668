// The ElevenLabs conversation function on Azure: Flex Consumption function app, its identity, host storage
// reached by identity, Key Vault for the secrets, Log Analytics + Application Insights with a workbook and alerts.
targetScope = 'resourceGroup'

@description('Short base name for the resources (lowercase letters, digits, hyphens).')
@minLength(3)
@maxLength(12)
param name string = 'elconv'

@description('Azure region.')
param location string = resourceGroup().location

@description('azd environment name (tags only).')
param environmentName string = ''

@description('Where alerts are e-mailed.')
param alertEmail string

@description('Browser origins allowed to call the function, e.g. ["https://interview.example.com"].')
param corsAllowedOrigins array = []

@description('Google Cloud project holding the conversation-sessions collection (no default: the original Cloud Function used replit-4f946).')
@minLength(6)
param firestoreProjectId string

@description('How the app reaches Firestore: ServiceAccountKey (a Google key in Key Vault) or WorkloadIdentity (no key: this deployment\'s managed identity through Google workload identity federation; infra/setup-workload-identity.sh prints the three values below).')
@allowed([
  'ServiceAccountKey'
  'WorkloadIdentity'
])
param firestoreAuth string = 'ServiceAccountKey'

@description('With WorkloadIdentity: the provider, //iam.googleapis.com/projects/<project number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>.')
param firestoreWorkloadIdentityAudience string = ''

@description('With WorkloadIdentity: the Google service account (with roles/datastore.user) the app acts as.')
param firestoreServiceAccountEmail string = ''

@description('With WorkloadIdentity: what the managed identity asks Entra ID for, the application ID URI the provider accepts plus /.default.')
param firestoreAzureTokenScope string = ''

@description('The ElevenLabs agent sessions talk to (no default: the original Cloud Function used EVQJtCNSo0L6uHQnImQu).')
@minLength(1)
param elevenLabsAgentId string

@description('NCRONTAB schedule (six fields, seconds first) of the sweep that closes idle sessions.')
param sweepSchedule string = '0 */15 * * * *'

@description('Who may call the POST actions: None (anyone, as the Cloud Function), Firebase (the web app\'s signed-in users) or Oidc.')
@allowed([
  'None'
  'Firebase'
  'Oidc'
])
param authMode string = 'None'

@description('Firebase project whose ID tokens are accepted when authMode is Firebase (default: the Firestore project).')
param firebaseAuthProjectId string = firestoreProjectId

@description('OpenID Connect authority (issuer base URL) when authMode is Oidc, e.g. https://login.microsoftonline.com/<tenant>/v2.0.')
param oidcAuthority string = ''

@description('The audience tokens must carry when authMode is Oidc.')
param oidcAudience string = ''

@description('With auth on, whether signed-in callers may use sessions that have no owner (written before auth was on).')
@allowed([
  'Deny'
  'Allow'
])
param legacySessions string = 'Deny'

@description('Per caller and instance: sessions created plus signed URLs issued per minute (0: no limit).')
@minValue(0)
param rateLimitCreatePerMinute int = 10

@description('Per caller and instance: other requests per minute (0: no limit).')
@minValue(0)
param rateLimitRequestsPerMinute int = 120

@description('Per caller, across instances: sessions created per UTC day (0: no quota).')
@minValue(0)
param quotaSessionsPerDay int = 50

@description('Private blob container of the calls\' recordings, in this deployment\'s storage account.')
@minLength(3)
@maxLength(63)
param recordingsContainerName string = 'interview-recordings'

@description('Days sessions, calls, transcripts, usage counts and recordings are kept (Sessions:RetentionDays and the recordings\' lifecycle rule; Firestore TTL: infra/setup-firestore.sh). 0: kept until erased.')
@minValue(0)
@maxValue(3650)
param retentionDays int = 0

@description('Object id of whoever deploys (az ad signed-in-user show --query id): may set the Key Vault secrets. Empty: nobody.')
param deployerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

var suffix = uniqueString(subscription().id, resourceGroup().id, name)
var tags = empty(environmentName) ? { app: 'elevenlabs-conversation' } : { app: 'elevenlabs-conversation', 'azd-env-name': environmentName }
var functionAppName = 'func-${name}-${suffix}'
var deploymentContainerName = 'app-package-${take(suffix, 8)}'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${name}-${suffix}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: '${name}-${suffix}'
    location: location
    tags: tags
    alertEmail: alertEmail
    appPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('st${replace(name, '-', '')}${suffix}', 24)
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    deploymentContainerName: deploymentContainerName
    recordingsContainerName: recordingsContainerName
    retentionDays: retentionDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: take('kv-${name}-${suffix}', 24)
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: functionAppName
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: keyVault.outputs.uri
    firestoreProjectId: firestoreProjectId
    firestoreAuth: firestoreAuth
    firestoreWorkloadIdentityAudience: firestoreWorkloadIdentityAudience
    firestoreServiceAccountEmail: firestoreServiceAccountEmail
    firestoreAzureTokenScope: firestoreAzureTokenScope
    elevenLabsAgentId: elevenLabsAgentId
    sweepSchedule: sweepSchedule
    corsAllowedOrigins: corsAllowedOrigins
    authMode: authMode
    firebaseAuthProjectId: firebaseAuthProjectId
    oidcAuthority: oidcAuthority
    oidcAudience: oidcAudience
    legacySessions: legacySessions
    rateLimitCreatePerMinute: rateLimitCreatePerMinute
    rateLimitRequestsPerMinute: rateLimitRequestsPerMinute
    quotaSessionsPerDay: quotaSessionsPerDay
    recordingsContainerName: storage.outputs.recordingsContainerName
    retentionDays: retentionDays
  }
}

module availability 'modules/availability.bicep' = {
  name: 'availability'
  params: {
    name: '${name}-${suffix}'
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    actionGroupId: monitoring.outputs.actionGroupId
    readinessUrl: 'https://${functionApp.outputs.defaultHostName}/elevenlabs-conversation/ready'
  }
}

@description('What the web app calls: the Cloud Function URL with only the host changed.')
output functionUrl string = 'https://${functionApp.outputs.defaultHostName}/elevenlabs-conversation'
@description('What to paste into ElevenLabs (Agents platform settings, post-call webhook): its events are signed with the secret in Key Vault.')
output webhookUrl string = 'https://${functionApp.outputs.defaultHostName}/elevenlabs-webhook'
output functionAppName string = functionApp.outputs.name
output keyVaultName string = keyVault.outputs.name
output keyVaultUri string = keyVault.outputs.uri
output appInsightsName string = monitoring.outputs.appInsightsName
@description('Readiness: what the availability test calls.')
output readinessUrl string = 'https://${functionApp.outputs.defaultHostName}/elevenlabs-conversation/ready'
output workbookId string = monitoring.outputs.workbookId
@description('For infra/setup-workload-identity.sh: the tenant whose tokens the app gets, and its managed identity\'s object id (the subject Google sees).')
output tenantId string = tenant().tenantId
output managedIdentityPrincipalId string = identity.outputs.principalId
@description('The private container of the recordings.')
output recordingsContainerName string = storage.outputs.recordingsContainerName

// The same values under the names azd exports to hooks and `azd env get-values`.
output AZURE_FUNCTION_URL string = 'https://${functionApp.outputs.defaultHostName}/elevenlabs-conversation'
output AZURE_WEBHOOK_URL string = 'https://${functionApp.outputs.defaultHostName}/elevenlabs-webhook'
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
