// The onboarding service on Azure: a .NET isolated function app on the Flex Consumption plan,
// Table storage, Key Vault and Application Insights, joined by one user-assigned managed identity.
// No shared key, connection string with a key, or secret value appears anywhere: the identity has
// role assignments on each resource it uses, and secrets are Key Vault references.
//
// Deploy into an existing resource group:
//   az deployment group create -g <rg> -p infra/env/test.bicepparam   (see "Deploy to Azure" in README.md)
import { tagsType } from 'modules/types.bicep'

targetScope = 'resourceGroup'

@description('Short name of the environment, used in resource names (lowercase letters and digits).')
@minLength(2)
@maxLength(7)
param environmentName string

@description('Location of every resource.')
param location string = resourceGroup().location

@description('Tags put on every resource.')
param tags tagsType = {}

@description('Ids of the tenants the service serves, as in the tenants file. Each needs the Key Vault secret "tenant-<id>-client-secret" and gets the app setting TenantSecrets__<id> (a "-" in the id becomes "_").')
@minLength(1)
param tenantIds string[]

@description('Ids of the partner back-ends named in the tenants file (partners[].id), e.g. terrascope. Each needs the Key Vault secret "partner-<id>-client-secret" and gets the app setting PartnerSecrets__<id> (a "-" in the id becomes "_").')
param partnerIds string[] = []

@description('Path of the tenants file inside the deployed package, relative to the app root.')
param tenantsFile string = 'tenants.json'

@description('When the retention purge runs (six-field NCRONTAB, UTC): the PurgeExpiredData timer reads it from Privacy__PurgeSchedule, and the host will not start without it.')
param privacyPurgeSchedule string = '0 0 3 * * *'

@description('Public base URL of the service when a custom domain fronts it; empty to use the app\'s own host name.')
param publicBaseUrl string = ''

@description('Whether the Key Vault accepts requests from public networks. "Disabled" needs a private endpoint and VNet integration, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param keyVaultPublicNetworkAccess string = 'Enabled'

@description('Object id of a user or group that may write secrets to the vault (Key Vault Secrets Officer on this vault only); empty for none.')
param vaultOperatorPrincipalId string = ''

@description('Type of the principal in vaultOperatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param vaultOperatorPrincipalType string = 'Group'

@description('Instances of the HTTP functions kept warm, so that sign-in never waits for a cold start.')
@minValue(1)
param alwaysReadyHttpInstances int = 1

@description('The largest number of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('.NET version of the isolated worker.')
param dotnetVersion string = '10.0'

@description('The tenant whose provider signs in deployment-wide operators (cross-tenant uptake report); empty: no such role.')
param reportsOperatorTenant string = ''

@description('The entitlement value that makes someone a deployment-wide operator.')
param reportsOperatorEntitlement string = ''

@description('Service name reported in traces and metrics (OTEL_SERVICE_NAME).')
param otelServiceName string = 'onboarding'

@description('Days Log Analytics keeps telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// Names are computed here rather than read from module outputs, so that they are known before
// deployment: what-if and `bicep snapshot` (used by the template tests) can then show real values.
var resourceToken = uniqueString(subscription().id, resourceGroup().id, environmentName)
var identityName = 'id-onboarding-${environmentName}'
var identityResourceId = resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', identityName)
var functionAppName = 'func-onb-${environmentName}-${resourceToken}'
var deploymentContainerName = 'deployment-package'
var keyVaultName = 'kv-${environmentName}-${resourceToken}'
var storageAccountName = 'st${resourceToken}'
var storageSuffix = environment().suffixes.storage
var allTags = union(tags, { environment: environmentName, service: 'onboarding' })

// The value of an app setting that App Service resolves from the vault with the app's identity.
// Without a version it follows the latest version of the secret (re-read within 24 hours, or at
// once after any change to the app's settings).
func keyVaultReference(vaultName string, secretName string) string =>
  '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

// One client-secret setting per id (TenantSecrets__<id>, PartnerSecrets__<id>), each a reference to
// the vault secret <kind>-<id>-client-secret. App settings on Linux allow letters, digits, '_' and
// '.', so a '-' in an id becomes '_' in the setting name (tenants.json: "clientSecretSetting":
// "TenantSecrets:<id with _ for ->" or "PartnerSecrets:…"); vault secret names take '-' but no '_'.
func clientSecretSettings(vaultName string, settingSection string, secretKind string, ids string[]) {
  *: string
} =>
  toObject(
    ids,
    id => '${settingSection}__${replace(id, '-', '_')}',
    id => keyVaultReference(vaultName, '${secretKind}-${id}-client-secret')
  )

module identity 'modules/identity.bicep' = {
  params: {
    name: identityName
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  params: {
    name: storageAccountName
    location: location
    tags: allTags
    blobContainerNames: [
      deploymentContainerName
    ]
    roleAssignments: [
      {
        // The service's tables: read and write entities, and create its tables on first use.
        roleDefinitionIdOrName: 'Storage Table Data Contributor'
        principalId: identity.outputs.principalId
        principalType: 'ServicePrincipal'
        description: 'Onboarding service tables and Functions host diagnostics'
      }
      {
        // The Functions host keeps its keys, timer schedules and singleton locks (blob leases) in
        // containers it creates itself (azure-webjobs-hosts, azure-webjobs-secrets), and Flex
        // Consumption reads the deployment package from deploymentContainerName. Creating
        // containers needs the role on the account; a container scope would break the host.
        // No queue role: nothing here uses queues (no queue or blob triggers, no Durable Functions).
        roleDefinitionIdOrName: 'Storage Blob Data Owner'
        principalId: identity.outputs.principalId
        principalType: 'ServicePrincipal'
        description: 'Functions host storage and Flex Consumption deployment package'
      }
    ]
  }
}

module keyVault 'modules/keyvault.bicep' = {
  params: {
    name: keyVaultName
    location: location
    tags: allTags
    publicNetworkAccess: keyVaultPublicNetworkAccess
    roleAssignments: concat(
      [
        {
          // Read secret values only: no listing of keys or certificates, no writes.
          roleDefinitionIdOrName: 'Key Vault Secrets User'
          principalId: identity.outputs.principalId
          principalType: 'ServicePrincipal'
          description: 'Key Vault references of the onboarding function app'
        }
      ],
      empty(vaultOperatorPrincipalId)
        ? []
        : [
            {
              roleDefinitionIdOrName: 'Key Vault Secrets Officer'
              principalId: vaultOperatorPrincipalId
              principalType: vaultOperatorPrincipalType
              description: 'Operators who set tenant and partner client secrets and the HMAC secret'
            }
          ]
    )
  }
}

module logAnalytics 'modules/log-analytics-workspace.bicep' = {
  params: {
    name: 'log-onboarding-${environmentName}'
    location: location
    tags: allTags
    dataRetention: logRetentionDays
  }
}

module appInsights 'modules/application-insights.bicep' = {
  params: {
    name: 'appi-onboarding-${environmentName}'
    location: location
    tags: allTags
    workspaceResourceId: logAnalytics.outputs.resourceId
    roleAssignments: [
      {
        // With local authentication off, telemetry is accepted only from a principal with this role.
        roleDefinitionIdOrName: 'Monitoring Metrics Publisher'
        principalId: identity.outputs.principalId
        principalType: 'ServicePrincipal'
        description: 'Telemetry of the onboarding function app'
      }
    ]
  }
}

module plan 'modules/app-service-plan.bicep' = {
  params: {
    name: 'plan-onboarding-${environmentName}'
    location: location
    tags: allTags
  }
}

module functionApp 'modules/function-app.bicep' = {
  params: {
    name: functionAppName
    location: location
    tags: allTags
    serverFarmResourceId: plan.outputs.resourceId
    managedIdentities: {
      userAssignedResourceIds: [
        identityResourceId
      ]
    }
    keyVaultAccessIdentityResourceId: identityResourceId
    deploymentStorageContainerUrl: 'https://${storageAccountName}.blob.${storageSuffix}/${deploymentContainerName}'
    deploymentStorageIdentityResourceId: identityResourceId
    runtimeName: 'dotnet-isolated'
    runtimeVersion: dotnetVersion
    maximumInstanceCount: maximumInstanceCount
    alwaysReady: [
      {
        name: 'http'
        instanceCount: alwaysReadyHttpInstances
      }
    ]
  }
  // The identity and its storage roles must exist before the app first fetches its package.
  dependsOn: [
    identity
    storage
  ]
}

var baseUrl = empty(publicBaseUrl) ? 'https://${functionApp.outputs.defaultHostname}' : publicBaseUrl

module functionAppSettings 'modules/function-app-settings.bicep' = {
  params: {
    appName: functionAppName
    appSettings: union(
      {
        // Functions host storage, reached with the identity (no AzureWebJobsStorage connection string).
        // The queue URI completes the host's connection; the identity has no queue role, as no
        // function uses queues (timers lock with blob leases).
        AzureWebJobsStorage__credential: 'managedidentity'
        AzureWebJobsStorage__clientId: identity.outputs.clientId
        AzureWebJobsStorage__blobServiceUri: 'https://${storageAccountName}.blob.${storageSuffix}'
        AzureWebJobsStorage__queueServiceUri: 'https://${storageAccountName}.queue.${storageSuffix}'
        AzureWebJobsStorage__tableServiceUri: 'https://${storageAccountName}.table.${storageSuffix}'
        // The service's own tables (StorageOptions).
        Storage__TableServiceUri: 'https://${storageAccountName}.table.${storageSuffix}'
        Storage__ManagedIdentityClientId: identity.outputs.clientId
        Storage__TablePrefix: ''
        Onboarding__PublicBaseUrl: baseUrl
        Onboarding__TenantsFile: tenantsFile
        Privacy__HmacSecret: keyVaultReference(keyVaultName, 'privacy-hmac-secret')
        Privacy__PurgeSchedule: privacyPurgeSchedule
        // The deployment-wide operator role for GET /api/reports/uptake (not per tenant).
        Reports__OperatorTenant: reportsOperatorTenant
        Reports__OperatorEntitlement: reportsOperatorEntitlement
        APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.outputs.connectionString
        // Entra ID authentication for telemetry, as the component accepts no other.
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
        OTEL_SERVICE_NAME: otelServiceName
      },
      clientSecretSettings(keyVaultName, 'TenantSecrets', 'tenant', tenantIds),
      clientSecretSettings(keyVaultName, 'PartnerSecrets', 'partner', partnerIds)
    )
  }
  // The host starts as soon as its settings exist: its storage and vault roles must be in place.
  dependsOn: [
    storage
    keyVault
  ]
}

@description('Name of the function app, for publishing the package.')
output functionAppName string = functionApp.outputs.name

@description('Public URL of the service.')
output functionAppUrl string = baseUrl

@description('Redirect (callback) URL to register at each tenant\'s identity provider, by tenant id.')
output callbackUrls {
  *: string
} = toObject(tenantIds, tenantId => tenantId, tenantId => '${baseUrl}/api/tenants/${tenantId}/callback')

@description('Name of the Key Vault that holds the tenant and partner client secrets and the HMAC secret.')
output keyVaultName string = keyVault.outputs.name

@description('Name of the storage account with the service\'s tables.')
output storageAccountName string = storage.outputs.name
