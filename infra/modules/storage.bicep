// The storage account for the service's tables, the Functions host and the deployment package
// (shape of AVM storage/storage-account). Only Entra ID (managed identity) access: no account key,
// no SAS, no anonymous blobs, TLS 1.2 over HTTPS.
import { builtInRoleIds, roleAssignmentType, tagsType } from 'types.bicep'

@description('Required. Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Location for the account.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType = {}

@description('Optional. Storage account SKU.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string = 'Standard_LRS'

@description('Optional. Blob containers to create.')
param blobContainerNames string[] = []

@description('Optional. Whether the account is reachable from public networks.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

@description('Optional. Days to keep deleted blobs and containers.')
@minValue(1)
@maxValue(365)
param deleteRetentionDays int = 7

@description('Optional. Role assignments on the storage account.')
param roleAssignments roleAssignmentType[] = []

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    // Keys and SAS tokens are long-lived bearer secrets; with shared keys off, every caller needs
    // an Entra ID token and a role assignment, which can be scoped, audited and revoked.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    // No anonymous reads of the deployment package or of anything else.
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for containerName in blobContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// Scoped to this account, never to the resource group.
resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: assignment.?name ?? guid(storageAccount.id, assignment.principalId, builtInRoleIds[?assignment.roleDefinitionIdOrName] ?? assignment.roleDefinitionIdOrName)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoleIds[?assignment.roleDefinitionIdOrName] ?? assignment.roleDefinitionIdOrName)
      principalId: assignment.principalId
      principalType: assignment.?principalType
      description: assignment.?description
    }
  }
]

@description('The resource id of the storage account.')
output resourceId string = storageAccount.id

@description('The name of the storage account.')
output name string = storageAccount.name

@description('The blob service endpoint, with a trailing slash.')
output primaryBlobEndpoint string = storageAccount.properties.primaryEndpoints.blob

@description('The queue service endpoint, with a trailing slash.')
output primaryQueueEndpoint string = storageAccount.properties.primaryEndpoints.queue

@description('The table service endpoint, with a trailing slash.')
output primaryTableEndpoint string = storageAccount.properties.primaryEndpoints.table
