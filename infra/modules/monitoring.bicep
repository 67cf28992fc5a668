@description('Base name for the monitoring resources.')
param name string
param location string
param tags object = {}
@description('Where alerts are e-mailed.')
param alertEmail string
@description('Principal id of the app identity: may publish telemetry with Entra ID auth.')
param appPrincipalId string

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${name}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: false
  }
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(appInsights.id, 'elevenlabs-conversation-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'ElevenLabs conversation function'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: loadTextContent('../workbook.json')
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${name}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('el-${name}', 12)
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var alerts = [
  {
    key: 'failure-rate'
    displayName: 'ElevenLabs conversation: failure rate over 5% in 5 minutes'
    severity: 2
    query: loadTextContent('../alerts/failure-rate.kql')
    measure: 'FailureRate'
    aggregation: 'Maximum'
    threshold: 5
    window: 'PT5M'
  }
  {
    key: 'p95-duration'
    displayName: 'ElevenLabs conversation: p95 duration over 5 s'
    severity: 3
    query: loadTextContent('../alerts/p95-duration.kql')
    measure: 'P95DurationMs'
    aggregation: 'Maximum'
    threshold: 5000
    window: 'PT5M'
  }
  {
    key: 'elevenlabs-401'
    displayName: 'ElevenLabs conversation: ElevenLabs rejected the API key (401)'
    severity: 1
    query: loadTextContent('../alerts/elevenlabs-401.kql')
    measure: 'Rejections'
    aggregation: 'Total'
    threshold: 0
    window: 'PT5M'
  }
  {
    key: 'webhook-rejected'
    displayName: 'ElevenLabs conversation: more than 10 webhook deliveries rejected in 5 minutes'
    severity: 2
    query: loadTextContent('../alerts/webhook-rejected.kql')
    measure: 'Rejections'
    aggregation: 'Total'
    threshold: 10
    window: 'PT5M'
  }
  {
    // The readiness check reads ElevenLabs' webhook list at most every few minutes: a wider window than the others.
    key: 'webhook-disabled'
    displayName: 'ElevenLabs conversation: ElevenLabs disabled the webhook (post-call events stop arriving)'
    severity: 1
    query: loadTextContent('../alerts/webhook-disabled.kql')
    measure: 'Reports'
    aggregation: 'Total'
    threshold: 0
    window: 'PT15M'
  }
  {
    // One sweep period (15 minutes by default) recovers what the webhook missed: count over hours, not minutes.
    key: 'calls-reconciled'
    displayName: 'ElevenLabs conversation: more than 5 calls in 6 hours recovered by the reconcile pass (the webhook is failing)'
    severity: 2
    query: loadTextContent('../alerts/calls-reconciled.kql')
    measure: 'Recovered'
    aggregation: 'Total'
    threshold: 5
    window: 'PT6H'
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in alerts: {
  name: 'alert-${name}-${alert.key}'
  location: location
  tags: tags
  properties: {
    displayName: alert.displayName
    severity: alert.severity
    enabled: true
    evaluationFrequency: 'PT5M'
    windowSize: alert.window
    scopes: [
      appInsights.id
    ]
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: alert.aggregation
          metricMeasureColumn: alert.measure
          operator: 'GreaterThan'
          threshold: alert.threshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}]

output appInsightsName string = appInsights.name
output appInsightsId string = appInsights.id
output actionGroupId string = actionGroup.id
output connectionString string = appInsights.properties.ConnectionString
output workbookId string = workbook.id
