// A Log Analytics workspace behind Application Insights (shape of AVM operational-insights/workspace).
import { tagsType } from 'types.bicep'

@description('Required. Name of the workspace.')
param name string

@description('Optional. Location for the workspace.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType = {}

@description('Optional. Days to keep data.')
@minValue(30)
@maxValue(730)
param dataRetention int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: dataRetention
    features: {
      // Only Entra ID callers may write or query; no workspace keys.
      disableLocalAuth: true
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

@description('The resource id of the workspace.')
output resourceId string = workspace.id

@description('The name of the workspace.')
output name string = workspace.name
