// The Flex Consumption plan (shape of AVM web/serverfarm).
import { tagsType } from 'types.bicep'

@description('Required. Name of the plan.')
param name string

@description('Optional. Location for the plan.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType = {}

@description('Optional. Spread instances over availability zones (the region must support it for Flex Consumption).')
param zoneRedundant bool = false

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Flex Consumption runs on Linux only.
    reserved: true
    zoneRedundant: zoneRedundant
  }
}

@description('The resource id of the plan.')
output resourceId string = plan.id

@description('The name of the plan.')
output name string = plan.name
