// The app settings of an existing function app (shape of AVM web/site/config, name 'appsettings').
// This resource replaces the whole set, so a setting removed here is removed from the app.

@description('Required. Name of the existing function app.')
param appName string

@description('Required. The app settings, name to value. No secret values: secrets are Key Vault references.')
param appSettings {
  *: string
}

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: appName
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}
