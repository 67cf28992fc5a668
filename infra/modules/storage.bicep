@description('Storage account name (3-24 lowercase letters and digits).')
param name string
param location string
param tags object = {}
@description('Principal id of the app identity that uses the account (host storage and deployment package).')
param appPrincipalId string
@description('Blob container holding the deployment package (Flex Consumption).')
param deploymentContainerName string
@description('Private blob container holding the calls\' recordings (app setting Recordings__Container).')
@minLength(3)
@maxLength(63)
param recordingsContainerName string
@description('Days after which a recording is deleted (lifecycle rule on the recordings container); 0: kept until erased.')
@minValue(0)
@maxValue(3650)
param retentionDays int

// What the Functions host needs for AzureWebJobsStorage (and the Flex Consumption package), account-wide.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
// What the recordings need on their own: read, write and delete blobs in their container only, and Get User Delegation
// Key (an account-level operation, so an account-scoped role) to sign the 15-minute read links without an account key.
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageBlobDelegator = 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false // reached by identity only
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // A recording deleted (by erasure or the retention rule) is gone, not kept as a soft-deleted blob.
    deleteRetentionPolicy: {
      enabled: false
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource recordingsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: recordingsContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Retention: recordings are deleted N days after they were written. The policy is always deployed and its rule only
// enabled with retention on, so that turning retention off disables the rule (an incremental deployment would leave
// a rule in place that the template merely stopped declaring).
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'recordings-retention'
          enabled: retentionDays > 0
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${recordingsContainer.name}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: max(retentionDays, 1)
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource recordingsReadWrite 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(recordingsContainer.id, appPrincipalId, storageBlobDataContributor)
  scope: recordingsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource recordingsLinks 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, appPrincipalId, storageBlobDelegator)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDelegator)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(roles): {
  name: guid(storage.id, appPrincipalId, role.value)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output recordingsContainerName string = recordingsContainer.name
