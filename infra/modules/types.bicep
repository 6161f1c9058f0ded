// Types shared by the modules, shaped like the Azure Verified Modules' own so that a module here
// can later be swapped for its registry counterpart without changing the caller.

@export()
@description('Tags to put on a resource.')
type tagsType = {
  *: string
}

@export()
@description('A role assignment on the resource a module deploys (AVM "roleAssignments" shape).')
type roleAssignmentType = {
  @description('Optional. The GUID name of the assignment; derived from scope, principal and role when omitted.')
  name: string?

  @description('Required. A role name from builtInRoleIds, or a role definition GUID.')
  roleDefinitionIdOrName: string

  @description('Required. The principal (object) id to grant the role to.')
  principalId: string

  @description('Optional. The type of the principal; set it for new identities to avoid replication delays.')
  principalType: ('ServicePrincipal' | 'Group' | 'User' | 'ForeignGroup' | 'Device')?

  @description('Optional. Why the assignment exists.')
  description: string?
}

@export()
@description('Built-in roles the modules assign, by name. Ids are the same in every Azure cloud.')
var builtInRoleIds = {
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6'
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb'
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
