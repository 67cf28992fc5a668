@description('Function app name (also the host name: <name>.azurewebsites.net).')
param name string
param location string
param tags object = {}
@description('Resource id and client id of the user-assigned identity the app runs as.')
param identityId string
param identityClientId string
param storageAccountName string
param storageBlobEndpoint string
param deploymentContainerName string
param appInsightsConnectionString string
param keyVaultUri string
param firestoreProjectId string
@description('ServiceAccountKey or WorkloadIdentity; the three values below are used with WorkloadIdentity only.')
param firestoreAuth string
param firestoreWorkloadIdentityAudience string
param firestoreServiceAccountEmail string
param firestoreAzureTokenScope string
param elevenLabsAgentId string
@description('NCRONTAB schedule of the sweep of idle sessions (app setting Sessions__SweepSchedule).')
param sweepSchedule string
@description('Browser origins allowed to call the function; the platform answers CORS (in-code CORS stays off).')
param corsAllowedOrigins array
@description('Auth:Mode: None, Firebase or Oidc.')
param authMode string
param firebaseAuthProjectId string
@description('Auth:Oidc:Authority and Auth:Oidc:Audience (empty unless authMode is Oidc).')
param oidcAuthority string
param oidcAudience string
param legacySessions string
param rateLimitCreatePerMinute int
param rateLimitRequestsPerMinute int
param quotaSessionsPerDay int
@description('The private container of the recordings (Recordings__Container), in the account of storageBlobEndpoint.')
param recordingsContainerName string
@description('Sessions:RetentionDays; 0: off (the app\'s default).')
param retentionDays int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'KeyVault__Uri', value: keyVaultUri }
        { name: 'KeyVault__ManagedIdentityClientId', value: identityClientId }
        { name: 'Firestore__ProjectId', value: firestoreProjectId }
        { name: 'Firestore__Auth', value: firestoreAuth }
        { name: 'Firestore__WorkloadIdentity__Audience', value: firestoreWorkloadIdentityAudience }
        { name: 'Firestore__WorkloadIdentity__ServiceAccountEmail', value: firestoreServiceAccountEmail }
        { name: 'Firestore__WorkloadIdentity__AzureTokenScope', value: firestoreAzureTokenScope }
        { name: 'ElevenLabs__AgentId', value: elevenLabsAgentId }
        { name: 'Sessions__Store', value: 'Firestore' }
        // The sweep's timer trigger reads %Sessions:SweepSchedule%; Linux app settings spell ':' as '__'.
        { name: 'Sessions__SweepSchedule', value: sweepSchedule }
        { name: 'Auth__Mode', value: authMode }
        { name: 'Auth__Firebase__ProjectId', value: firebaseAuthProjectId }
        { name: 'Auth__Oidc__Authority', value: oidcAuthority }
        { name: 'Auth__Oidc__Audience', value: oidcAudience }
        { name: 'Auth__LegacySessions', value: legacySessions }
        { name: 'RateLimit__CreatePerMinute', value: string(rateLimitCreatePerMinute) }
        { name: 'RateLimit__RequestsPerMinute', value: string(rateLimitRequestsPerMinute) }
        { name: 'Quota__SessionsPerDay', value: string(quotaSessionsPerDay) }
        // Behind the App Service front end the connection comes from the platform: the client is the first forwarded hop.
        { name: 'RateLimit__TrustForwardedFor', value: 'true' }
        // Recordings: the account's blob endpoint, read and written as the managed identity (no connection string).
        { name: 'Recordings__BlobServiceUri', value: storageBlobEndpoint }
        { name: 'Recordings__Container', value: recordingsContainerName }
        { name: 'Sessions__RetentionDays', value: string(retentionDays) }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: 512 // the Cloud Function's 512MB
        maximumInstanceCount: 10 // and its --max-instances=10
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
