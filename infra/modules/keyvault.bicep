// A Key Vault for the tenants' client secrets and the HMAC secret (shape of AVM key-vault/vault).
// Access is by Azure RBAC only, so who may read which secret is a role assignment on this vault,
// not an access policy that grants every secret at once.
import { builtInRoleIds, roleAssignmentType, tagsType } from 'types.bicep'

@description('Required. Name of the vault (3-24 letters, digits and dashes).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Location for the vault.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType = {}

@description('Optional. Whether the vault is reachable from public networks. "Disabled" needs a private endpoint and VNet integration of the app.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

@description('Optional. Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Optional. Role assignments on the vault.')
param roleAssignments roleAssignmentType[] = []

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    // A deleted or overwritten secret stays recoverable, and purge protection means no one, not
    // even an owner, can destroy it for good before the retention period ends.
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
    }
  }
}

// Scoped to this vault, never to the resource group.
resource vaultRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: assignment.?name ?? guid(vault.id, assignment.principalId, builtInRoleIds[?assignment.roleDefinitionIdOrName] ?? assignment.roleDefinitionIdOrName)
    scope: vault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoleIds[?assignment.roleDefinitionIdOrName] ?? assignment.roleDefinitionIdOrName)
      principalId: assignment.principalId
      principalType: assignment.?principalType
      description: assignment.?description
    }
  }
]

@description('The resource id of the vault.')
output resourceId string = vault.id

@description('The name of the vault.')
output name string = vault.name

@description('The vault URI.')
output uri string = vault.properties.vaultUri
