// rolebot on Azure: an Azure Bot (SingleTenant or UserAssignedMSI) with the Teams channel, a Linux
// App Service running the rolebot container on two instances, and a storage account holding the
// conversation state and the feedback log that the instances share. See docs/deploying.md.
//
//   az deployment group create -g <resource-group> -f deploy/azure/main.bicep -p deploy/azure/main.parameters.json

@description('Name of the Azure Bot resource (globally unique).')
param botName string

@description('Name of the App Service web app; the bot endpoint is https://<name>.azurewebsites.net/api/messages.')
param webAppName string

@description('Container image to run, e.g. myregistry.azurecr.io/rolebot:1.0.0.')
param containerImage string

@description('How the bot authenticates. New multi-tenant registrations are no longer possible.')
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
])
param appType string = 'SingleTenant'

@description('SingleTenant: the app (client) id of your Microsoft Entra app registration. Ignored for UserAssignedMSI (the identity created here is used).')
param appId string = ''

@description('SingleTenant: a client secret of that app registration. Prefer a Key Vault reference in production.')
@secure()
param appPassword string = ''

@description('Microsoft Entra tenant of the bot registration.')
param tenantId string = subscription().tenantId

@description('Azure region of the App Service.')
param location string = resourceGroup().location

@description('App Service plan size: the model needs about 1 GB of memory, so B2 or larger.')
param planSku string = 'B2'

@description('How many instances serve the bot (2 or more for availability; they share state in the storage account).')
@minValue(1)
param instanceCount int = 2

@description('Name of the storage account for conversation state and feedback (globally unique, 3-24 lower-case letters and digits).')
param storageAccountName string

@description('Container registry login server, e.g. myregistry.azurecr.io (empty for a public image).')
param registryServer string = ''

@description('Container registry user name (empty for a public image).')
param registryUsername string = ''

@description('Container registry password (empty for a public image).')
@secure()
param registryPassword string = ''

var useMsi = appType == 'UserAssignedMSI'
var registrySettings = empty(registryServer) ? [] : [
  {
    name: 'DOCKER_REGISTRY_SERVER_URL'
    value: 'https://${registryServer}'
  }
  {
    name: 'DOCKER_REGISTRY_SERVER_USERNAME'
    value: registryUsername
  }
  {
    name: 'DOCKER_REGISTRY_SERVER_PASSWORD'
    value: registryPassword
  }
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (useMsi) {
  name: '${botName}-identity'
  location: location
}

var botAppId = useMsi ? identity.properties.clientId : appId

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'rolebot'
  properties: {
    publicAccess: 'None'
  }
}

var storageConnectionString = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${webAppName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: planSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux,container'
  identity: useMsi ? {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  } : null
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // No sticky sessions: any instance may take any turn (state is shared through the storage account).
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'DOCKER|${containerImage}'
      alwaysOn: true
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appSettings: concat([
        {
          name: 'APP_ID'
          value: botAppId
        }
        {
          name: 'APP_PASSWORD'
          value: useMsi ? '' : appPassword
        }
        {
          name: 'APP_TYPE'
          value: appType
        }
        {
          name: 'APP_TENANTID'
          value: tenantId
        }
        {
          name: 'PORT'
          value: '3978'
        }
        {
          name: 'WEBSITES_PORT'
          value: '3978'
        }
        {
          // /home is the App Service's persistent storage: conversation state and feedback live there.
          name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE'
          value: 'true'
        }
        {
          name: 'ROLEBOT_DATA_DIR'
          value: '/home/rolebot'
        }
        {
          // Conversation state (ETag concurrency) and feedback in the storage account, shared by the instances.
          name: 'ROLEBOT_STORAGE'
          value: 'azure'
        }
        {
          name: 'ROLEBOT_STORAGE_CONNECTION_STRING'
          value: storageConnectionString
        }
        {
          name: 'ROLEBOT_STORAGE_CONTAINER'
          value: container.name
        }
        {
          name: 'ROLEBOT_LOG_LEVEL'
          value: 'INFO'
        }
      ], registrySettings)
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAppId
    msaAppType: appType
    msaAppTenantId: tenantId
    msaAppMSIResourceId: useMsi ? identity.id : null
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

@description('The bot id to pass to `rolebot teams-package --bot-id`.')
output botId string = botAppId

@description('The messaging endpoint registered on the Azure Bot.')
output endpoint string = bot.properties.endpoint
