// A user-assigned managed identity (shape of AVM managed-identity/user-assigned-identity).
import { tagsType } from 'types.bicep'

@description('Required. Name of the user-assigned identity.')
param name string

@description('Optional. Location for the identity.')
param location string = resourceGroup().location

@description('Optional. Tags of the resource.')
param tags tagsType = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('The resource id of the identity.')
output resourceId string = identity.id

@description('The name of the identity.')
output name string = identity.name

@description('The client (application) id, used by the app to ask for tokens.')
output clientId string = identity.properties.clientId

@description('The principal (object) id, used in role assignments.')
output principalId string = identity.properties.principalId
