// A function app on a Flex Consumption plan (shape of AVM web/site with kind 'functionapp,linux').
// The app runs as one user-assigned identity, which also fetches the deployment package and
// resolves Key Vault references. App settings are a separate resource (function-app-settings.bicep)
// because some of them need this app's host name.
import { tagsType } from 'types.bicep'

@description('Required. Name of the function app (globally unique).')
@minLength(2)
@maxLength(60)
param name string

@description('Optional. Location for the app.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType = {}

@description('Required. Resource id of the Flex Consumption plan.')
param serverFarmResourceId string

@description('Required. The identities of the app (AVM "managedIdentities" shape, user-assigned only).')
param managedIdentities {
  @description('Required. Resource ids of the user-assigned identities to attach.')
  @minLength(1)
  userAssignedResourceIds: string[]
}

@description('Required. Resource id of the user-assigned identity that resolves Key Vault references.')
param keyVaultAccessIdentityResourceId string

@description('Required. URL of the blob container that holds the deployment package.')
param deploymentStorageContainerUrl string

@description('Required. Resource id of the user-assigned identity that reads the deployment package.')
param deploymentStorageIdentityResourceId string

@description('Optional. The language worker.')
@allowed([
  'dotnet-isolated'
])
param runtimeName string = 'dotnet-isolated'

@description('Optional. The worker runtime version.')
param runtimeVersion string = '10.0'

@description('Optional. The largest number of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Optional. Memory of each instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Instances kept warm per function group ("http", "blob", "durable" or "function:<name>").')
param alwaysReady {
  @description('Required. The function group or "function:<name>".')
  name: string

  @description('Required. The number of instances always ready.')
  @minValue(1)
  instanceCount: int
}[] = []

@description('Optional. Whether the app is reachable from public networks.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  // The app never gets a system-assigned identity: one user-assigned identity holds all its roles,
  // so the roles can be granted before the app exists and survive its re-creation.
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: toObject(managedIdentities.userAssignedResourceIds, id => id, _ => {})
  }
  properties: {
    serverFarmId: serverFarmResourceId
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: publicNetworkAccess
    keyVaultReferenceIdentity: keyVaultAccessIdentityResourceId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // The app answers CORS itself, per tenant and only on its JSON API (Cors.cs). The platform's
      // list is one for the whole app and would answer preflights before the app sees them: empty.
      cors: {
        allowedOrigins: []
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentStorageContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: deploymentStorageIdentityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }
}

// No publishing with user names and passwords: deployment uses Entra ID tokens only.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('The resource id of the app.')
output resourceId string = site.id

@description('The name of the app.')
output name string = site.name

@description('The default host name of the app, without scheme.')
output defaultHostname string = site.properties.defaultHostName
