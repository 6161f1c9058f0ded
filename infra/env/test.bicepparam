// The test environment. Deploy with:
//   az deployment group create -g rg-onboarding-test -p infra/env/test.bicepparam
using '../main.bicep'

param environmentName = 'test'

param tags = {
  project: 'openeo-onboarding'
}

// One entry per tenant in tenants.json; each needs the vault secret tenant-<id>-client-secret.
param tenantIds = [
  'demo'
  'other'
]

// One entry per partner back-end (partners[].id) in tenants.json; each needs the vault secret
// partner-<id>-client-secret.
param partnerIds = [
  'terrascope'
]

param tenantsFile = 'tenants.json'

param keyVaultPublicNetworkAccess = 'Enabled'

param alwaysReadyHttpInstances = 1

param maximumInstanceCount = 10

// Operators of the whole deployment: signed in through tenant demo's provider, with this entitlement.
param reportsOperatorTenant = 'demo'
param reportsOperatorEntitlement = 'urn:mace:egi.eu:group:vo.openeo.cloud:role=operator#aai.egi.eu'
