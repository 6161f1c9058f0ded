// Workspace-based Application Insights (shape of AVM insights/component). Local (key) ingestion
// is off, so telemetry is accepted only with an Entra ID token: the instrumentation key in the
// connection string identifies the resource but no longer authorises a write.
import { builtInRoleIds, roleAssignmentType, tagsType } from 'types.bicep'

@description('Required. Name of the Application Insights resource.')
param name string

@description('Optional. Location for the resource.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType = {}

@description('Required. Resource id of the Log Analytics workspace that stores the data.')
param workspaceResourceId string

@description('Optional. Role assignments on the Application Insights resource.')
param roleAssignments roleAssignmentType[] = []

resource component 'Microsoft.Insights/components@2020-02-02' = {
  name: name
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspaceResourceId
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
    DisableIpMasking: false
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

// Scoped to this component, never to the resource group.
resource componentRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: assignment.?name ?? guid(component.id, assignment.principalId, builtInRoleIds[?assignment.roleDefinitionIdOrName] ?? assignment.roleDefinitionIdOrName)
    scope: component
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoleIds[?assignment.roleDefinitionIdOrName] ?? assignment.roleDefinitionIdOrName)
      principalId: assignment.principalId
      principalType: assignment.?principalType
      description: assignment.?description
    }
  }
]

@description('The resource id of the component.')
output resourceId string = component.id

@description('The name of the component.')
output name string = component.name

@description('The connection string. Not a secret: with local authentication off it only names the resource and its ingestion endpoint.')
output connectionString string = component.properties.ConnectionString
